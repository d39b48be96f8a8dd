import { randomUUID } from 'node:crypto';
import { AuthenticationConstants } from 'botframework-connector';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { ToBotFromBotOrEmulatorTokenValidationParameters } from 'botframework-connector/lib/auth/tokenValidationParameters.js';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp } from '../../src/app';
import { PimBot } from '../../src/bot/pim-bot';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import type { RunningServer } from '../../src/server';
import { type CaptureConnector, startCaptureConnector } from '../support/capture-connector';
import { breakdown, figure, httpClient, muteConsole, pool, STACK_TRACE, tally } from './abuse-support';
import { fakeSecret } from '../support/fake-secrets';
import {
  distinctTids,
  type ForgedTokenAttempt,
  forgedChannelTokens,
  ownTrustedKey,
  type TrustedChannelKey,
} from './forged-channel-tokens';

const BOT_APP_SECRET = fakeSecret('bot-app');
const ENTRA_APP_SECRET = fakeSecret('entra-app');

/**
 * Production auth mode under forged traffic (the case list is shared with the production-stack run,
 * test/production/forged-channel-tokens.test.ts, in ./forged-channel-tokens.ts): >= 1,000 POST /api/messages whose bearer token is forged
 * (signed by a key of our own under the Bot Framework's kid), unsigned (alg none), expired, for another
 * audience or from another issuer. None may run a turn.
 *
 * With no internet botbuilder cannot fetch the Bot Framework OpenID metadata, so a token from an allowed
 * issuer would be refused for the wrong reason (a 500 from the failed fetch). The first test records that;
 * then the metadata cache is seeded with a key of ours playing the Bot Framework's signing key, so each
 * token is judged on its own defect, and a token signed correctly with that key is accepted (the control
 * that proves the refusals are for the defect, not for an unreachable dependency).
 */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const BOT_APP_ID = '5d1c3f9e-0000-4000-8000-000000000003';
const CHANNEL_ISSUER = AuthenticationConstants.ToBotFromChannelTokenIssuer; // https://api.botframework.com
const BF_KID = 'Xm8bSXtVdd3GIr0bjxn2ZLx7Iss'; // shaped like the Bot Framework's key ids
/** botbuilder's process-wide list of accepted emulator token issuers. */
const emulatorIssuers = () => ToBotFromBotOrEmulatorTokenValidationParameters.issuer?.length ?? 0;

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let server: RunningServer;
let teams: CaptureConnector;
let trusted: Keys;
let trustedKey: TrustedChannelKey;
let attacker: Keys;
const logLines: { msg: string }[] = [];
const run = vi.spyOn(PimBot.prototype, 'run');

beforeAll(async () => {
  teams = await startCaptureConnector();
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(JSON.parse(line)) });
  server = await startApp(
    parseConfig({
      PIMBOT_MODE: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      MicrosoftAppId: BOT_APP_ID,
      MicrosoftAppPassword: BOT_APP_SECRET,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT_ID,
      AAD_APP_TENANT_ID: TENANT_ID,
      AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
      AAD_APP_CLIENT_SECRET: ENTRA_APP_SECRET,
      OAUTH_CONNECTION_NAME: 'pimbot-sso',
      PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
    }),
    logger,
  );
  ({ keys: trusted, trusted: trustedKey } = await ownTrustedKey(BF_KID));
  attacker = await generateKeyPair('RS256', { extractable: true });
});
afterAll(async () => {
  http.close();
  await server?.shutdown('test over');
  await teams?.close();
  run.mockRestore();
});

/** A 1:1 Teams message as the Bot Connector posts it. */
function activity(): Record<string, unknown> {
  return {
    type: 'message',
    id: `f:${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl: teams.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: '29:1adele', name: 'Adele Vance', aadObjectId: '0f2c5a3e-0000-4000-8000-00000000000a' },
    recipient: { id: `28:${BOT_APP_ID}`, name: 'PIM Bot' },
    conversation: { id: 'a:1personal-chat', conversationType: 'personal', tenantId: TENANT_ID, isGroup: false },
    channelData: { tenant: { id: TENANT_ID } },
    text: 'activate Global Administrator 8h INC-1 forged',
  };
}

/** The claims of a Bot Connector token for this bot and this serviceUrl. */
function channelClaims(extra: JWTPayload = {}): JWTPayload {
  return { iss: CHANNEL_ISSUER, aud: BOT_APP_ID, serviceurl: teams.serviceUrl, ...extra };
}

async function signRs256(key: Keys['privateKey'], claims: JWTPayload, kid: string | undefined, exp: number | string) {
  const header = kid === undefined ? { alg: 'RS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid };
  return new SignJWT(claims).setProtectedHeader(header).setIssuedAt().setExpirationTime(exp).sign(key);
}

type Attempt = ForgedTokenAttempt;

const http = httpClient(20);

async function send(authorization: string | undefined): Promise<{ status: number; body: string }> {
  const headers = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
  const { status, body } = await http.post(`${server.url}/api/messages`, JSON.stringify(activity()), headers);
  return { status, body };
}

/** The distinct `tid` claims of the attempts whose (unverified) `iss` passes `issuer`. */
function tidsOf(attempts: readonly Attempt[], issuer: (iss: unknown) => boolean): Set<string> {
  const tids = new Set<string>();
  for (const { authorization } of attempts) {
    try {
      const claims = JSON.parse(Buffer.from(authorization.split('.')[1] ?? '', 'base64url').toString('utf8'));
      if (typeof claims?.tid === 'string' && issuer(claims.iss)) tids.add(claims.tid);
    } catch {
      // not a JWT: no claims
    }
  }
  return tids;
}

function seedOpenIdMetadata(url: string, keys: object[]): void {
  const metadata = new JwtTokenExtractor({}, url, ['RS256']).openIdMetadata as unknown as {
    keys: object[];
    lastUpdated: number;
  };
  metadata.keys = keys;
  metadata.lastUpdated = Date.now();
}

/**
 * The Bot Framework's key set as botbuilder caches it (process-wide): a key of ours playing its signing key, and
 * an empty set playing Entra's common keys (they do not include the attacker's). Each test that needs the keys
 * seeds them itself.
 */
async function seedBotFrameworkKeys(): Promise<void> {
  seedOpenIdMetadata(AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl, [
    { ...(await exportJWK(trusted.publicKey)), kid: BF_KID, use: 'sig', endorsements: ['msteams'] },
  ]);
  seedOpenIdMetadata(AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl, []);
}

// Never shuffled: botbuilder's OpenID metadata cache is process-wide and cannot be emptied again, so the offline
// case (no keys yet) must come before any test seeds them. The others seed the keys themselves.
describe('production mode refuses forged Bot Framework tokens', { shuffle: false }, () => {
  it('without the Bot Framework metadata (no internet): nothing is accepted, and botbuilder answers 500 where it would need the keys', async () => {
    const mute = muteConsole();
    try {
      const cases: Attempt[] = [
        {
          category: 'forged-signature',
          authorization: `Bearer ${await signRs256(attacker.privateKey, channelClaims(), BF_KID, '10m')}`,
        },
        {
          category: 'unsigned-alg-none',
          authorization: `Bearer ${new UnsecuredJWT(channelClaims()).setExpirationTime('10m').encode()}`,
        },
        {
          category: 'wrong-issuer',
          authorization: `Bearer ${await signRs256(attacker.privateKey, channelClaims({ iss: 'https://evil.example' }), BF_KID, '10m')}`,
        },
        { category: 'no-authorization', authorization: '' },
      ];
      const results = [];
      for (const c of cases) results.push({ category: c.category, ...(await send(c.authorization || undefined)) });
      figure(
        'inbound-auth-offline',
        results
          .map((r) => `${r.category} -> ${r.status}${r.status === 500 ? ` (${r.body.slice(0, 90)})` : ''}`)
          .join('; '),
      );
      for (const r of results) {
        expect([401, 500], `${r.category}: ${r.body}`).toContain(r.status);
        expect(r.body).not.toMatch(STACK_TRACE);
      }
      // What does not need the keys is refused for its own defect even offline.
      expect(results.find((r) => r.category === 'wrong-issuer')?.status).toBe(401);
      expect(results.find((r) => r.category === 'no-authorization')?.status).toBe(401);
      expect(run).not.toHaveBeenCalled();
      expect(teams.calls).toEqual([]);
    } finally {
      mute.restore();
    }
  });

  it('>= 1,000 forged, unsigned, expired, wrong-audience and wrong-issuer tokens: all refused, zero turns run', async () => {
    await seedBotFrameworkKeys();
    const attempts = await forgedChannelTokens({
      trusted: trustedKey,
      botAppId: BOT_APP_ID,
      tenantId: TENANT_ID,
      serviceUrl: teams.serviceUrl,
    });
    expect(attempts.length).toBeGreaterThanOrEqual(1000);
    const issuersBefore = emulatorIssuers();
    const mute = muteConsole();
    const started = performance.now();
    let results: Array<Attempt & { status: number; body: string }>;
    try {
      results = await pool(attempts, 20, async (a) => ({ ...a, ...(await send(a.authorization)) }));
    } finally {
      mute.restore();
    }
    const ms = Math.round(performance.now() - started);
    const accepted = results.filter((r) => r.status < 300);
    const turns = logLines.filter((l) => l.msg === 'message').length;
    const byCategory = breakdown(
      results,
      (r) => r.category,
      (r) => r.status,
    );

    figure(
      'forged-jwt',
      `${results.length} sent, ${accepted.length} accepted, ${run.mock.calls.length} turns run, ${teams.calls.length} connector calls, statuses ${JSON.stringify(tally(results.map((r) => r.status)))}, ${ms} ms`,
    );
    figure('forged-jwt-by-kind', byCategory.join('; '));
    figure(
      'forged-jwt-botbuilder-console',
      `${mute.errors()} console.error lines written by botbuilder for ${results.length} refused requests`,
    );
    const channelTids = tidsOf(attempts, (iss) => iss === CHANNEL_ISSUER);
    const otherTids = tidsOf(attempts, (iss) => iss !== CHANNEL_ISSUER);
    const issuerList = [ToBotFromBotOrEmulatorTokenValidationParameters.issuer ?? []].flat();
    const recorded = (tid: string) => issuerList.some((i) => i.includes(tid));
    figure(
      'emulator-issuer-list',
      `botbuilder's process-wide issuer list grew from ${issuersBefore} to ${emulatorIssuers()} entries for ${distinctTids(attempts)} distinct tid claims in ${results.length} unauthenticated tokens: ${[...channelTids].filter(recorded).length} of ${channelTids.size} tids in tokens claiming the Bot Connector issuer recorded, ${[...otherTids].filter(recorded).length} of ${otherTids.size} in tokens claiming another issuer`,
    );
    // TeamsChannelAuthentication's promise: a token that does not claim the Bot Connector issuer is refused
    // before botbuilder records its tid, so such tokens add no issuer.
    expect(otherTids.size).toBeGreaterThan(0);
    expect([...otherTids].filter((tid) => !channelTids.has(tid)).filter(recorded)).toEqual([]);
    // Nor does one claiming another tenant than the allowed one (TENANT_ID): botbuilder would add 4 issuer
    // templates per new tid (v1, v2 and their US Government forms) before checking any signature, so anyone
    // could grow the list. At most the allowed tenant's 4 are ever added.
    expect([...channelTids].filter((tid) => tid !== TENANT_ID)).not.toEqual([]);
    expect([...channelTids].filter((tid) => tid !== TENANT_ID).filter(recorded)).toEqual([]);
    expect(emulatorIssuers() - issuersBefore).toBeLessThanOrEqual(4);

    expect(accepted).toEqual([]);
    expect(run).not.toHaveBeenCalled();
    expect(turns).toBe(0);
    expect(teams.calls).toEqual([]);
    expect(teams.unmatched).toEqual([]);
    for (const r of results) {
      expect(r.body, r.category).not.toMatch(STACK_TRACE);
      expect(r.status, `${r.category}: ${r.body}`).toBe(401);
    }
  });

  it('control: a token signed with the seeded Bot Framework key is accepted and runs the turn', async () => {
    await seedBotFrameworkKeys();
    const mute = muteConsole();
    try {
      const { status } = await send(`Bearer ${await signRs256(trusted.privateKey, channelClaims(), BF_KID, '10m')}`);
      // The reply then fails (no internet for the bot's own connector token): the turn ran all the same.
      expect(status).toBe(200);
    } finally {
      mute.restore();
    }
    expect(run).toHaveBeenCalledTimes(1);
    expect(logLines.filter((l) => l.msg === 'message')).toHaveLength(1);
    figure('forged-jwt-control', '1 correctly signed token sent, 1 accepted, 1 turn run');
  });

  // botbuilder 4.23.3 alone answers a bad signature on a known kid or an HS256 token with 500 (jsonwebtoken's
  // error escapes as a non-AuthenticationError); src/bot-framework-auth.ts maps those to 401.
  it('every defective token is answered 401, not 500', async () => {
    await seedBotFrameworkKeys();
    const mute = muteConsole();
    try {
      const tokens = [
        await signRs256(attacker.privateKey, channelClaims(), BF_KID, '10m'),
        await new SignJWT(channelClaims())
          .setProtectedHeader({ alg: 'HS256', kid: BF_KID })
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(await exportSPKI(trusted.publicKey))),
      ];
      for (const token of tokens) expect((await send(`Bearer ${token}`)).status).toBe(401);
    } finally {
      mute.restore();
    }
  });
});
