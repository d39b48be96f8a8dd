/**
 * Why a typed value (a duration, a justification, a ticket number) was refused, as data: a code the layers
 * above put into the reader's language (errors:input.<code>, docs/i18n.md) and the values its sentence needs.
 * The checks keep returning their English `reason` too, for logs and callers not yet converted.
 */
export type InputProblemCode =
  | 'durationHint'
  | 'durationNegative'
  | 'durationUnderMinute'
  | 'durationZero'
  | 'durationOverSevenDays'
  | 'durationUnderMinimum'
  | 'durationOverMax'
  | 'durationOverMaxUnnamed'
  | 'justificationMissing'
  | 'justificationTooLong'
  | 'ticketTooLong'
  | 'ticketInvalid';

/**
 * Values: `min` (minutes), `max` (characters for texts; for durationOverMax* the maximum in minutes as
 * `maxMinutes`, which the reader's words turn into "8 hours" / "8 Stunden"), `name` (the role or group).
 */
export interface InputProblem {
  code: InputProblemCode;
  values: Readonly<Record<string, string | number>>;
}

/** A refusal: the English reason and the same as a code with values. */
export type Refusal = { ok: false; reason: string } & InputProblem;

export function refusal(reason: string, code: InputProblemCode, values: InputProblem['values'] = {}): Refusal {
  return { ok: false, reason, code, values };
}
