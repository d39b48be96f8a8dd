import { own } from '../shared/own-property';
import type { Command } from './command';
import { parseActivation, skipActivateFillers } from './activation-parser';
import { parseCancelRequest } from './cancel-request-parser';
import { rawText, startsWith, stripPoliteness, tokenize } from './command-tokens';
import { SIMPLE, SUBSCRIBE, VIEW_VERBS } from './command-vocabulary';
import { parseDeactivate } from './deactivation-parser';
import { capMessageText, cleanMessageText } from './message-text';
import { parseContext } from './parse-context';
import { ACTIVATE_TRIGGERS, DEACTIVATE_TRIGGERS } from './role-request-vocabulary';
import { findTarget, STRONG } from './target-reader';

/**
 * The parser's public face: the default ticket pattern and parseCommand, which decides which command a message
 * is and hands requests to the activation and deactivation readers. The command type is ./command; the word
 * lists, tokens and readers live in their own files beside this one.
 */

export { capMessageText, cleanMessageText, MESSAGE_TEXT_MAX } from './message-text';
export type { ActivateCommand, Command } from './command';

export interface ParseOptions {
  /** Display names of the roles and groups the user could mean (their eligibilities): they bound the target. */
  targetNames: readonly string[];
  /** A ticket number token. Default {@link DEFAULT_TICKET_PATTERN}. */
  ticketPattern?: RegExp;
}

/**
 * Ticket numbers as typed in chat, case-insensitive: a Jira/Azure DevOps style key of 2–10 letters and digits
 * starting with a letter, a dash and a number (INC-42, CHG-1042, OPS2-7), or a ServiceNow number: INC, CHG, RITM,
 * REQ, PRB, TASK or SCTASK followed by at least 4 digits (INC0012345). Surrounding brackets, a leading "#" and
 * trailing punctuation are ignored.
 */
export const DEFAULT_TICKET_PATTERN = /^(?:[A-Z][A-Z0-9]{1,9}-\d{1,10}|(?:INC|CHG|RITM|REQ|PRB|TASK|SCTASK)\d{4,12})$/i;

/**
 * Reads one message. Commands and their synonyms are case-insensitive and may be wrapped in politeness ("please",
 * "hey", "can you", "thanks"). Activation requests are read as: an optional verb phrase ("activate", "elevate me
 * to", "I need", "can I get", "give me", ...), then the target, then in any order a duration ("2h", "for 2 hours"),
 * a ticket ({@link ParseOptions.ticketPattern}) and the justification (the rest: after "because", "to", "for",
 * "justification:", or in quotes). Without a verb, a message that starts with a clearly named target followed by a
 * duration (or nothing) is an activation too ("exchange admin 2h"). See the tests for the full specification.
 */
export function parseCommand(text: string, opts: ParseOptions): Command {
  // A command is short: only the start of a longer message is read (see MESSAGE_TEXT_MAX).
  const clean = cleanMessageText(capMessageText(text));
  const ctx = parseContext(opts.targetNames, opts.ticketPattern ?? DEFAULT_TICKET_PATTERN);
  const all = tokenize(clean);
  if (!all.length) return { type: 'help' };
  const tokens = stripPoliteness(all);

  const key = tokens.map((t) => (t.quoted ? `"${t.raw}"` : t.word.replace(/[:]+$/, ''))).join(' ');
  const simple = own(SIMPLE, key) ?? (clean === '?' ? 'help' : undefined);
  if (simple) return { type: simple };
  const viewed = startsWith(tokens, VIEW_VERBS);
  const viewedSimple = viewed && own(SIMPLE, key.split(' ').slice(viewed.length).join(' '));
  if (viewedSimple && viewedSimple !== 'help' && viewedSimple !== 'cancel') return { type: viewedSimple };
  // "help me activate a role", but not "help desk admin 2h".
  if (tokens[0]?.word === 'help' && !STRONG.has(findTarget(tokens, ctx)?.how ?? 'prefix')) return { type: 'help' };

  const cancelRequest = parseCancelRequest(tokens);
  if (cancelRequest) return cancelRequest;

  const subscription = startsWith(tokens, Object.keys(SUBSCRIBE));
  if (subscription) {
    return {
      type: own(SUBSCRIBE, subscription.phrase)!,
      args: tokens.slice(subscription.length).map(rawText).join(' '),
    };
  }

  const deactivate = startsWith(tokens, DEACTIVATE_TRIGGERS);
  if (deactivate) return parseDeactivate(tokens.slice(deactivate.length), ctx);

  const activate = startsWith(tokens, ACTIVATE_TRIGGERS);
  if (activate) {
    const rest = skipActivateFillers(tokens.slice(activate.length), ctx);
    if (rest.length === 1 && rest[0]!.word === 'help') return { type: 'help' };
    return parseActivation(rest, ctx, false) ?? { type: 'activate' };
  }

  return parseActivation(tokens, ctx, true) ?? { type: 'unknown', text: clean };
}
