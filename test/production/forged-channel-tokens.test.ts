import { AuthenticationConstants } from 'botframework-connector';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { exportSPKI, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { breakdown, figure, muteConsole, pool, STACK_TRACE, tally } from '../abuse/abuse-support';
import { forgedChannelTokens, validChannelToken } from '../abuse/forged-channel-tokens';
import { CountingStorage } from '../support/counting-storage';
import { type ProductionStack, startProductionStack } from '../support/production-stack';

// The forged Bot Connector tokens of test/abuse/inbound-auth.test.ts (the same case list), sent through the
// production-mode stack: the channel issuer stand-in is the only trusted signer (botbuilder finds it through
// ToBotFromChannelOpenIdMetadataUrl, not through a seeded cache), the activities are the driver's. A refused
// token must cost nothing downstream: no turn, so no Graph or Entra call, no Token Service call, no reply at
// the connector and no state write.

let stack: ProductionStack;
const storage = new CountingStorage();

beforeAll(async () => {
  stack = await startProductionStack({ storage });
  // The emulator path's metadata URL is not one of botbuilder's settings (only the channel's is): with no
  // internet its fetch would fail, so its process-wide cache is seeded with no keys, as Entra's common keys
  // hold none of an attacker's.
  const emulator = new JwtTokenExtractor({}, AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl, ['RS256'])
    .openIdMetadata as unknown as { keys: object[]; lastUpdated: number };
  emulator.keys = [];
  emulator.lastUpdated = Date.now();
});

afterAll(async () => {
  await stack?.close();
});

/** Everything downstream of a turn, counted. */
function downstream() {
  return {
    graph: stack.local.graph.calls().length,
    tokenService: stack.tokenService.exchanges.length,
    connector: stack.connector.calls.length,
    storageWrites: storage.writes,
  };
}

async function context() {
  const jwk = stack.channel.jwks().keys[0];
  if (!jwk) throw new Error('the channel issuer publishes no key');
  const publicPem = await exportSPKI(
    (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as Parameters<typeof exportSPKI>[0],
  );
  return {
    trusted: { kid: stack.channel.kid, sign: stack.channel.signClaims, publicPem },
    botAppId: stack.botAppId,
    tenantId: stack.local.fixture.tenantId,
    serviceUrl: stack.connector.serviceUrl,
  };
}

describe('production stack: forged Bot Connector tokens', () => {
  it('the shared >= 1,000 forged tokens: all 401, 0 turns, 0 Graph / Token Service / connector calls, 0 state writes', {
    timeout: 30_000,
  }, async () => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    const attempts = await forgedChannelTokens(await context());
    expect(attempts.length).toBeGreaterThanOrEqual(1000);
    const before = downstream();
    const mute = muteConsole();
    const started = performance.now();
    let results: Array<{ category: string; status: number; body: unknown }>;
    try {
      results = await pool(attempts, 20, async (a) => ({
        category: a.category,
        ...(await stack.driver.post(stack.driver.personalMessage(adele, 'activate Global Administrator 8h INC-1'), {
          authorization: a.authorization,
        })),
      }));
    } finally {
      mute.restore();
    }
    const ms = Math.round(performance.now() - started);
    const after = downstream();
    const delta = Object.fromEntries(
      Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
    ) as typeof after;
    figure(
      'production-forged-jwt',
      `${results.length} sent, ${results.filter((r) => r.status < 300).length} accepted, statuses ${JSON.stringify(tally(results.map((r) => r.status)))}; ` +
        `downstream: ${delta.graph} Graph calls, ${delta.tokenService} Token Service exchanges, ${delta.connector} connector calls, ${delta.storageWrites} state writes; ${ms} ms`,
    );
    figure(
      'production-forged-jwt-by-kind',
      breakdown(
        results,
        (r) => r.category,
        (r) => r.status,
      ).join('; '),
    );
    expect(delta).toEqual({ graph: 0, tokenService: 0, connector: 0, storageWrites: 0 });
    for (const r of results) {
      expect(r.status, `${r.category}: ${JSON.stringify(r.body)}`).toBe(401);
      expect(JSON.stringify(r.body ?? ''), r.category).not.toMatch(STACK_TRACE);
    }
  });

  it('control: a token from the channel issuer with the same claims is accepted, and the counters move', async () => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    const before = downstream();
    const message = stack.driver.personalMessage(adele, 'help');
    const { status } = await stack.driver.post(message, { token: await validChannelToken(await context()) });
    await stack.connector.waitFor((c) => c.conversationId === message.conversation?.id);
    const after = downstream();
    figure(
      'production-forged-jwt-control',
      `1 correctly signed token: ${status}, ${after.connector - before.connector} connector call(s), ${after.storageWrites - before.storageWrites} state write(s)`,
    );
    expect(status).toBe(200);
    expect(after.connector).toBeGreaterThan(before.connector);
    expect(after.storageWrites).toBeGreaterThan(before.storageWrites);
  });
});
