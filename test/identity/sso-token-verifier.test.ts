import type { TurnContext } from 'botbuilder';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraAppConfig } from '../../src/config';
import { appCredential, onBehalfOfCredential } from '../../src/identity/graph-credentials';
import { PimSessions } from '../../src/identity/pim-sessions';
import { SsoTokenRejected, SsoTokenVerifier } from '../../src/identity/sso-token-verifier';
import type { PimClient } from '../../src/pim/pim-client';
import { TurnSessions } from '../../src/teams/turn-sessions';
import type { UserTokenSource } from '../../src/teams/user-token-source';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { testCertificateAuthority } from '../support/local-ca';

/**
 * Issue 13, finding 3: the user's token for the bot is verified against the local Entra authority (real
 * RS256 tokens, keys from its OpenID Connect metadata) before it is exchanged on-behalf-of, and its `oid`
 * must be the activity's user. Refused tokens reach neither the exchange nor Graph (the simulator's log).
 */

const { requester: adele, approver: megan } = demoUsers;
const OTHER_TENANT = 'c0ffee00-0000-4000-8000-0000000000aa';

let stack: LocalStack;
let entra: EntraAppConfig;
let verifier: SsoTokenVerifier;

/** PimSessions counting the clients it builds on a user token (each would be an on-behalf-of exchange). */
class CountingPimSessions extends PimSessions {
  clients = 0;
  override forAssertion(assertion: string, principalId: string | undefined, claims?: string): PimClient {
    this.clients++;
    return super.forAssertion(assertion, principalId, claims);
  }
}

/** What Teams hands the bot for this activity: here, whichever token the test presents. */
function presenting(token: string): UserTokenSource {
  return { signInHelp: () => 'Sign in.', getUserAssertion: async () => token };
}

/** A turn from `aadObjectId` (only what TurnSessions reads: the activity's user and the turn's memory). */
function turnOf(aadObjectId: string): TurnContext {
  return {
    activity: { id: 'activity-1', from: { id: `29:${aadObjectId}`, aadObjectId } },
    turnState: new Map(),
  } as unknown as TurnContext;
}

const ssoToken = (userId: string, extra: { lifetimeSeconds?: number } = {}) =>
  stack.authority.issueTeamsSsoToken({ userId, clientId: stack.botApp.clientId, amr: ['pwd', 'mfa'], ...extra });

beforeAll(async () => {
  stack = await startLocalStack({ ca: testCertificateAuthority() });
  entra = {
    tenantId: stack.fixture.tenantId,
    clientId: stack.botApp.clientId,
    clientSecret: stack.botApp.clientSecret,
    authorityHost: stack.authority.url,
  };
  verifier = new SsoTokenVerifier({
    authorityHost: stack.authority.url,
    tenantId: stack.fixture.tenantId,
    audiences: [stack.botApp.clientId, `api://botid-${stack.botApp.clientId}`],
    allowedTenantIds: [stack.fixture.tenantId],
  });
});
afterAll(() => stack?.close());

/** The refused tokens, each with one defect, all presented in an activity from Adele. */
async function refusedTokens(): Promise<
  { kind: string; token: string; verifier?: SsoTokenVerifier; reason: string }[]
> {
  const good = await ssoToken(adele.id);
  const [header, payload] = good.split('.');
  const attacker = await generateKeyPair('RS256');
  const claims = decodeJwt(good);
  // Teams SSO's token for another API: the on-behalf-of result, a real token for Graph with Adele's oid.
  const graphToken = (await onBehalfOfCredential(entra, good).getToken('https://graph.microsoft.com/.default'))!.token;
  const swappedOid = Buffer.from(JSON.stringify({ ...claims, oid: megan.id })).toString('base64url');
  return [
    { kind: 'another user (Megan) in Adele’s activity', token: await ssoToken(megan.id), reason: 'otherUser' },
    { kind: 'wrong audience (a Graph token)', token: graphToken, reason: 'wrongAudience' },
    {
      kind: 'tenant not allowed',
      token: good,
      reason: 'otherTenant',
      verifier: new SsoTokenVerifier({
        authorityHost: stack.authority.url,
        tenantId: stack.fixture.tenantId,
        audiences: [stack.botApp.clientId, `api://botid-${stack.botApp.clientId}`],
        allowedTenantIds: [OTHER_TENANT],
      }),
    },
    { kind: 'expired (10 minutes ago)', token: await ssoToken(adele.id, { lifetimeSeconds: -600 }), reason: 'expired' },
    {
      kind: 'bad signature (same claims and kid, another key)',
      token: await new SignJWT(claims)
        .setProtectedHeader(decodeProtectedHeader(good) as { alg: string })
        .sign(attacker.privateKey),
      reason: 'badSignature',
    },
    {
      kind: 'tampered payload (oid swapped, signature kept)',
      token: `${header}.${swappedOid}.${good.split('.')[2]}`,
      reason: 'badSignature',
    },
    {
      // The bot's own app-only token for its API (client credentials with its secret): signed by Entra, right
      // audience and tenant, but no user signed in with it (idtyp app, no scp).
      kind: 'app-only token for the bot (client credentials)',
      token: (await appCredential(entra).getToken(`${entra.clientId}/.default`))!.token,
      reason: 'notDelegated',
    },
    { kind: 'unsigned (alg none)', token: new UnsecuredJWT(claims).encode(), reason: 'malformed' },
    { kind: 'not a JWT', token: `${header}.${payload}`, reason: 'malformed' },
  ];
}

describe('SsoTokenVerifier against the local Entra authority', () => {
  it('accepts a Teams SSO token for the bot and names its user and tenant', async () => {
    expect(await verifier.verify(await ssoToken(adele.id))).toEqual({ oid: adele.id, tid: stack.fixture.tenantId });
  });

  it('says why it refuses each defective token', async () => {
    for (const t of await refusedTokens()) {
      if (t.reason === 'otherUser') continue; // valid on its own: the activity makes it wrong (below)
      const err = await (t.verifier ?? verifier).verify(t.token).catch((e: unknown) => e);
      expect(err, t.kind).toBeInstanceOf(SsoTokenRejected);
      expect((err as SsoTokenRejected).reason, t.kind).toBe(t.reason);
    }
  });

  it('a token from the future (the clock an hour behind, beyond the 60 s tolerance) is not yet valid', async () => {
    const behind = new SsoTokenVerifier({
      authorityHost: `${stack.authority.url}/`,
      tenantId: stack.fixture.tenantId,
      audiences: [stack.botApp.clientId, `api://botid-${stack.botApp.clientId}`],
      allowedTenantIds: [stack.fixture.tenantId],
      now: () => new Date(Date.now() - 3600_000),
    });
    const err = await behind.verify(await ssoToken(adele.id)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsoTokenRejected);
    expect(err).toMatchObject({ name: 'SsoTokenRejected', reason: 'notYetValid' });
    expect((err as Error).message).toBe("The user's token for PIM Bot was refused (notYetValid).");
  });

  it('refuses everything when the authority’s keys cannot be had (never accepts unverified)', async () => {
    const offline = new SsoTokenVerifier({
      authorityHost: 'https://127.0.0.1:9',
      tenantId: stack.fixture.tenantId,
      audiences: [stack.botApp.clientId],
      allowedTenantIds: [stack.fixture.tenantId],
    });
    const err = await offline.verify(await ssoToken(adele.id)).catch((e: unknown) => e);
    expect((err as SsoTokenRejected).reason).toBe('keysUnavailable');
  });
});

describe('TurnSessions: the principal comes from the verified token', () => {
  it('refused tokens reach neither the on-behalf-of exchange nor Graph; a good one works, as its own user', async () => {
    const refused = await refusedTokens();
    stack.graph.resetCalls();
    let clientsBuilt = 0;
    const outcomes: string[] = [];
    for (const t of refused) {
      const pims = new CountingPimSessions({ entra, graphBaseUrl: stack.graph.url });
      const sessions = new TurnSessions(presenting(t.token), pims, t.verifier ?? verifier);
      const turn = turnOf(adele.id);
      const pim = await sessions.pimFor(turn);
      outcomes.push(`${t.kind}: ${pim ? 'ACCEPTED' : 'refused'}`);
      expect(pim, t.kind).toBeUndefined();
      expect(await sessions.verifiedUserId(turn)).toBeUndefined();
      expect(await sessions.hasToken(turn)).toBe(false);
      clientsBuilt += pims.clients;
    }
    const graphCallsForRefused = stack.graph.calls().length;

    const pims = new CountingPimSessions({ entra, graphBaseUrl: stack.graph.url });
    const good = new TurnSessions(presenting(await ssoToken(adele.id)), pims, verifier);
    const turn = turnOf(adele.id.toUpperCase()); // Teams may write the GUID in either case
    const pim = await good.pimFor(turn);
    expect(pim).toBeDefined();
    expect(await good.verifiedUserId(turn)).toBe(adele.id);
    const eligible = await pim!.listEligible();
    const graphCallsForGood = stack.graph.calls().length - graphCallsForRefused;

    console.log(
      `sso-token: ${refused.length} refused tokens -> ${clientsBuilt} on-behalf-of clients, ${graphCallsForRefused} Graph calls; good token -> 1 client, ${graphCallsForGood} Graph calls, ${eligible.length} eligibilities of ${adele.displayName}\n  ${outcomes.join('\n  ')}`,
    );
    expect(clientsBuilt).toBe(0);
    expect(graphCallsForRefused).toBe(0);
    expect(pims.clients).toBe(1);
    expect(graphCallsForGood).toBeGreaterThan(0);
    expect(eligible.length).toBeGreaterThan(0);
  });
});
