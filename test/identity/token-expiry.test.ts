import { describe, expect, it } from 'vitest';
import { reuseFor, tokenExpiry } from '../../src/identity/token-expiry';

/**
 * A JWT's `exp` (RFC 7519 4.1.4: a NumericDate, seconds since the epoch), read without verifying the token:
 * only to know how long something made from it may be reused.
 */

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown) => `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
const EXP = 1_772_445_600; // 2026-03-02T10:00:00Z

describe('tokenExpiry', () => {
  it('reads exp as seconds since the epoch', () => {
    expect(tokenExpiry(jwt({ exp: EXP, oid: 'x' }))?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(tokenExpiry(jwt({ exp: EXP + 0.5 }))?.getTime()).toBe(EXP * 1000 + 500);
  });

  it.each([
    ['no exp', jwt({ oid: 'x' })],
    ['exp as text', jwt({ exp: String(EXP) })],
    ['exp null', jwt({ exp: null })],
    ['payload not JSON', `${part({ alg: 'none' })}.bm90IGpzb24.sig`],
    ['payload JSON null', `${part({ alg: 'none' })}.${part(null)}.sig`],
    ['not a JWT', 'opaque-token'],
    ['empty payload', 'header..sig'],
    ['empty', ''],
  ])('undefined for a token with %s', (_case, token) => {
    expect(tokenExpiry(token)).toBeUndefined();
  });

  it('undefined for an exp that is not a finite number (1e999 parses as Infinity)', () => {
    const header = part({ alg: 'none' });
    const infinite = Buffer.from('{"exp":1e999}').toString('base64url');
    expect(tokenExpiry(`${header}.${infinite}.sig`)).toBeUndefined();
  });
});

describe('reuseFor', () => {
  const now = EXP * 1000 - 60 * 60_000; // an hour before expiry

  it('until the margin before expiry', () => {
    expect(reuseFor(jwt({ exp: EXP }), 5 * 60_000, now)).toBe(55 * 60_000);
    expect(reuseFor(jwt({ exp: EXP }), 0, now)).toBe(60 * 60_000);
  });

  it('0 when the margin is already reached, expired, or the expiry is unknown', () => {
    expect(reuseFor(jwt({ exp: EXP }), 60 * 60_000, now)).toBe(0);
    expect(reuseFor(jwt({ exp: EXP }), 61 * 60_000, now)).toBe(0);
    expect(reuseFor(jwt({ exp: EXP }), 0, EXP * 1000 + 1)).toBe(0);
    expect(reuseFor('opaque-token', 0, now)).toBe(0);
  });

  it('the clock defaults to now', () => {
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const left = reuseFor(jwt({ exp: inAnHour }), 0);
    expect(left).toBeGreaterThan(3590_000);
    expect(left).toBeLessThanOrEqual(3600_000);
  });
});
