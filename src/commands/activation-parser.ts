import type { ActivateCommand } from './command';
import { rawText, startsWith, type Token } from './command-tokens';
import { durationAt, type FoundDuration, MAX_DURATION_WORDS } from './duration-reader';
import type { ParseContext } from './parse-context';
import {
  ACTIVATE_FILLERS,
  ACTIVATE_TRIGGERS,
  AFTER_TARGET,
  EMPTY_JUSTIFICATIONS,
  JUSTIFICATION_MARKERS,
} from './role-request-vocabulary';
import { findTarget, STRONG, trimPunctuation } from './target-reader';
import { isTicket, labeledTicket, ticketText } from './ticket-reader';

/**
 * An activation request read into its fields: target, duration, ticket and justification, in whatever order
 * people type them. The largest part of the grammar, so it has its own file; the word-level readers (target,
 * duration, ticket) it builds on are separate so deactivation and the entry point can reuse them.
 */

/** "can I get me temporary access to the ...": more verbs and fillers than this in a row are not a request. */
const MAX_LEADING_FILLERS = 8;

/** Drops verbs and fillers before the target, unless they begin a target's exact name ("Access Reviewers"). */
export function skipActivateFillers(tokens: Token[], ctx: ParseContext): Token[] {
  let rest = tokens;
  for (let changed = true, skipped = 0; changed && rest.length && skipped < MAX_LEADING_FILLERS; skipped++) {
    changed = false;
    const trigger = startsWith(rest, ACTIVATE_TRIGGERS);
    const filler = startsWith(rest, ACTIVATE_FILLERS);
    const skip = Math.max(trigger?.length ?? 0, filler?.length ?? 0);
    if (skip && findTarget(rest, ctx)?.how === 'name' && findTarget(rest.slice(skip), ctx)?.how !== 'name') break;
    if (skip) {
      rest = rest.slice(skip);
      changed = true;
    }
  }
  return rest;
}

/**
 * Target, duration, ticket and justification from the words after the verb. With `verbless`, only a message that
 * starts with a strongly matching target followed by a duration or nothing counts; otherwise undefined.
 */
export function parseActivation(tokens: Token[], ctx: ParseContext, verbless: boolean): ActivateCommand | undefined {
  const command: ActivateCommand = { type: 'activate' };
  let i = 0;

  // "2 hours of Exchange admin": a duration before the target.
  if (!verbless) {
    const early = durationAt(tokens, 0, ctx);
    const next = early && tokens[early.length];
    if (early && next && !next.quoted && ['of', 'as', 'on', 'with'].includes(next.word)) {
      setDuration(command, early);
      i = early.length + 1;
      while (tokens[i] && !tokens[i]!.quoted && ['the', 'my'].includes(tokens[i]!.word)) i++;
    }
  }

  const target = findTarget(tokens.slice(i), ctx);
  if (verbless) {
    if (!target || !STRONG.has(target.how)) return undefined;
  }
  if (target) {
    command.targetText = target.text;
    i += target.length;
  } else {
    const start = i;
    while (i < tokens.length && !startsStructure(tokens, i, ctx)) i++;
    if (i > start)
      command.targetText = trimPunctuation(
        tokens
          .slice(start, i)
          .map((t) => t.raw)
          .join(' '),
      );
  }
  while (tokens[i] && !tokens[i]!.quoted && AFTER_TARGET.includes(tokens[i]!.word)) i++;
  if (verbless && i < tokens.length && !durationAt(tokens, i, ctx)) return undefined;

  const justification: string[] = [];
  let free: Token[] = [];
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.quoted) {
      justification.push(t.raw);
      i++;
      continue;
    }
    const labeled = labeledTicket(tokens, i);
    if (labeled && command.ticket === undefined) {
      command.ticket = labeled.ticket;
      i += labeled.length;
      continue;
    }
    if (command.ticket === undefined && isTicket(t, ctx)) {
      command.ticket = ticketText(t.raw);
      i++;
      continue;
    }
    if (command.durationText === undefined) {
      const duration = durationAt(tokens, i, ctx);
      if (duration) {
        setDuration(command, duration);
        i += duration.length;
        continue;
      }
    }
    free = tokens.slice(i);
    break;
  }

  free = dropMarker(free);
  free = pullTrailingFields(command, free, ctx);
  if (free.length) justification.push(free.length === 1 ? free[0]!.raw : free.map(rawText).join(' '));
  const text = justification
    .join(' ')
    .replace(/^[\s\-\u2013\u2014:,;]+/, '')
    .replace(/[\s\-\u2013\u2014:,;]+$/, '');
  if (text && !EMPTY_JUSTIFICATIONS.test(text)) command.justification = text;
  return command;
}

/** Where the target (when it names no candidate) ends: a duration, ticket, quote or justification marker. */
function startsStructure(tokens: Token[], i: number, ctx: ParseContext): boolean {
  const t = tokens[i]!;
  return (
    t.quoted ||
    isTicket(t, ctx) ||
    labeledTicket(tokens, i) !== undefined ||
    durationAt(tokens, i, ctx) !== undefined ||
    startsWith(tokens.slice(i), JUSTIFICATION_MARKERS) !== undefined
  );
}

function setDuration(command: ActivateCommand, duration: FoundDuration): void {
  command.durationText = duration.text;
  if (duration.minutes !== undefined) command.minutes = duration.minutes;
}

function dropMarker(tokens: Token[]): Token[] {
  const marker = startsWith(tokens, JUSTIFICATION_MARKERS);
  return marker ? tokens.slice(marker.length) : tokens;
}

/**
 * Fields people put after the justification: a trailing "for 2 hours" / "2h" or a trailing ticket is taken out
 * of it; a ticket labeled ("ticket 4711") or typed in capitals (INC-42) inside it is read but left in the text.
 */
function pullTrailingFields(command: ActivateCommand, tokens: Token[], ctx: ParseContext): Token[] {
  let rest = tokens;
  for (let changed = true; changed && rest.length; ) {
    changed = false;
    const labeled = rest.length >= 2 ? labeledTicket(rest, rest.length - 2) : undefined;
    if (command.ticket === undefined && labeled) {
      command.ticket = labeled.ticket;
      rest = rest.slice(0, -2);
      changed = true;
    } else if (command.ticket === undefined && isTicket(rest.at(-1)!, ctx)) {
      command.ticket = ticketText(rest.at(-1)!.raw);
      rest = rest.slice(0, -1);
      changed = true;
    }
    if (command.durationText === undefined) {
      for (let start = Math.max(0, rest.length - MAX_DURATION_WORDS - 1); start < rest.length; start++) {
        const duration = durationAt(rest, start, ctx);
        if (duration && start + duration.length === rest.length && !duration.text.match(/^\d+(?:[.,]\d+)?$/)) {
          setDuration(command, duration);
          rest = rest.slice(0, start);
          changed = true;
          break;
        }
      }
    }
  }
  if (command.ticket === undefined) {
    for (let i = 0; i < rest.length; i++) {
      const labeled = labeledTicket(rest, i);
      const t = rest[i]!;
      if (labeled) {
        command.ticket = labeled.ticket;
        break;
      }
      if (isTicket(t, ctx) && ticketText(t.raw) === ticketText(t.raw).toUpperCase()) {
        command.ticket = ticketText(t.raw);
        break;
      }
    }
  }
  return rest;
}
