/**
 * ISO 8601 durations as PIM uses them (PT8H, PT30M, P1D, PT1H30M). Only days and time parts: Graph's
 * duration format has no years, months or weeks for activation lengths.
 */
const PATTERN = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Minutes in an ISO 8601 duration, or undefined when it is not one. */
export function isoDurationToMinutes(value: string): number | undefined {
  const m = PATTERN.exec(value.trim().toUpperCase());
  if (!m || value.trim().toUpperCase() === 'P' || value.trim().toUpperCase().endsWith('T')) return undefined;
  const [, d, h, min, s] = m;
  if (d === undefined && h === undefined && min === undefined && s === undefined) return undefined;
  return Number(d ?? 0) * 1440 + Number(h ?? 0) * 60 + Number(min ?? 0) + Number(s ?? 0) / 60;
}

/** PT{h}H{m}M for a whole number of minutes (PT0M is never produced: 0 becomes PT0S). */
export function minutesToIsoDuration(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`Not a duration in minutes: ${minutes}`);
  const whole = Math.round(minutes);
  if (whole === 0) return 'PT0S';
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
}

/** "8 hours", "30 minutes", "1 hour 30 minutes": how people say it in chat. */
export function describeMinutes(minutes: number): string {
  const whole = Math.round(minutes);
  const h = Math.floor(whole / 60);
  const m = whole % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m || !h) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  return parts.join(' ');
}
