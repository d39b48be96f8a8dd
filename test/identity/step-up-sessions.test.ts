import { createHash } from 'node:crypto';
import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { fakeSecret } from '../support/fake-secrets';
import { claimsWithClientCapabilities, StepUpSessions } from '../../src/identity/step-up';
import { ManualClock } from '../../simulators/clock';

const APP_SECRET = fakeSecret('step-up-app');
const input = { userAadObjectId: 'u-1', loginHint: 'adele@contoso.example', claims: '', resumeKey: 'r-1' };

describe('StepUpSessions', () => {
  it('keeps the PKCE verifier server-side and gives an S256 challenge of it', async () => {
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example/' });
    const { state, startUrl } = await sessions.begin(input);
    expect(startUrl).toBe(`https://bot.example/auth/start?state=${state}`);
    const session = await sessions.peek(state);
    expect(session?.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session?.codeChallenge).toBe(
      createHash('sha256')
        .update(session?.codeVerifier ?? '')
        .digest('base64url'),
    );
    expect(startUrl).not.toContain(session?.codeVerifier);
  });

  it('is single-use: take() returns a session once; peek() does not use it up', async () => {
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example' });
    const { state } = await sessions.begin(input);
    expect(await sessions.peek(state)).toBeDefined();
    expect(await sessions.peek(state)).toBeDefined();
    expect((await sessions.take(state))?.resumeKey).toBe('r-1');
    expect(await sessions.take(state)).toBeUndefined();
    expect(await sessions.peek(state)).toBeUndefined();
    expect(await sessions.take(null)).toBeUndefined();
  });

  it('expires after the TTL (10 minutes by default)', async () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example', clock });
    const { state } = await sessions.begin(input);
    clock.advance(10 * 60 * 1000 - 1);
    expect(await sessions.peek(state)).toBeDefined();
    clock.advance(1);
    expect(await sessions.take(state)).toBeUndefined();
  });

  it('another instance with the same app secret and storage finishes the sign-in; the stored item reveals nothing', async () => {
    const storage = new MemoryStorage();
    const stored: string[] = [];
    const a = new StepUpSessions({
      publicBaseUrl: 'https://bot.example',
      storage,
      sealingSecret: APP_SECRET,
      onStored: async (key) => void stored.push(key),
    });
    const b = new StepUpSessions({ publicBaseUrl: 'https://bot.example', storage, sealingSecret: APP_SECRET });
    const { state } = await a.begin(input);
    const session = await b.take(state);
    expect(session?.userAadObjectId).toBe('u-1');
    expect(await a.peek(state)).toBeUndefined(); // used up for both

    const { state: second } = await a.begin(input);
    const original = await a.peek(second);
    expect(stored).toHaveLength(2);
    const item = JSON.stringify((await storage.read([stored[1]!]))[stored[1]!]);
    // Neither the state (a bearer value for the callback), nor the verifier, nor the user is readable at rest.
    for (const secret of [second, original!.codeVerifier, 'u-1', 'r-1']) expect(item).not.toContain(secret);
  });

  it('two callbacks with the same state on two instances at once: exactly one gets the session', async () => {
    const storage = new MemoryStorage();
    const a = new StepUpSessions({ publicBaseUrl: 'https://bot.example', storage, sealingSecret: APP_SECRET });
    const b = new StepUpSessions({ publicBaseUrl: 'https://bot.example', storage, sealingSecret: APP_SECRET });
    for (let round = 0; round < 20; round++) {
      const { state } = await a.begin(input);
      const taken = await Promise.all([a.take(state), b.take(state), a.take(state), b.take(state)]);
      expect(taken.filter(Boolean)).toHaveLength(1);
    }
  });

  it('an instance with another secret (or a tampered item) cannot open the session', async () => {
    const storage = new MemoryStorage();
    const a = new StepUpSessions({ publicBaseUrl: 'https://bot.example', storage, sealingSecret: APP_SECRET });
    const other = new StepUpSessions({
      publicBaseUrl: 'https://bot.example',
      storage,
      sealingSecret: `${APP_SECRET}x`,
    });
    const { state } = await a.begin(input);
    expect(await other.peek(state)).toBeUndefined();
    expect(await a.peek(state)).toBeDefined();
  });

  it('refuses a session without a user or login hint, or with a claims challenge that is not JSON', async () => {
    const sessions = new StepUpSessions({ publicBaseUrl: 'https://bot.example' });
    await expect(sessions.begin({ ...input, userAadObjectId: '' })).rejects.toThrow(/object id/);
    await expect(sessions.begin({ ...input, loginHint: ' ' })).rejects.toThrow(/login hint/);
    await expect(sessions.begin({ ...input, claims: 'acrs=c1' })).rejects.toThrow(/not a JSON object/);
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
