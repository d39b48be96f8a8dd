import { formatLocalTime, safeLocale } from './local-time';

const MINUTE_MS = 60_000;

/**
 * A span as the reader's locale writes units: "1 hr 20 mins" (en-GB), "1 Std., 20 Min." (de), from
 * Intl.NumberFormat unit styles joined by Intl.ListFormat. Whole minutes; under a minute reads "0 min".
 */
export function spanText(ms: number, locale?: string): string {
  const loc = safeLocale(locale);
  const total = Math.max(0, Math.round(ms / MINUTE_MS));
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const unit = (unit: 'day' | 'hour' | 'minute', n: number) =>
    new Intl.NumberFormat(loc, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
  const parts: string[] = [];
  if (days) parts.push(unit('day', days));
  if (hours) parts.push(unit('hour', hours));
  // Minutes are noise next to days.
  if (minutes && !days) parts.push(unit('minute', minutes));
  if (parts.length === 0) parts.push(unit('minute', 0));
  return new Intl.ListFormat(loc, { type: 'unit', style: 'narrow' }).format(parts);
}

/**
 * How long ago `at` was, in the reader's locale (Intl.RelativeTimeFormat, short style): "2 min ago",
 * "3 hr ago", "yesterday". The largest whole unit, as people say it.
 */
export function agoText(at: Date, now: Date, locale?: string): string {
  const rtf = new Intl.RelativeTimeFormat(safeLocale(locale), { style: 'short', numeric: 'auto' });
  const minutes = Math.max(0, Math.floor((now.getTime() - at.getTime()) / MINUTE_MS));
  if (minutes < 60) return rtf.format(-minutes, 'minute');
  if (minutes < 1440) return rtf.format(-Math.floor(minutes / 60), 'hour');
  return rtf.format(-Math.floor(minutes / 1440), 'day');
}

/** "1 hr 20 mins left" until `until` (nothing left: "0 min left"). */
export function timeLeftText(until: Date, now: Date, locale?: string): string {
  return `${spanText(until.getTime() - now.getTime(), locale)} left`;
}

/** "in 1 hr 20 mins" when `at` is ahead of `now`, else "2 min ago": for readers in many time zones. */
export function relativeText(at: Date, now: Date, locale?: string): string {
  return at.getTime() > now.getTime()
    ? `in ${spanText(at.getTime() - now.getTime(), locale)}`
    : agoText(at, now, locale);
}

/**
 * A time for a channel (many readers, many zones): relative, then the UTC time, "2 min ago (14:02 UTC)".
 */
export function channelTimeText(at: Date, now: Date, locale?: string): string {
  return `${relativeText(at, now, locale)} (${formatLocalTime(at, 'UTC', locale, now)})`;
}
