import type { ActivationPolicy } from '../pim/pim-types';
import { parseDuration, validateDuration } from './duration-parser';
import { checkJustification, checkTicket, type RequestRules } from './request-rules';

/**
 * The activation form's answers checked on the server with the rules every other source meets
 * (request-rules.ts, duration-parser.ts), shaped by the chosen role's policy. The card checks the same
 * things inline (isRequired, maxLength, regex); a client that skips them, or a forged submission, lands here.
 */

/** What the form sent, as text (a duration choice is its minutes; a custom duration overrides it). */
export interface FormAnswers {
  duration?: string;
  durationCustom?: string;
  justification?: string;
  ticket?: string;
}

export type FormField = 'role' | 'duration' | 'justification' | 'ticket';
export type FormErrors = Partial<Record<FormField, string>>;

export type FormCheck =
  | { ok: true; minutes: number; justification?: string; ticket?: string }
  | { ok: false; errors: FormErrors };

/** A justification or ticket is checked when the policy needs it, or when one was given anyway. */
export function checkActivationForm(
  answers: FormAnswers,
  policy: ActivationPolicy,
  rules: Pick<RequestRules, 'ticketPattern'>,
  targetName: string,
): FormCheck {
  const errors: FormErrors = {};
  const custom = (answers.durationCustom ?? '').trim();
  const chosen = (answers.duration ?? '').trim();
  let minutes: number | undefined;
  if (custom) {
    const parsed = parseDuration(custom);
    if (parsed.ok) minutes = parsed.minutes;
    else errors.duration = parsed.reason;
  } else if (/^\d{1,5}$/.test(chosen)) {
    minutes = Number(chosen);
  } else {
    errors.duration = 'Pick how long you need it, or type a duration such as 90m.';
  }
  if (minutes !== undefined) {
    const check = validateDuration(minutes, { maxMinutes: policy.maxDurationMinutes, targetName });
    if (!check.ok) errors.duration = check.reason;
  }
  let justification: string | undefined;
  if (policy.requiresJustification || (answers.justification ?? '').trim()) {
    const check = checkJustification(answers.justification);
    if (check.ok) justification = check.value;
    else errors.justification = check.reason;
  }
  let ticket: string | undefined;
  if (policy.requiresTicket || (answers.ticket ?? '').trim()) {
    const check = checkTicket(answers.ticket, rules);
    if (check.ok) ticket = check.value;
    else errors.ticket = check.reason;
  }
  if (Object.keys(errors).length > 0 || minutes === undefined) return { ok: false, errors };
  return { ok: true, minutes, justification, ticket };
}
