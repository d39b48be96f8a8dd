import { decodeJwt } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraAppConfig } from '../../src/config';
import { OboTokenExchange } from '../../src/identity/obo-exchange';
import { OpenIdKeys } from '../../src/identity/openid-keys';
import { PimSessions } from '../../src/identity/pim-sessions';
import { ManualClock } from '../../simulators/clock';
import { demoBotApplication } from '../../simulators/demo-app';
import { type EntraAuthority, startEntraAuthority } from '../../simulators/entra';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { testCertificateAuthority } from '../support/local-ca';

// Issue 19: every user's on-behalf-of exchange goes through one confidential client, and each user's Graph token is
// kept (by the hash of their token for the bot) until it nears expiry. Counted at the local Entra authority, which
// logs one 'entra request' line per request it answers. Entra: the middle tier caches the token it obtained for the
// incoming assertion (learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow); MSAL renews a cached
// access token 5 minutes before it expires (msal-common tokenRenewalOffsetSeconds, 300).

const OBO_GRANT = 'token:urn:ietf:params:oauth:grant-type:jwt-bearer';
const METADATA = 'v2.0/.well-known/openid-configuration';
const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

let authority: EntraAuthority;
/** The authority's clock, which PimSessions runs on too: tests move time instead of waiting. */
const clock = new ManualClock();
/** Authority requests by route (token requests by grant type), since the last take(). */
let requests: Record<string, number> = {};
let entra: EntraAppConfig;

beforeAll(async () => {
  // Lee has not consented to the app (AADSTS65001 on-behalf-of).
  const app = { ...demoBotApplication(), usersWithoutConsent: [demoUsers.noAccess.id] };
  const logger = pino(
    { level: 'info' },
    {
      write(line: string) {
        if (!line.includes('"entra request"')) return;
        const entry = JSON.parse(line) as { route?: string; grantType?: string };
        const name = entry.grantType ? `token:${entry.grantType}` : (entry.route ?? 'unknown');
        requests[name] = (requests[name] ?? 0) + 1;
      },
    },
  );
  authority = await startEntraAuthority({
    ca: testCertificateAuthority(),
    clock,
    logger,
    directory: {
      tenantId: demoTenant.tenantId,
      users: demoTenant.users.map((u) => ({
        id: u.id,
        userPrincipalName: u.userPrincipalName,
        displayName: u.displayName,
      })),
      applications: [app],
    },
  });
  entra = {
    tenantId: demoTenant.tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    authorityHost: authority.url,
  };
});
afterAll(async () => authority?.close());

/** The requests since the last call (the log line is written once the answer is sent: wait for it). */
async function take(expected: number): Promise<Record<string, number>> {
  const total = () => Object.values(requests).reduce((s, n) => s + n, 0);
  for (let i = 0; i < 100 && total() < expected; i++) await new Promise((r) => setImmediate(r));
  const seen = requests;
  requests = {};
  return seen;
}

const ssoToken = (userId: string, amr = ['pwd', 'mfa']) =>
  authority.issueTeamsSsoToken({ userId, clientId: entra.clientId, amr, lifetimeSeconds: 3600 });

/** The Graph token PimSessions' credential hands the user's Graph transport for this user token. */
async function graphToken(pims: PimSessions, assertion: string): Promise<string> {
  const token = await pims.credentialFor(assertion).getToken(`${GRAPH_AUDIENCE}/.default`);
  if (!token) throw new Error('no token');
  return token.token;
}

describe('on-behalf-of exchange: authority requests', () => {
  it('reads the authority metadata once per process; a cold user then costs 1 request, a warm one 0', async () => {
    const pims = new PimSessions({ entra, graphBaseUrl: 'https://graph.invalid', now: () => clock.now() });
    const [adele, megan, nestor] = [demoUsers.requester, demoUsers.approver, demoUsers.secondApprover];
    const tokens = await Promise.all([adele, megan, nestor].map((u) => ssoToken(u.id)));
    await take(0);

    expect(await pims.check(tokens[0]!)).toEqual({ kind: 'ok' });
    expect(await take(2)).toEqual({ [METADATA]: 1, [OBO_GRANT]: 1 });
    expect(await pims.check(tokens[1]!)).toEqual({ kind: 'ok' });
    expect(await take(1)).toEqual({ [OBO_GRANT]: 1 });
    // Warm: both users again, several times, and a turn's parallel reads.
    for (const t of [tokens[0]!, tokens[1]!, tokens[0]!]) expect(await pims.check(t)).toEqual({ kind: 'ok' });
    expect(await take(0)).toEqual({});
    // A cold user whose turn asks for its token from several reads at once: one exchange.
    const parallel = await Promise.all([1, 2, 3, 4].map(() => pims.check(tokens[2]!)));
    expect(parallel).toEqual(Array.from({ length: 4 }, () => ({ kind: 'ok' })));
    expect(await take(1)).toEqual({ [OBO_GRANT]: 1 });
    expect(pims.stats().exchange).toMatchObject({ exchanges: 3, tokens: { entries: 3 } });
  });

  it("with the metadata the SSO verifier read (OpenIdKeys), even the process's first user costs 1 request", async () => {
    const keys = new OpenIdKeys({ authorityHost: entra.authorityHost, tenantId: entra.tenantId });
    await keys.keySet();
    expect(await take(1)).toEqual({ [METADATA]: 1 });
    const pims = new PimSessions({
      entra,
      graphBaseUrl: 'https://graph.invalid',
      now: () => clock.now(),
      authorityMetadata: async () => (await keys.keySet()).document,
    });
    expect(await pims.check(await ssoToken(demoUsers.admin.id))).toEqual({ kind: 'ok' });
    expect(await take(1)).toEqual({ [OBO_GRANT]: 1 });
    expect(keys.metadataFetches).toBe(1);
  });

  it("two users' tokens are never shared: each exchange is for its own user token", async () => {
    const pims = new PimSessions({ entra, graphBaseUrl: 'https://graph.invalid', now: () => clock.now() });
    const adele = await ssoToken(demoUsers.requester.id);
    const megan = await ssoToken(demoUsers.approver.id);
    const [a, m] = [await graphToken(pims, adele), await graphToken(pims, megan)];
    expect(decodeJwt(a)).toMatchObject({ oid: demoUsers.requester.id, aud: GRAPH_AUDIENCE });
    expect(decodeJwt(m)).toMatchObject({ oid: demoUsers.approver.id, aud: GRAPH_AUDIENCE });
    // Asked again (from the cache), each still gets their own.
    expect(decodeJwt(await graphToken(pims, megan)).oid).toBe(demoUsers.approver.id);
    expect(decodeJwt(await graphToken(pims, adele)).oid).toBe(demoUsers.requester.id);
    await take(0);
  });
});

describe('on-behalf-of exchange: expiry and bounds', () => {
  it('reuses the Graph token until 5 minutes before it expires, then exchanges again', async () => {
    const pims = new PimSessions({ entra, graphBaseUrl: 'https://graph.invalid', now: () => clock.now() });
    const assertion = await ssoToken(demoUsers.secondApprover.id);
    const first = await graphToken(pims, assertion);
    await take(1);
    const exp = (decodeJwt(first).exp ?? 0) * 1000;
    // 6 minutes before the Graph token's exp: still kept.
    clock.set(new Date(exp - 6 * 60_000));
    expect(await graphToken(pims, assertion)).toBe(first);
    expect(await take(0)).toEqual({});
    // 4 minutes before: renewed with one exchange (the user token, 60 minutes, is still valid).
    clock.advance(2 * 60_000);
    const renewed = await graphToken(pims, assertion);
    expect(await take(1)).toEqual({ [OBO_GRANT]: 1 });
    expect(renewed).not.toBe(first);
    expect((decodeJwt(renewed).exp ?? 0) * 1000).toBeGreaterThan(exp);
  });

  it('keeps at most maxTokens Graph tokens and maxTokenBytes bytes: the oldest goes first', async () => {
    const exchange = new OboTokenExchange({ entra, now: () => clock.now().getTime(), maxTokens: 2 });
    const pims = new PimSessions({ entra, graphBaseUrl: 'https://graph.invalid', now: () => clock.now(), exchange });
    const users = [demoUsers.requester, demoUsers.approver, demoUsers.admin];
    const tokens = await Promise.all(users.map((u) => ssoToken(u.id)));
    for (const t of tokens) await pims.check(t);
    await take(3);
    expect(exchange.stats().tokens).toMatchObject({ entries: 2, evictions: 1 });
    // The newest two are answered from memory; the first was evicted and is exchanged again.
    await pims.check(tokens[1]!);
    await pims.check(tokens[2]!);
    expect(await take(0)).toEqual({});
    await pims.check(tokens[0]!);
    expect(await take(1)).toEqual({ [OBO_GRANT]: 1 });

    // A byte bound that holds one token: the second user's token pushes the first one out.
    const oneToken = exchange.stats().tokens.bytes / 2;
    const small = new OboTokenExchange({ entra, now: () => clock.now().getTime(), maxTokenBytes: oneToken * 1.5 });
    const byBytes = new PimSessions({
      entra,
      graphBaseUrl: 'https://graph.invalid',
      now: () => clock.now(),
      exchange: small,
    });
    await byBytes.check(tokens[0]!);
    await byBytes.check(tokens[1]!);
    await take(3);
    const stats = small.stats().tokens;
    expect(stats).toMatchObject({ entries: 1, evictions: 1 });
    expect(stats.bytes).toBeLessThanOrEqual(stats.maxBytes);
  });
});

describe('on-behalf-of exchange: refusals still read from Entra', () => {
  it('Conditional Access: the claims challenge for the step-up, asked again each check, until the step-up token serves', async () => {
    const pims = new PimSessions({ entra, graphBaseUrl: 'https://graph.invalid', now: () => clock.now() });
    const user = demoUsers.breakGlass;
    const policyId = 'c0a1c0a1-0000-4000-8000-000000000019';
    authority.addConditionalAccessPolicy({ id: policyId, userIds: [user.id] });
    // Signed in with a password only: the policy wants MFA.
    const assertion = await ssoToken(user.id, ['pwd']);
    await take(0);
    const check = await pims.check(assertion);
    expect(check).toMatchObject({ kind: 'conditionalAccess', code: 50076 });
    expect(JSON.parse((check as { claims: string }).claims)).toEqual({
      access_token: { capolids: { essential: true, values: [policyId] } },
    });
    expect(await take(1)).toMatchObject({ [OBO_GRANT]: 1 });
    // Nothing kept for a refused token: the next check asks Entra again.
    expect((await pims.check(assertion)).kind).toBe('conditionalAccess');
    expect(await take(1)).toMatchObject({ [OBO_GRANT]: 1 });

    // The step-up sign-in's Graph token then serves this user token, without the authority.
    const stepUp = { token: 'graph-token-from-the-step-up', expiresOnTimestamp: clock.now().getTime() + 3_600_000 };
    pims.adoptStepUp(assertion, stepUp);
    expect(await pims.check(assertion)).toEqual({ kind: 'ok' });
    expect(await graphToken(pims, assertion)).toBe(stepUp.token);
    expect(await take(0)).toEqual({});
  });

  it('consent missing: said as such (AADSTS65001)', async () => {
    const pims = new PimSessions({ entra, graphBaseUrl: 'https://graph.invalid', now: () => clock.now() });
    expect(await pims.check(await ssoToken(demoUsers.noAccess.id))).toEqual({ kind: 'consentMissing', code: 65001 });
    await take(1);
  });
});
