import { formatLocalTime } from '../shared/local-time';
import { formattingLocale } from './language';

/**
 * Dates and durations in the reader's language, with Intl's (CLDR's) words and number formats, never
 * spelled out in our own strings.
 */

export type DurationWidth = 'long' | 'short';

type DurationUnit = 'hour' | 'minute';

/** Intl formatters are costly to build and immutable: one per locale, unit and width. */
const unitFormats = new Map<string, Intl.NumberFormat>();

function unitFormat(locale: string, unit: DurationUnit, width: DurationWidth): Intl.NumberFormat {
  const key = `${locale}|${unit}|${width}`;
  let format = unitFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: width });
    unitFormats.set(key, format);
  }
  return format;
}

/**
 * A whole number of minutes as hours and minutes: long "1 hour 30 minutes" / "1 Stunde 30 Minuten",
 * short "2 hr 30 min" / "2 Std. 30 Min.". The English long form is exactly describeMinutes'
 * (src/pim/iso-duration.ts, which the domain keeps for its own English reasons): same rounding, hours
 * only (no days: PIM policies speak in hours), "0 minutes" for zero. Each part is Intl.NumberFormat's unit
 * style, so the plural and the abbreviation are the language's; parts are joined by a space, the compact
 * form Microsoft's UIs use in both languages (CLDR's list pattern would say "2 Std. und 30 Min.").
 */
export function formatDuration(minutes: number, locale?: string | null, width: DurationWidth = 'long'): string {
  const whole = Math.max(0, Math.round(minutes));
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  const intlLocale = formattingLocale(locale);
  const unit = (name: DurationUnit, value: number) => unitFormat(intlLocale, name, width).format(value);
  const parts: string[] = [];
  if (hours) parts.push(unit('hour', hours));
  if (rest || !hours) parts.push(unit('minute', rest));
  return parts.join(' ');
}

/**
 * A point in time as the reader reads it: formatLocalTime (their time zone, "14:30 CET" today, "Tue 3 Dec
 * 14:30 CET" otherwise) in their language's format: "14:30 MEZ", "Di., 3. Dez. 14:30 MEZ".
 */
export function formatTime(at: Date, locale?: string | null, timeZone?: string, now: Date = new Date()): string {
  return formatLocalTime(at, timeZone, formattingLocale(locale), now);
}
