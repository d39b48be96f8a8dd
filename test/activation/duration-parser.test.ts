import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DURATION_HINT,
  MAX_DURATION_MINUTES,
  measureDuration,
  parseDuration,
  validateDuration,
} from '../../src/activation/duration-parser';
import { describeMinutes, minutesToIsoDuration } from '../../src/pim/iso-duration';

/**
 * How long someone wants a role, as they type it in Teams. Every accepted form becomes whole minutes; anything
 * else gets a reason that tells them what to type.
 */

describe('parseDuration: what admins type', () => {
  it.each([
    // minutes
    ['90m', 90],
    ['90 min', 90],
    ['90 mins', 90],
    ['90 minutes', 90],
    ['1 minute', 1],
    // hours
    ['2h', 120],
    ['2 h', 120],
    ['2 hr', 120],
    ['2 hrs', 120],
    ['2 hours', 120],
    ['1 hour', 60],
    // decimals, with a point or a comma
    ['1.5h', 90],
    ['1,5h', 90],
    ['1,5 hours', 90],
    ['.5h', 30],
    ['0.25 hours', 15],
    // several parts
    ['2h30m', 150],
    ['2h 30m', 150],
    ['2h30', 150],
    ['1h30min', 90],
    ['1 hour 30 minutes', 90],
    ['1 hour and 30 minutes', 90],
    ['1 hour, 30 minutes', 90],
    ['1 day 2 hours', 1560],
    // words
    ['an hour', 60],
    ['a day', 1440],
    ['one hour', 60],
    ['two hours', 120],
    ['half an hour', 30],
    ['half hour', 30],
    ['a half hour', 30],
    ['half a day', 720],
    ['a quarter of an hour', 15],
    ['an hour and a half', 90],
    ['2 hours and a half', 150],
    ['2 and a half hours', 150],
    ['forty-five minutes', 45],
    // clock style
    ['1:30', 90],
    ['0:45', 45],
    // ISO 8601, any case
    ['PT2H', 120],
    ['PT1H30M', 90],
    ['pt45m', 45],
    ['P1D', 1440],
    ['PT30S', 1],
    // days and weeks, up to the 7-day ceiling
    ['3 days', 4320],
    ['7 days', MAX_DURATION_MINUTES],
    ['1 week', MAX_DURATION_MINUTES],
    // case, spacing and trailing punctuation do not matter
    ['2H', 120],
    ['  2 Hours  ', 120],
    ['2h.', 120],
    ['2 hours!', 120],
    // rounded to whole minutes
    ['1.01h', 61],
    ['0.1h', 6],
  ])('%j → %i minutes', (text, minutes) => {
    expect(parseDuration(text)).toEqual({ ok: true, minutes });
  });

  describe('a bare number is hours up to 24, minutes above', () => {
    it.each([
      ['1', 60],
      ['2', 120],
      ['1.5', 90],
      ['1,5', 90],
      ['8', 480],
      ['24', 1440],
      ['25', 25],
      ['30', 30],
      ['45', 45],
      ['90', 90],
      ['120', 120],
    ])('%j → %i minutes', (text, minutes) => {
      expect(parseDuration(text)).toEqual({ ok: true, minutes });
    });
  });

  describe('refusals say what to type', () => {
    it.each([
      ['', DURATION_HINT],
      ['   ', DURATION_HINT],
      ['soon', DURATION_HINT],
      ['a while', DURATION_HINT],
      ['hours', DURATION_HINT],
      ['2 fortnights', DURATION_HINT],
      ['30s', DURATION_HINT],
      ['30m 2h', DURATION_HINT],
      ['2 30', DURATION_HINT],
      ['1,500 minutes', DURATION_HINT],
      ['INC-42', DURATION_HINT],
      ['P', DURATION_HINT],
      ['PT', DURATION_HINT],
      ['0', `A duration must be longer than zero. ${DURATION_HINT}`],
      ['0m', `A duration must be longer than zero. ${DURATION_HINT}`],
      ['PT0S', `A duration must be longer than zero. ${DURATION_HINT}`],
      ['0.001h', `That is less than a minute. ${DURATION_HINT}`],
      ['-2h', `A duration can't be negative. ${DURATION_HINT}`],
      ['minus 30 minutes', `A duration can't be negative. ${DURATION_HINT}`],
      ['8 days', 'PIM activations last at most 7 days. Ask for less, e.g. 8h.'],
      ['10081m', 'PIM activations last at most 7 days. Ask for less, e.g. 8h.'],
      ['2 weeks', 'PIM activations last at most 7 days. Ask for less, e.g. 8h.'],
      ['9'.repeat(400), 'PIM activations last at most 7 days. Ask for less, e.g. 8h.'],
    ])('%j is refused', (text, reason) => {
      // Refusals also carry a code and values (issue 15, two languages): the English reason is what is checked here.
      expect(parseDuration(text)).toMatchObject({ ok: false, reason });
    });

    it('the general hint names examples', () => {
      expect(DURATION_HINT).toBe('Say how long, e.g. 2h, 90m or 1.5 hours.');
    });
  });
});

describe('measureDuration: the raw reading, before limits', () => {
  it.each([
    ['2h', { minutes: 120, bareNumber: false }],
    ['2', { minutes: 120, bareNumber: true }],
    ['30', { minutes: 30, bareNumber: true }],
    ['-2h', { minutes: -120, bareNumber: false }],
    ['0.5m', { minutes: 0.5, bareNumber: false }],
    ['10 days', { minutes: 14400, bareNumber: false }],
    ['fix', undefined],
    // ISO and clock forms have units of their own: not bare numbers (the command parser reads the flag).
    ['PT2H', { minutes: 120, bareNumber: false }],
    ['1:30', { minutes: 90, bareNumber: false }],
    ['  ', undefined],
    ['...', undefined],
  ])('%j → %j', (text, measured) => {
    expect(measureDuration(text)).toEqual(measured);
  });
});

describe('validateDuration: PIM floor and the role policy ceiling', () => {
  it.each([
    [120, { maxMinutes: 480, targetName: 'Exchange Administrator' }, { ok: true, minutes: 120 }],
    [480, { maxMinutes: 480, targetName: 'Exchange Administrator' }, { ok: true, minutes: 480 }],
    [5, { maxMinutes: 480 }, { ok: true, minutes: 5 }],
    [
      481,
      { maxMinutes: 480, targetName: 'Exchange Administrator' },
      { ok: false, reason: 'Exchange Administrator allows at most 8 hours.' },
    ],
    [
      120,
      { maxMinutes: 90, targetName: 'Global Administrator' },
      { ok: false, reason: 'Global Administrator allows at most 1 hour 30 minutes.' },
    ],
    [600, { maxMinutes: 480 }, { ok: false, reason: 'This role allows at most 8 hours.' }],
    [4, { maxMinutes: 480 }, { ok: false, reason: 'Activations last at least 5 minutes.' }],
    [1, {}, { ok: false, reason: 'Activations last at least 5 minutes.' }],
    [MAX_DURATION_MINUTES, {}, { ok: true, minutes: MAX_DURATION_MINUTES }],
    [MAX_DURATION_MINUTES + 1, {}, { ok: false, reason: 'This role allows at most 168 hours.' }],
    [Number.NaN, {}, { ok: false, reason: DURATION_HINT }],
  ])('%d minutes with %j → %j', (minutes, limits, result) => {
    expect(validateDuration(minutes, limits)).toMatchObject(result); // refusals also carry a code and values
  });
});

describe('properties', () => {
  const anyMinutes = fc.integer({ min: 1, max: MAX_DURATION_MINUTES });

  it('never throws, and an accepted duration is whole minutes between 1 minute and 7 days', () => {
    const texts = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.stringMatching(/^[-\dphmsdtwPHMSDTW.,: ]{0,12}$/),
      fc
        .array(fc.constantFrom('1', '2', '30', 'h', 'hours', 'an', 'half', 'and', 'a', 'min', ',', '.', '-', ' '))
        .map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const result = parseDuration(text);
        if (result.ok) {
          expect(Number.isInteger(result.minutes)).toBe(true);
          expect(result.minutes).toBeGreaterThanOrEqual(1);
          expect(result.minutes).toBeLessThanOrEqual(MAX_DURATION_MINUTES);
        } else {
          expect(result.reason).toMatch(/\S/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back what the bot writes: describeMinutes, ISO 8601 and compact forms', () => {
    fc.assert(
      fc.property(anyMinutes, (minutes) => {
        const h = Math.floor(minutes / 60);
        const m = minutes % 60;
        expect(parseDuration(describeMinutes(minutes))).toEqual({ ok: true, minutes });
        expect(parseDuration(minutesToIsoDuration(minutes))).toEqual({ ok: true, minutes });
        expect(parseDuration(`${h}h${m}m`)).toEqual({ ok: true, minutes });
        expect(parseDuration(`${minutes}m`)).toEqual({ ok: true, minutes });
      }),
    );
  });

  it('ignores letter case and surrounding spaces', () => {
    fc.assert(
      fc.property(anyMinutes, fc.constantFrom('h', 'hours', 'H', 'HRS', 'Hours'), (minutes, unit) => {
        const text = `${minutes / 60} ${unit}`;
        expect(parseDuration(`  ${text.toUpperCase()} `)).toEqual(parseDuration(text.toLowerCase()));
      }),
    );
  });

  it('rounds to the nearest minute', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: MAX_DURATION_MINUTES - 1, noNaN: true }), (minutes) => {
        const text = `${minutes.toFixed(3)} minutes`;
        expect(parseDuration(text)).toEqual({ ok: true, minutes: Math.round(Number(minutes.toFixed(3))) });
      }),
    );
  });
});
