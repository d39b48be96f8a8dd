import type { ActivationPolicy } from '../pim/pim-types';
import { parseDuration, validateDuration } from './duration-parser';
import type { InputProblem } from './input-problem';
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
/**
 * Why a field was refused, as data the view words in the reader's language: a typed value's problem
 * (input-problem.ts), or one only the form has (no role of the user's picked, no duration picked).
 */
export type FormProblem = InputProblem | { code: 'roleNotEligible' | 'durationMissing'; values: Record<string, never> };
export type FormErrors = Partial<Record<FormField, FormProblem>>;
const problem = (refusal: InputProblem): InputProblem => ({ code: refusal.code, values: refusal.values });

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
    else errors.duration = problem(parsed);
  } else if (/^\d{1,5}$/.test(chosen)) {
    minutes = Number(chosen);
  } else {
    errors.duration = { code: 'durationMissing', values: {} };
  }
  if (minutes !== undefined) {
    const check = validateDuration(minutes, { maxMinutes: policy.maxDurationMinutes, targetName });
    if (!check.ok) errors.duration = problem(check);
  }
  let justification: string | undefined;
  if (policy.requiresJustification || (answers.justification ?? '').trim()) {
    const check = checkJustification(answers.justification);
    if (check.ok) justification = check.value;
    else errors.justification = problem(check);
  }
  let ticket: string | undefined;
  if (policy.requiresTicket || (answers.ticket ?? '').trim()) {
    const check = checkTicket(answers.ticket, rules);
    if (check.ok) ticket = check.value;
    else errors.ticket = problem(check);
  }
  if (Object.keys(errors).length > 0 || minutes === undefined) return { ok: false, errors };
  return { ok: true, minutes, justification, ticket };
}
