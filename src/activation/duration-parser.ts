import { describeMinutes, isoDurationToMinutes } from '../pim/iso-duration';
import { own } from '../shared/own-property';
import { type Refusal, refusal } from './input-problem';

/**
 * Activation lengths as admins type them in chat ("2h", "90 min", "1,5 hours", "half an hour", "PT2H"),
 * turned into whole minutes, and checked against PIM's floor and a role's policy ceiling. Pure: no I/O.
 */

/** The longest activation this bot will ever ask PIM for: 7 days. Role policies are usually far shorter. */
export const MAX_DURATION_MINUTES = 7 * 24 * 60;

/** PIM refuses activations shorter than 5 minutes. */
export const MIN_ACTIVATION_MINUTES = 5;

/** What to tell someone whose duration we could not read. */
export const DURATION_HINT = 'Say how long, e.g. 2h, 90m or 1.5 hours.';

/** Bare numbers up to this are hours ("2" → 2 hours); larger ones are minutes ("30" → 30 minutes). */
export const BARE_NUMBER_HOURS_LIMIT = 24;

/** A refusal carries an English `reason` and the same as `code` + `values` (src/activation/input-problem.ts). */
export type DurationResult = { ok: true; minutes: number } | Refusal;

/** What a piece of text measures before any limit is applied. */
export interface MeasuredDuration {
  /** Not rounded, and not checked: may be 0, negative, fractional or larger than any policy allows. */
  minutes: number;
  /** True when the text was a number without a unit, read with the bare-number rule. */
  bareNumber: boolean;
}

const UNIT_MINUTES: Record<string, number> = {
  m: 1,
  mn: 1,
  min: 1,
  mins: 1,
  minute: 1,
  minutes: 1,
  h: 60,
  hr: 60,
  hrs: 60,
  hour: 60,
  hours: 60,
  d: 1440,
  day: 1440,
  days: 1440,
  w: 10080,
  wk: 10080,
  wks: 10080,
  week: 10080,
  weeks: 10080,
};

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  sixty: 60,
  ninety: 90,
};

const NUMBER = String.raw`\d+(?:\.\d+)?|\.\d+`;
const NUMBER_WORD = Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const UNIT = Object.keys(UNIT_MINUTES)
  .sort((a, b) => b.length - a.length)
  .join('|');

const BARE = new RegExp(`^(?:${NUMBER})$`);
const CLOCK = /^(\d{1,3}):([0-5]\d)$/;
/** "2 and a half hours", "an hour and a half": n + ½ of the unit. */
const AND_A_HALF_BEFORE_UNIT = new RegExp(`(^|\\s)(${NUMBER}|${NUMBER_WORD}) and a half (${UNIT})(?=\\s|$)`, 'g');
const AND_A_HALF_AFTER_UNIT = new RegExp(`(^|\\s)(${NUMBER}|${NUMBER_WORD}) (${UNIT}) and a half(?=\\s|$)`, 'g');
const WORD_QUANTITY = new RegExp(`(^|\\s)(${NUMBER_WORD})(?= (?:${UNIT})(?:\\s|$))`, 'g');

/**
 * Reads a duration without judging it.
 *
 * Accepted, in any letter case, with surrounding spaces and trailing punctuation ignored:
 * - number + unit: "90m", "90 min", "90 minutes", "2h", "2 hrs", "2 hours", "1 day", "1 week";
 *   units m/min/mins/minute(s), h/hr/hrs/hour(s), d/day(s), w/wk/week(s);
 * - decimals with a point or a comma: "1.5h", "1,5h" (a comma followed by 1–2 digits is a decimal separator;
 *   "1,500 minutes" is not understood rather than guessed);
 * - several parts, largest unit first, optionally separated by spaces, commas or "and":
 *   "2h30m", "2h 30m", "1 hour 30 minutes", "1 hour and 30 minutes", and "2h30" (minutes after hours);
 * - words: "an hour", "a day", "one hour", "two hours", "half an hour", "half a day", "a quarter of an hour",
 *   "an hour and a half", "2 and a half hours";
 * - clock style "1:30" (hours:minutes);
 * - ISO 8601 as PIM writes it: "PT2H", "PT1H30M", "P1D" (any case);
 * - a bare number, see {@link BARE_NUMBER_HOURS_LIMIT}: up to 24 it means hours ("2" → 2 hours, "1.5" → 90
 *   minutes), above 24 it means minutes ("30" → 30 minutes, "90" → 90 minutes): nobody asks for 30 hours by
 *   typing "30", and everybody who types "45" means minutes;
 * - a leading "-" or "minus" makes it negative, so it can be refused with a reason instead of being misread.
 *
 * Seconds are only understood in ISO form (PT30S): nobody activates a role for seconds.
 */
export function measureDuration(text: string): MeasuredDuration | undefined {
  let s = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .replace(/[.,;:!?]+$/, '')
    .trim();
  if (!s) return undefined;

  const negative = /^(?:-|\u2212|minus )\s*/.exec(s);
  if (negative) {
    const inner = measureDuration(s.slice(negative[0].length));
    return inner && { ...inner, minutes: -inner.minutes };
  }

  if (s.startsWith('p')) {
    const iso = isoDurationToMinutes(s);
    return iso === undefined ? undefined : { minutes: iso, bareNumber: false };
  }

  const clock = CLOCK.exec(s);
  if (clock) return { minutes: Number(clock[1]) * 60 + Number(clock[2]), bareNumber: false };

  s = s.replace(/(\d),(\d{1,2})(?!\d)/g, '$1.$2');
  if (BARE.test(s)) {
    const n = Number(s);
    return { minutes: n <= BARE_NUMBER_HOURS_LIMIT ? n * 60 : n, bareNumber: true };
  }

  s = s
    .replace(/-/g, ' ')
    .replace(/\b(?:a |one )?half (?:an? )?hour\b/g, '30 minutes')
    .replace(/\b(?:a |one )?half (?:a )?day\b/g, '12 hours')
    .replace(/\b(?:a |one )?quarter (?:of )?(?:an? )?hour\b/g, '15 minutes')
    .replace(/\bforty five\b/g, '45')
    .replace(
      AND_A_HALF_BEFORE_UNIT,
      (_m, lead: string, n: string, unit: string) => `${lead}${quantity(n) + 0.5} ${unit}`,
    )
    .replace(
      AND_A_HALF_AFTER_UNIT,
      (_m, lead: string, n: string, unit: string) => `${lead}${quantity(n) + 0.5} ${unit}`,
    )
    .replace(WORD_QUANTITY, (_m, lead: string, n: string) => `${lead}${quantity(n)}`)
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/([a-z])(\d)/g, '$1 $2')
    .replace(/\s*,\s*/g, ' ')
    .replace(/ and /g, ' ');

  const tokens = s.split(' ').filter(Boolean);
  let total = 0;
  let lastUnit = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tokens.length; i += 2) {
    const amount = tokens[i]!;
    if (!BARE.test(amount)) return undefined;
    const unitWord = tokens[i + 1];
    let unit: number | undefined;
    if (unitWord === undefined) {
      // "2h30": a trailing number after hours is minutes.
      unit = lastUnit === 60 ? 1 : undefined;
    } else {
      unit = own(UNIT_MINUTES, unitWord);
    }
    if (unit === undefined || unit >= lastUnit) return undefined;
    total += Number(amount) * unit;
    lastUnit = unit;
  }
  return tokens.length ? { minutes: total, bareNumber: false } : undefined;
}

function quantity(word: string): number {
  return own(NUMBER_WORDS, word) ?? Number(word);
}

/**
 * Whole minutes for what an admin typed, or a reason to show them. See {@link measureDuration} for what is
 * understood. The result is rounded to the nearest minute and lies between 1 minute and 7 days
 * ({@link MAX_DURATION_MINUTES}); zero, negative, longer and unreadable durations are refused. A role's own
 * limits are checked separately by {@link validateDuration}.
 */
export function parseDuration(text: string): DurationResult {
  const measured = measureDuration(text);
  if (!measured || !Number.isFinite(measured.minutes)) {
    if (measured && measured.minutes > 0) return tooLong();
    return refusal(DURATION_HINT, 'durationHint');
  }
  if (measured.minutes < 0) return refusal(`A duration can't be negative. ${DURATION_HINT}`, 'durationNegative');
  const minutes = Math.round(measured.minutes);
  if (minutes === 0) {
    return measured.minutes > 0
      ? refusal(`That is less than a minute. ${DURATION_HINT}`, 'durationUnderMinute')
      : refusal(`A duration must be longer than zero. ${DURATION_HINT}`, 'durationZero');
  }
  if (minutes > MAX_DURATION_MINUTES) return tooLong();
  return { ok: true, minutes };
}

function tooLong(): Refusal {
  return refusal('PIM activations last at most 7 days. Ask for less, e.g. 8h.', 'durationOverSevenDays');
}

export interface DurationLimits {
  /** The role's or group's policy maximum (ActivationPolicy.maxDurationMinutes). Default: 7 days. */
  maxMinutes?: number;
  /** Used in the reason: "Exchange Administrator allows at most 8 hours." */
  targetName?: string;
}

/**
 * Checks a parsed duration against PIM's 5-minute floor and the target's policy ceiling. The minutes should
 * already be whole (as {@link parseDuration} returns them); fractions are rounded.
 */
export function validateDuration(minutes: number, limits: DurationLimits = {}): DurationResult {
  const max = limits.maxMinutes ?? MAX_DURATION_MINUTES;
  if (!Number.isFinite(minutes)) return refusal(DURATION_HINT, 'durationHint');
  const whole = Math.round(minutes);
  if (whole < MIN_ACTIVATION_MINUTES) {
    return refusal(`Activations last at least ${MIN_ACTIVATION_MINUTES} minutes.`, 'durationUnderMinimum', {
      min: MIN_ACTIVATION_MINUTES,
    });
  }
  if (whole > max) {
    const reason = `${limits.targetName ?? 'This role'} allows at most ${describeMinutes(max)}.`;
    return limits.targetName === undefined
      ? refusal(reason, 'durationOverMaxUnnamed', { maxMinutes: max })
      : refusal(reason, 'durationOverMax', { maxMinutes: max, name: limits.targetName });
  }
  return { ok: true, minutes: whole };
}
