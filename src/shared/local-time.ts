/**
 * Who reads a time: the IANA time zone and BCP 47 locale Teams reports for their client (activity
 * `localTimezone` / `locale`, or the `clientInfo` entity's `timezone` / `locale`). Unknown parts fall back to
 * UTC and en-GB.
 */
export interface Reader {
  timeZone?: string;
  locale?: string;
}

export const DEFAULT_LOCALE = 'en-GB';

/**
 * Times as the user reads them: in the time zone Teams reports for their client, falling back to UTC.
 * "14:30 CET", or "Tue 3 Dec 14:30 CET" when not the same day as `now` (in that zone).
 */
export function formatLocalTime(
  at: Date,
  timeZone?: string,
  locale: string = DEFAULT_LOCALE,
  now: Date = new Date(),
): string {
  const zone = validZone(timeZone) ?? 'UTC';
  const loc = safeLocale(locale);
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, dateStyle: 'short' }).format(d);
  const time = new Intl.DateTimeFormat(loc, {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(at);
  if (day(at) === day(now)) return time;
  const weekday = new Intl.DateTimeFormat(loc, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(at);
  return `${weekday} ${time}`;
}

/** {@link formatLocalTime} for a {@link Reader}. */
export function readerTime(at: Date | string, reader: Reader, now: Date): string {
  return formatLocalTime(typeof at === 'string' ? new Date(at) : at, reader.timeZone, reader.locale, now);
}

/** An IANA zone Intl knows, else undefined (Teams clients have sent empty and unknown names). */
export function validZone(zone: string | undefined): string | undefined {
  if (!zone || typeof zone !== 'string') return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** A locale Intl supports, else en-GB. */
export function safeLocale(locale: string | undefined): string {
  if (!locale || typeof locale !== 'string') return DEFAULT_LOCALE;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}
