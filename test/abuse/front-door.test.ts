import { randomUUID } from 'node:crypto';
import { MemoryStorage, type StoreItems } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import type { RunningServer } from '../../src/server';
import { ManualClock } from '../../simulators/clock';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { type BotHarness, cardActions, startBotHarness, visibleText } from '../support/bot-harness';
import { type CaptureConnector, startCaptureConnector } from '../support/capture-connector';
import { fakeSecret } from '../support/fake-secrets';
import { figure, httpClient, muteConsole, pool, tally } from './abuse-support';

/**
 * Issue 13, finding 2: only Teams activities of an allowed tenant reach the bot. Other channels (a Web Chat
 * or Direct Line activity signed by the Bot Connector is as authentic as a Teams one), other tenants, a
 * missing tenant, or two tenants that disagree: refused before any state is written (the approver's stored
 * conversation reference stays hers), no card, no Graph call, no token request. Also the Universal Actions
 * refresh of a real pending approval, which needs no user token, and the activities name a real approver.
 */

/** Counts what the bot writes: every write and delete of its storage. */
class CountingStorage extends MemoryStorage {
  writes = 0;
  constructor(readonly items: Record<string, string> = {}) {
    super(items);
  }
  override async write(changes: StoreItems): Promise<void> {
    this.writes += Object.keys(changes).length;
    return super.write(changes);
  }
  override async delete(keys: string[]): Promise<void> {
    this.writes += keys.length;
    return super.delete(keys);
  }
}

const { requester: adele, approver: megan } = demoUsers;

interface Forged {
  kind: string;
  activity: Record<string, unknown>;
}

/** Channels the Bot Connector serves besides Teams, and near-misses of Teams' own id. */
const OTHER_CHANNELS = [
  'webchat',
  'directline',
  'emulator',
  'slack',
  'skype',
  'test',
  '',
  'MSTEAMS',
  'msteams ',
  'ms teams',
];

/** What the forged activities do: talk, install, click Approve, ask for the card's refresh, exchange a token. */
function payloads(requestId: string, approve: Record<string, unknown>): Record<string, unknown>[] {
  return [
    { type: 'message', text: 'pending' },
    { type: 'message', text: 'activate Global Administrator 8h INC-1 forged' },
    { type: 'conversationUpdate', membersAdded: [{ id: '28:pim-bot' }] },
    { type: 'installationUpdate', action: 'add' },
    {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: 'refreshApproval', data: { pimbot: 'refreshApproval', requestId } },
        trigger: 'automatic',
      },
    },
    {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'approve', data: approve }, trigger: 'manual' },
    },
    {
      type: 'invoke',
      name: 'signin/tokenExchange',
      value: { id: randomUUID(), connectionName: 'x', token: 'eyJ.x.y' },
    },
  ];
}

function forgedActivities(h: BotHarness, requestId: string, approve: Record<string, unknown>, count: number): Forged[] {
  const tenant = demoTenant.tenantId;
  const otherTenants = fc.sample(fc.uuid(), { numRuns: 50, seed: 13 });
  const shapes = payloads(requestId, approve);
  const out: Forged[] = [];
  for (let i = 0; out.length < count; i++) {
    const payload = shapes[i % shapes.length]!;
    const other = otherTenants[i % otherTenants.length]!;
    // Megan's own 1:1 conversation, her ids: what would overwrite her stored reference if it got through.
    const base = {
      id: randomUUID(),
      serviceUrl: h.connector.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: `29:${megan.id}`, aadObjectId: megan.id, name: megan.displayName },
      recipient: { id: '28:pim-bot', name: 'PIM Bot' },
      ...payload,
    };
    const conversation = (tenantId?: string) => ({
      id: h.personalConversationId(megan),
      conversationType: 'personal',
      isGroup: false,
      ...(tenantId ? { tenantId } : {}),
    });
    switch (Math.floor(i / shapes.length) % 4) {
      case 0:
        out.push({
          kind: 'other-channel',
          activity: {
            ...base,
            channelId: OTHER_CHANNELS[i % OTHER_CHANNELS.length],
            conversation: conversation(tenant),
            channelData: { tenant: { id: tenant } },
          },
        });
        break;
      case 1:
        out.push({
          kind: 'other-tenant',
          activity: {
            ...base,
            channelId: 'msteams',
            conversation: conversation(other),
            channelData: { tenant: { id: other } },
          },
        });
        break;
      case 2:
        out.push({
          kind: 'missing-tenant',
          activity: {
            ...base,
            channelId: 'msteams',
            conversation: conversation(),
            channelData: i % 2 ? {} : { tenant: {} },
          },
        });
        break;
      default:
        out.push({
          kind: 'tenant-mismatch',
          activity: {
            ...base,
            channelId: 'msteams',
            conversation: conversation(other),
            channelData: { tenant: { id: tenant } },
          },
        });
    }
  }
  return out;
}

describe('front door (playground stack: real Graph simulator and authority)', () => {
  let h: BotHarness;
  const storage = new CountingStorage();
  const logLines: { msg: string; level: number; reason?: string }[] = [];
  let gaRequest: string;
  let approve: Record<string, unknown>;

  beforeAll(async () => {
    h = await startBotHarness(
      { WATCHER_INTERVAL_SECONDS: '0' },
      {
        // Time stands still: the pending request's reconciliation (a Graph read and state writes every 15 s)
        // never falls due during the flood, however long a loaded machine takes; what is counted is the flood's.
        clock: new ManualClock(new Date()),
        storage,
        logLevel: 'debug',
        logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
      },
    );
    h.stack.graph.loadFixture(demoTenant);
    await h.say(megan, 'help'); // Megan has the bot: her 1:1 chat's reference is stored.
    await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    expect(await h.submit(adele, confirm!.data!)).toBe(200);
    gaRequest = h.stack.graph.snapshot().requests.find((r) => r.status === 'PendingApproval')!.id as string;
    approve = h.connector.calls
      .filter((c) => c.conversationId === h.personalConversationId(megan))
      .flatMap((c) => cardActions(c.body))
      .find((a) => a.verb === 'approve')!.data!;
    expect(approve.requestId).toBe(gaRequest);
  });
  afterAll(async () => h?.close());

  it('>= 1,000 activities from other channels or tenants, naming an approver: 0 state writes, 0 cards, 0 Graph calls', async () => {
    const forged = forgedActivities(h, gaRequest, approve, 1_050);
    const http = httpClient(10);
    const before = JSON.stringify(storage.items);
    const writesBefore = storage.writes;
    h.connector.reset();
    h.stack.graph.resetCalls();
    const authorityBefore = h.authorityRequests.length;
    const exchangesBefore = h.exchanges.length;
    const warnsBefore = logLines.filter((l) => l.level === 40).length;
    const started = performance.now();
    const results = await pool(forged, 10, async (f) => ({
      kind: f.kind,
      type: f.activity.type as string,
      ...(await http.post(`${h.botUrl}/api/messages`, JSON.stringify(f.activity), {
        'content-type': 'application/json',
      })),
    }));
    http.close();
    const ms = Math.round(performance.now() - started);
    await h.jobs.runDue();

    const writes = storage.writes - writesBefore;
    const graphCalls = h.stack.graph.calls().length;
    const tokenRequests = h.authorityRequests.length - authorityBefore;
    const warns = logLines.filter((l) => l.level === 40).length - warnsBefore;
    figure(
      'front-door',
      `${results.length} activities (${JSON.stringify(tally(results.map((r) => r.kind)))}), statuses ${JSON.stringify(tally(results.map((r) => r.status)))}: ${writes} state writes, ${h.connector.calls.length} connector calls, ${graphCalls} Graph calls, ${tokenRequests} token requests, ${warns} warn lines, ${ms} ms`,
    );
    expect(results.length).toBeGreaterThanOrEqual(1000);
    expect(results.every((r) => r.status === 403)).toBe(true);
    expect(writes).toBe(0);
    expect(JSON.stringify(storage.items)).toBe(before);
    expect(h.connector.calls).toEqual([]);
    expect(h.connector.unmatched).toEqual([]);
    expect(graphCalls).toBe(0);
    expect(h.exchanges.length - exchangesBefore).toBe(0);
    expect(tokenRequests).toBe(0);
    // Logged with ids, once per kind of refusal, not once per request.
    expect(warns).toBeGreaterThan(0);
    expect(warns).toBeLessThan(results.length / 4);
  }, 120_000);

  it('control: Megan from Teams in the allowed tenant still gets her card refreshed, and Adele still chats', async () => {
    const refreshed = await h.invoke(megan, 'refreshApproval', { pimbot: 'refreshApproval', requestId: gaRequest });
    expect(refreshed.status).toBe(200);
    expect(JSON.stringify(refreshed.body)).toContain('Global Administrator');
    h.connector.reset();
    expect(await h.say(adele, 'help')).toBe(200);
    expect(visibleText(h.connector.sentActivities().at(-1))).not.toBe('');
  });
});

/**
 * Production mode: botbuilder checks the signing key's endorsements against the activity's channelId, so
 * with channelId held to msteams, a token signed with a key endorsed only for webchat is refused (401), and
 * a webchat activity with a webchat-endorsed token passes botbuilder but not the front door (403).
 */
describe('front door (production: Bot Connector tokens, endorsements)', () => {
  const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
  const BOT_APP_ID = '5d1c3f9e-0000-4000-8000-000000000003';
  const TEAMS_KID = 'teams-endorsed-key';
  const WEBCHAT_KID = 'webchat-endorsed-key';
  let server: RunningServer;
  let teams: CaptureConnector;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  const storage = new CountingStorage();

  beforeAll(async () => {
    teams = await startCaptureConnector();
    server = await startApp(
      parseConfig({
        PIMBOT_MODE: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        MicrosoftAppId: BOT_APP_ID,
        MicrosoftAppPassword: fakeSecret('bot-app'),
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: TENANT_ID,
        AAD_APP_TENANT_ID: TENANT_ID,
        AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
        AAD_APP_CLIENT_SECRET: fakeSecret('entra-app'),
        OAUTH_CONNECTION_NAME: 'pimbot-sso',
        PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
        WATCHER_INTERVAL_SECONDS: '0',
      }),
      createLogger('silent'),
      { storage },
    );
    keys = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(keys.publicKey);
    // No internet: botbuilder's metadata cache is seeded with one key per endorsement, playing the Bot Connector's.
    const metadata = new JwtTokenExtractor({}, AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl, ['RS256'])
      .openIdMetadata as unknown as { keys: object[]; lastUpdated: number };
    metadata.keys = [
      { ...jwk, kid: TEAMS_KID, use: 'sig', endorsements: ['msteams'] },
      { ...jwk, kid: WEBCHAT_KID, use: 'sig', endorsements: ['webchat'] },
    ];
    metadata.lastUpdated = Date.now();
  });
  afterAll(async () => {
    await server?.shutdown('test over');
    await teams?.close();
  });

  const token = (kid: string) =>
    new SignJWT({
      iss: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      aud: BOT_APP_ID,
      serviceurl: teams.serviceUrl,
    } satisfies JWTPayload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(keys.privateKey);

  const activity = (channelId: string, tenantId: string) => ({
    type: 'message',
    id: randomUUID(),
    channelId,
    serviceUrl: teams.serviceUrl,
    from: { id: '29:1megan', aadObjectId: megan.id },
    recipient: { id: `28:${BOT_APP_ID}` },
    conversation: { id: 'a:1megan', conversationType: 'personal', tenantId },
    channelData: { tenant: { id: tenantId } },
    text: 'pending',
  });

  async function post(kid: string, body: object): Promise<number> {
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(kid)}` },
      body: JSON.stringify(body),
    });
    return res.status;
  }

  it('needs the msteams endorsement, a Teams channelId and an allowed tenant before anything is written', async () => {
    const mute = muteConsole();
    const cases: [string, string, object][] = [];
    for (let i = 0; i < 20; i++) {
      cases.push(['webchat-key-as-msteams', WEBCHAT_KID, activity('msteams', TENANT_ID)]);
      cases.push(['webchat-key-webchat', WEBCHAT_KID, activity('webchat', TENANT_ID)]);
      cases.push(['teams-key-webchat', TEAMS_KID, activity('webchat', TENANT_ID)]);
      cases.push(['teams-key-other-tenant', TEAMS_KID, activity('msteams', randomUUID())]);
    }
    let results: { kind: string; status: number }[];
    try {
      results = [];
      for (const [kind, kid, body] of cases) results.push({ kind, status: await post(kid, body) });
    } finally {
      mute.restore();
    }
    const byKind = [...new Set(results.map((r) => r.kind))].map(
      (k) => `${k} ${JSON.stringify(tally(results.filter((r) => r.kind === k).map((r) => r.status)))}`,
    );
    figure(
      'front-door-endorsement',
      `${results.length} signed activities: ${byKind.join('; ')}; ${storage.writes} state writes, ${teams.calls.length} connector calls`,
    );
    expect(results.filter((r) => r.kind === 'webchat-key-as-msteams').every((r) => r.status === 401)).toBe(true);
    expect(
      results.filter((r) => r.kind !== 'webchat-key-as-msteams').every((r) => r.status === 401 || r.status === 403),
    ).toBe(true);
    expect(results.filter((r) => r.kind === 'webchat-key-webchat').every((r) => r.status === 403)).toBe(true);
    expect(storage.writes).toBe(0);
    expect(teams.calls).toEqual([]);

    // Control: the Teams-endorsed key, a Teams activity of the allowed tenant, runs the turn (and stores the reference).
    const controlMute = muteConsole();
    try {
      expect(await post(TEAMS_KID, activity('msteams', TENANT_ID))).toBe(200);
    } finally {
      controlMute.restore();
    }
    expect(storage.writes).toBeGreaterThan(0);
  });
});
