import { measureDuration, parseDuration } from '../activation/duration-parser';
import { startsWith, type Token } from './command-tokens';
import type { ParseContext } from './parse-context';
import { DURATION_LEADS, JUSTIFICATION_MARKERS } from './role-request-vocabulary';
import { isTicket } from './ticket-reader';

/**
 * Durations as phrases in a request ("2h", "for the next 90 minutes"). The duration grammar itself is
 * duration-parser's; this file only decides how many words of the message belong to one.
 */

export const MAX_DURATION_WORDS = 8;

export interface FoundDuration {
  length: number;
  text: string;
  minutes?: number;
}

/** The longest duration phrase starting at `start`. A bare number counts only where nothing else can follow it. */
function readDuration(tokens: Token[], start: number, ctx: ParseContext, afterFor: boolean): FoundDuration | undefined {
  for (let length = Math.min(MAX_DURATION_WORDS, tokens.length - start); length > 0; length--) {
    const slice = tokens.slice(start, start + length);
    if (slice.some((t) => t.quoted) || !/[\p{L}\p{N}]/u.test(slice.at(-1)!.raw)) continue;
    const text = slice
      .map((t) => t.raw)
      .join(' ')
      .replace(/[\s.,;:!?\u2026]+$/, '');
    const measured = measureDuration(text);
    if (!measured) continue;
    if (measured.bareNumber && !afterFor && !endsStructure(tokens, start + length, ctx)) continue;
    const parsed = parseDuration(text);
    return parsed.ok ? { length, text, minutes: parsed.minutes } : { length, text };
  }
  return undefined;
}

/** Whether position `i` is the end of the message, a ticket, a quote or a justification marker. */
function endsStructure(tokens: Token[], i: number, ctx: ParseContext): boolean {
  const t = tokens[i];
  return !t || t.quoted || isTicket(t, ctx) || startsWith(tokens.slice(i), JUSTIFICATION_MARKERS) !== undefined;
}

/** A duration at `i`, optionally introduced by "for" ("for 2 hours", "for the next hour", "for about 90m"). */
export function durationAt(tokens: Token[], i: number, ctx: ParseContext): FoundDuration | undefined {
  const t = tokens[i];
  if (!t || t.quoted) return undefined;
  if (t.word === 'for' || t.word === 'within') {
    const lead = startsWith(tokens.slice(i + 1), DURATION_LEADS);
    const withLead = lead && readDuration(tokens, i + 1 + lead.length, ctx, true);
    if (withLead) return { ...withLead, length: withLead.length + lead.length + 1 };
    const plain = readDuration(tokens, i + 1, ctx, true);
    return plain && { ...plain, length: plain.length + 1 };
  }
  return readDuration(tokens, i, ctx, false);
}
