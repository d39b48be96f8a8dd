import { describe, expect, it } from 'vitest';
import { agoText, channelTimeText, spanText, timeLeftText } from '../../src/shared/relative-time';

/**
 * Expected strings are CLDR's, as ECMA-402 gives them for these options (Intl.NumberFormat unit 'short',
 * Intl.ListFormat 'unit' 'narrow', Intl.RelativeTimeFormat 'short'), built here from Intl directly.
 */
const unit = (locale: string, u: string, n: number) =>
  new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
const list = (locale: string, parts: string[]) =>
  new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(parts);
const NOW = new Date('2031-01-15T13:05:00Z');

describe('relative time', () => {
  it('a span in hours and minutes, in the reader’s locale (German for free)', () => {
    expect(spanText(80 * 60_000, 'en-GB')).toBe(list('en-GB', [unit('en-GB', 'hour', 1), unit('en-GB', 'minute', 20)]));
    expect(spanText(80 * 60_000, 'de-DE')).toBe(list('de-DE', [unit('de-DE', 'hour', 1), unit('de-DE', 'minute', 20)]));
    expect(spanText(26 * 60 * 60_000 + 5 * 60_000, 'en-GB')).toBe(
      list('en-GB', [unit('en-GB', 'day', 1), unit('en-GB', 'hour', 2)]),
    );
    expect(spanText(-5, 'en-GB')).toBe(unit('en-GB', 'minute', 0));
  });

  it('past times read "2 min ago" (largest whole unit)', () => {
    const rtf = new Intl.RelativeTimeFormat('en-GB', { style: 'short', numeric: 'auto' });
    expect(agoText(new Date(NOW.getTime() - 2 * 60_000), NOW, 'en-GB')).toBe(rtf.format(-2, 'minute'));
    expect(agoText(new Date(NOW.getTime() - 3 * 3_600_000), NOW, 'en-GB')).toBe(rtf.format(-3, 'hour'));
  });

  it('time left and channel times (relative, then UTC)', () => {
    const end = new Date(NOW.getTime() + 80 * 60_000);
    expect(timeLeftText(end, NOW, 'en-GB')).toBe(
      `${list('en-GB', [unit('en-GB', 'hour', 1), unit('en-GB', 'minute', 20)])} left`,
    );
    expect(channelTimeText(end, NOW, 'en-GB')).toBe(
      `in ${list('en-GB', [unit('en-GB', 'hour', 1), unit('en-GB', 'minute', 20)])} (14:25 UTC)`,
    );
    expect(channelTimeText(new Date(NOW.getTime() - 2 * 60_000), NOW, 'en-GB')).toBe('2 min ago (13:03 UTC)');
  });
});
