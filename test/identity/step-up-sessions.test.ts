import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claimsWithClientCapabilities, StepUpSessions } from '../../src/identity/step-up';
import { ManualClock } from '../../simulators/clock';

const input = { userAadObjectId: 'u-1', loginHint: 'adele@contoso.example', claims: '', resumeKey: 'r-1' };

describe('StepUpSessions', () => {
  it('keeps the PKCE verifier server-side and gives an S256 challenge of it', () => {
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example/' });
    const { state, startUrl } = sessions.begin(input);
    expect(startUrl).toBe(`https://bot.example/auth/start?state=${state}`);
    const session = sessions.peek(state);
    expect(session?.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session?.codeChallenge).toBe(
      createHash('sha256')
        .update(session?.codeVerifier ?? '')
        .digest('base64url'),
    );
    expect(startUrl).not.toContain(session?.codeVerifier);
  });

  it('is single-use: take() returns a session once; peek() does not use it up', () => {
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example' });
    const { state } = sessions.begin(input);
    expect(sessions.peek(state)).toBeDefined();
    expect(sessions.peek(state)).toBeDefined();
    expect(sessions.take(state)?.resumeKey).toBe('r-1');
    expect(sessions.take(state)).toBeUndefined();
    expect(sessions.peek(state)).toBeUndefined();
    expect(sessions.take(null)).toBeUndefined();
  });

  it('expires after the TTL (10 minutes by default)', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example', clock });
    const { state } = sessions.begin(input);
    clock.advance(10 * 60 * 1000 - 1);
    expect(sessions.peek(state)).toBeDefined();
    clock.advance(1);
    expect(sessions.take(state)).toBeUndefined();
  });

  it('is bounded: beyond maxSessions the oldest is dropped, and expired ones go first', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example', clock, maxSessions: 2 });
    const a = sessions.begin(input).state;
    const b = sessions.begin(input).state;
    const c = sessions.begin(input).state;
    expect(sessions.size).toBe(2);
    expect(sessions.peek(a)).toBeUndefined();
    expect(sessions.peek(b)).toBeDefined();
    clock.advance(10 * 60 * 1000);
    sessions.begin(input);
    expect(sessions.size).toBe(1);
    expect(sessions.peek(c)).toBeUndefined();
  });

  it('refuses a session without a user or login hint, or with a claims challenge that is not JSON', () => {
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example' });
    expect(() => sessions.begin({ ...input, userAadObjectId: '' })).toThrow(/object id/);
    expect(() => sessions.begin({ ...input, loginHint: ' ' })).toThrow(/login hint/);
    expect(() => sessions.begin({ ...input, claims: 'acrs=c1' })).toThrow(/not a JSON object/);
    expect(sessions.size).toBe(0);
  });
});

describe('claimsWithClientCapabilities (what MSAL sends with clientCapabilities: ["CP1"])', () => {
  it('merges xms_cc into the access_token claims of the challenge', () => {
    expect(
      JSON.parse(claimsWithClientCapabilities('{"access_token":{"acrs":{"essential":true, "value":"c1"}}}')),
    ).toEqual({
      access_token: { acrs: { essential: true, value: 'c1' }, xms_cc: { values: ['cp1'] } },
    });
  });

  it('keeps other parts, accepts the URL-encoded form and an empty challenge', () => {
    expect(
      JSON.parse(
        claimsWithClientCapabilities(
          '{"id_token":{"auth_time":{"essential":true}},"access_token":{"amr":{"values":["mfa"]}}}',
        ),
      ),
    ).toEqual({
      id_token: { auth_time: { essential: true } },
      access_token: { amr: { values: ['mfa'] }, xms_cc: { values: ['cp1'] } },
    });
    expect(
      JSON.parse(
        claimsWithClientCapabilities(
          '%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D',
        ),
      ),
    ).toEqual({ access_token: { acrs: { essential: true, value: 'c1' }, xms_cc: { values: ['cp1'] } } });
    expect(JSON.parse(claimsWithClientCapabilities(''))).toEqual({ access_token: { xms_cc: { values: ['cp1'] } } });
  });
});
