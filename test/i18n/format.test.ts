import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime } from '../../src/i18n';
import { describeMinutes } from '../../src/pim/iso-duration';

describe('formatDuration', () => {
  it('says durations the way each language does (CLDR unit names through Intl)', () => {
    expect(formatDuration(150, 'de-DE', 'short')).toBe('2 Std. 30 Min.');
    expect(formatDuration(150, 'de-AT')).toBe('2 Stunden 30 Minuten');
    expect(formatDuration(61, 'de')).toBe('1 Stunde 1 Minute');
    expect(formatDuration(480, 'de')).toBe('8 Stunden');
    expect(formatDuration(150, 'en-US', 'short')).toBe('2 hr 30 min');
    expect(formatDuration(90, 'en-US')).toBe('1 hour 30 minutes');
    expect(formatDuration(0, 'de')).toBe('0 Minuten');
  });

  it('is describeMinutes (what English cards show today) for English, from 0 to 7 days', () => {
    for (let minutes = 0; minutes <= 7 * 24 * 60; minutes += 7) {
      expect(formatDuration(minutes, 'en-US')).toBe(describeMinutes(minutes));
    }
    expect(formatDuration(89.6, 'en')).toBe(describeMinutes(89.6));
  });

  it('groups thousands the locale’s way', () => {
    expect(formatDuration(1000 * 60, 'de-DE')).toBe('1.000 Stunden');
    expect(formatDuration(1000 * 60, 'en-US')).toBe('1,000 hours');
  });
});

describe('formatTime', () => {
  const now = new Date('2026-12-03T10:00:00Z');

  it('shows the time alone today, with the weekday and date otherwise, in the reader’s zone and language', () => {
    expect(formatTime(new Date('2026-12-03T13:30:00Z'), 'de-DE', 'Europe/Berlin', now)).toBe('14:30 MEZ');
    expect(formatTime(new Date('2026-12-01T13:30:00Z'), 'de-AT', 'Europe/Vienna', now)).toBe('Di., 1. Dez. 14:30 MEZ');
    expect(formatTime(new Date('2026-12-01T13:30:00Z'), 'en-GB', 'Europe/London', now)).toBe('Tue 1 Dec 13:30 GMT');
  });

  it('English text gets English dates, whatever the locale', () => {
    expect(formatTime(new Date('2026-12-01T13:30:00Z'), 'fr-FR', 'Europe/Paris', now)).toBe('Tue 1 Dec 14:30 CET');
  });
});
