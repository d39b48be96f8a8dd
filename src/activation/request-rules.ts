/**
 * The rules a request's inputs must meet, checked in one place for every source (a typed answer, a
 * one-line command, a card): lengths first (no pattern ever runs on more than the field's limit), then
 * the configured ticket pattern.
 */

import { type Refusal, refusal } from './input-problem';

/** PIM's limit for a justification (Graph refuses longer ones). */
export const JUSTIFICATION_MAX = 500;
/** Longer than any ticket number a ticket system issues; the pattern never sees more. */
export const TICKET_MAX = 100;

/** A refusal carries an English `reason` and the same as `code` + `values` (src/activation/input-problem.ts). */
export type InputCheck = { ok: true; value: string } | Refusal;

export interface RequestRules {
  /** Ticket numbers users may give, e.g. INC-42 or CHG0012345. */
  ticketPattern: RegExp;
  /** Shown on the ticket prompt and sent as ticketInfo.ticketSystem. */
  ticketSystem: string;
}

export function checkJustification(text: string | undefined): InputCheck {
  const value = (text ?? '').trim();
  if (!value) return refusal('Please give a short reason.', 'justificationMissing');
  if (value.length > JUSTIFICATION_MAX)
    return refusal(`Please keep the reason to ${JUSTIFICATION_MAX} characters or fewer.`, 'justificationTooLong', {
      max: JUSTIFICATION_MAX,
    });
  return { ok: true, value };
}

export function checkTicket(text: string | undefined, rules: Pick<RequestRules, 'ticketPattern'>): InputCheck {
  const value = (text ?? '').trim();
  if (value.length > TICKET_MAX)
    return refusal(
      `That is too long for a ticket number (at most ${TICKET_MAX} characters). Type just the number, like INC-42.`,
      'ticketTooLong',
      { max: TICKET_MAX },
    );
  if (!value || !matchesTicketPattern(rules.ticketPattern, value))
    return refusal('That does not look like a ticket number. Type it like INC-42 or CHG0012345.', 'ticketInvalid');
  return { ok: true, value };
}

/**
 * The configured ticket pattern on at most {@link TICKET_MAX} characters: TICKET_PATTERN is the operator's, and a
 * pattern with nested or overlapping repeats costs quadratic time or worse in its input's length. Longer text is
 * not a ticket, whatever the pattern says. lastIndex is reset so a g or y flag keeps no state between calls.
 */
export function matchesTicketPattern(pattern: RegExp, text: string): boolean {
  if (text.length > TICKET_MAX) return false;
  pattern.lastIndex = 0;
  return pattern.test(text);
}
