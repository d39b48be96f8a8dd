/**
 * Times as the user reads them: in the time zone Teams reports for their client (activity
 * `localTimezone`, IANA), falling back to UTC. "14:30 CET", or "Tue 14:30 CET" when not today.
 */
export function formatLocalTime(at: Date, timeZone?: string, locale = 'en-GB', now: Date = new Date()): string {
  const zone = validZone(timeZone) ?? 'UTC';
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, dateStyle: 'short' }).format(d);
  const time = new Intl.DateTimeFormat(safeLocale(locale), {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  }).format(at);
  if (day(at) === day(now)) return time;
  const weekday = new Intl.DateTimeFormat(safeLocale(locale), {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(at);
  return `${weekday} ${time}`;
}

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

function safeLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : 'en-GB';
  } catch {
    return 'en-GB';
  }
}
