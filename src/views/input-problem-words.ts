import type { InputProblem } from '../activation/input-problem';
import { formatDuration, translator } from '../i18n';
import { plainPart } from './plain-message';

/**
 * Why a typed duration, justification or ticket was refused, in the reader's language (errors:input.<code>),
 * from the code and values validateDuration / parseDuration / checkJustification / checkTicket return beside
 * their English `reason`. A role name is data: made inert before it becomes a value; a policy maximum in minutes
 * is said as the reader says durations ("8 hours", "8 Stunden").
 */
export function inputProblemText(problem: InputProblem, locale?: string | null): string {
  const values: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(problem.values)) {
    values[key] = typeof value === 'string' ? plainPart(value) : value;
  }
  if (typeof problem.values.maxMinutes === 'number') values.max = formatDuration(problem.values.maxMinutes, locale);
  return translator(locale)(`errors:input.${problem.code}`, values);
}
