import type { AccessToken, TokenCredential } from '@azure/identity';
import { type ConversationReference, MemoryStorage } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActivationFeed } from '../../src/notifications/activation-feed';
import { ActivationWatcher, type ActivationWatcherOptions } from '../../src/notifications/activation-watcher';
import { ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import { LICENCE_FIX, PERMISSION_FIX, PimAuditReader } from '../../src/pim/audit-reader';
import { DirectoryClient } from '../../src/pim/directory-client';
import { graphPermissionsOfType } from '../../src/pim/graph-permissions';
import { GraphTransport } from '../../src/pim/graph-transport';
import { PimActivityReader } from '../../src/pim/pim-reader';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import { ConversationReferenceStore } from '../../src/teams/conversation-references';
import type { GraphSimulator } from '../../simulators/graph';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { TenantFixture } from '../../simulators/tenant/tenant-fixture';
import { type Harness, startHarness } from '../simulators/graph/support';
import { TEST_RETRY } from '../support/pim-stack';
import { RecordingMessenger } from './recording-messenger';

/**
 * Issue 19: the activation watcher's Graph calls per tick grow with what changed, not with the tenant's
 * history. Against the Graph simulator over HTTPS, with an app token holding the permission table's
 * application permissions: PIM's directory audit entries name who changed, only their requests are read;
 * 10,000 historic requests change nothing per tick; without the audit log (403) it falls back and says
 * why once; the hourly full read catches an activation whose audit entry never came.
 */

const { requester: adele, approver: megan } = demoUsers;
const CHANNEL = '19:everything@thread.tacv2';
const MINUTE = 60_000;
const TABLE_ROLES = graphPermissionsOfType('Role').map((p) => p.name);

let h: Harness;
let sim: GraphSimulator;
let storage: MemoryStorage;
let feed: ActivationFeed;
let messenger: RecordingMessenger;
let logs: Array<{ level: number; msg: string; fix?: string }>;

const now = () => sim.clock.now();

/** The bot's app-only credential, as a token with exactly these application permissions. */
function appCredential(roles: readonly string[]): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({
      token: await h.appToken([...roles]),
      expiresOnTimestamp: Date.now() + 3_600_000,
    }),
  };
}

function newWatcher(roles: readonly string[] = TABLE_ROLES, options: Partial<ActivationWatcherOptions> = {}) {
  const graph = new GraphTransport({ credential: appCredential(roles), graphBaseUrl: sim.url, retry: TEST_RETRY });
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string; fix?: string }) },
  );
  return new ActivationWatcher({
    reader: new PimActivityReader(graph),
    directory: new DirectoryClient(graph),
    audit: new PimAuditReader(graph),
    storage,
    feed,
    ends: { ended: async () => {} },
    isBotMade: async () => false,
    logger,
    now,
    ...options,
  });
}

const paths = () => sim.calls().map((c) => `${c.method} ${decodeURIComponent(c.path.split('?')[0] ?? '')}`);
const AUDIT = 'GET /v1.0/auditLogs/directoryAudits';
const ROLE_REQUESTS = 'GET /v1.0/roleManagement/directory/roleAssignmentScheduleRequests';

/** The demo tenant plus 250 people eligible for Global Reader: a history spread over many principals, as in a real tenant. */
const HISTORY_USERS = Array.from({ length: 250 }, (_, i) => ({
  id: `a0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  displayName: `History User ${i}`,
  userPrincipalName: `history${i}@contoso.example`,
}));
const historyTenant: TenantFixture = {
  ...demoTenant,
  users: [...demoTenant.users, ...HISTORY_USERS],
  roleEligibilities: [
    ...demoTenant.roleEligibilities,
    ...HISTORY_USERS.map((u) => ({
      principalId: u.id,
      roleDefinitionId: demoRoles.globalReader,
      directoryScopeId: '/',
    })),
  ],
};

/** `count` historic portal activations, one per person per round, the clock moved past each round's end. */
function makeHistory(count: number): void {
  let made = 0;
  while (made < count) {
    for (const u of HISTORY_USERS) {
      if (made >= count) break;
      sim.activate({ principalId: u.id, roleDefinitionId: demoRoles.globalReader, duration: 'PT1H' });
      made++;
    }
    sim.clock.advance(2 * 3_600_000);
  }
}

beforeAll(async () => {
  h = await startHarness();
  sim = h.sim;
});
afterAll(() => h.close());
beforeEach(async () => {
  h.reset();
  await freshStores();
});

/** A new bot store: no watcher state, no feed records, one channel subscribed to every activation. */
async function freshStores(): Promise<void> {
  storage = new MemoryStorage();
  messenger = new RecordingMessenger(new ConversationReferenceStore(storage), now());
  const subscriptions = new ChannelSubscriptionStore(storage, now);
  feed = new ActivationFeed({
    requests: new PimRequestStore(storage),
    subscriptions,
    messenger,
    logger: pino({ level: 'silent' }),
    breakGlassIds: [],
    now,
  });
  logs = [];
  const reference: Partial<ConversationReference> = {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/emea/',
    bot: { id: '28:pimbot', name: 'PIM Bot' },
    conversation: { id: CHANNEL, isGroup: true, conversationType: 'channel', tenantId: demoTenant.tenantId, name: '' },
  };
  await subscriptions.subscribe(CHANNEL, { filters: [], by: { aadObjectId: megan.id }, reference });
}

/** The calls of the tick that announces one portal activation of Reports Reader by Adele. */
async function announcingTick(watcher: ActivationWatcher): Promise<string[]> {
  sim.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
  sim.resetCalls();
  expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
  return paths();
}

describe('the activation watcher on the audit path', () => {
  it('announces a portal activation from its audit entry: one audit read, then only that principal', async () => {
    const watcher = newWatcher();
    sim.resetCalls();
    await watcher.tick();
    expect(paths()).toEqual([AUDIT]);

    expect(await announcingTick(watcher)).toEqual([
      AUDIT,
      ROLE_REQUESTS,
      `GET /v1.0/users/${adele.id}`,
      `GET /v1.0/roleManagement/directory/roleDefinitions/${demoRoles.reportsReader}`,
      'GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances',
    ]);
    expect(decodeURIComponent(sim.calls()[1]?.path ?? '')).toContain(`$filter=principalId eq '${adele.id}'`);
    expect(messenger.posts.map((p) => p.channelId)).toEqual([CHANNEL]);
    expect(watcher.lastTick).toEqual({ mode: 'audit', principals: 1, passPages: 0 });
  });

  // The time limit is a hang guard sized to making 10,000 requests (about 3 s here), not a speed goal.
  it('10,000 historic requests: ticks succeed and cost the same calls as on an empty tenant', {
    timeout: 120_000,
  }, async () => {
    const fresh = await announcingTick(await started(newWatcher()));

    h.reset(historyTenant);
    await freshStores();
    makeHistory(10_000);
    // The whole listing is what failed before (the transport stops after 50 pages).
    const oldWay = new PimActivityReader(
      new GraphTransport({ credential: appCredential(TABLE_ROLES), graphBaseUrl: sim.url, retry: TEST_RETRY }),
    );
    await expect(oldWay.listRoleAssignmentRequests()).rejects.toMatchObject({ graphCode: 'TooManyPages' });

    const watcher = await started(newWatcher());
    const history = await announcingTick(watcher);
    console.log(`calls of the announcing tick: empty tenant ${fresh.length}, 10,000 requests ${history.length}`);
    expect(history).toEqual(fresh);

    // An hour later the full read runs behind the audit log, five pages a tick, until it is through.
    sim.clock.advance(61 * MINUTE);
    let ticks = 0;
    do {
      sim.resetCalls();
      await watcher.tick();
      ticks++;
      const listing = sim.calls().filter((c) => c.path.includes('roleAssignmentScheduleRequests?$select'));
      expect(listing.length).toBeLessThanOrEqual(5);
      expect(watcher.lastTick?.passPages).toBe(listing.length);
      expect(paths().filter((p) => p === AUDIT)).toHaveLength(1);
    } while ((watcher.lastTick?.passPages ?? 0) > 0 && ticks < 100);
    // 10,001 requests at the simulator's 100 per page: 101 pages, 5 a tick, then a tick with nothing left to read.
    expect(ticks).toBe(Math.ceil(Math.ceil(10_001 / 100) / 5) + 1);
    expect(messenger.posts).toHaveLength(1);
  });

  it('without AuditLog.Read.All: falls back to reading every request, and says why once', async () => {
    const watcher = newWatcher(TABLE_ROLES.filter((r) => r !== 'AuditLog.Read.All'));
    sim.resetCalls();
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    expect(paths().map((p, i) => `${p} ${sim.calls()[i]?.status}`)).toEqual([`${AUDIT} 403`, `${ROLE_REQUESTS} 200`]);
    // The audit log is not asked again within the hour: every request is read instead (no principal filter).
    expect(await announcingTick(watcher)).toEqual([
      ROLE_REQUESTS,
      `GET /v1.0/users/${adele.id}`,
      `GET /v1.0/roleManagement/directory/roleDefinitions/${demoRoles.reportsReader}`,
      'GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances',
    ]);
    expect(decodeURIComponent(sim.calls()[0]?.path ?? '')).not.toContain('principalId eq');
    expect(watcher.lastTick?.mode).toBe('requests');
    const warnings = logs.filter((l) => l.msg.includes('cannot read the directory audit log'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('Authentication_MSGraphPermissionMissing');
    expect(warnings[0]?.fix).toBe(PERMISSION_FIX);
  });

  it('a tenant without P1/P2: the same fallback, with the licence as the fix', async () => {
    sim.configureAuditLog({ premium: false });
    const watcher = await started(newWatcher());
    await announcingTick(watcher);
    expect(watcher.lastTick?.mode).toBe('requests');
    const warnings = logs.filter((l) => l.msg.includes('cannot read the directory audit log'));
    expect(warnings.map((w) => w.fix)).toEqual([LICENCE_FIX]);
    expect(warnings[0]?.msg).toContain('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
  });

  it('the hourly full read announces an activation whose audit entries never came', async () => {
    const watcher = await started(newWatcher());
    sim.configureAuditLog({ withhold: 2 });
    sim.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT2H' });
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    sim.clock.advance(30 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });

    sim.clock.advance(31 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
    expect(watcher.lastTick).toMatchObject({ mode: 'audit', passPages: 1 });
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    expect(messenger.posts).toHaveLength(1);
  });

  it('Graph refusing the category filter: the time filter alone, PIM entries picked by the client, said once', async () => {
    sim.configureAuditLog({ refuseCategoryFilter: true });
    const graph = new GraphTransport({
      credential: appCredential(TABLE_ROLES),
      graphBaseUrl: sim.url,
      retry: TEST_RETRY,
    });
    const shapes: string[] = [];
    const watcher = await started(newWatcher(TABLE_ROLES, { audit: new PimAuditReader(graph, (m) => shapes.push(m)) }));
    sim.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    sim.resetCalls();
    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
    const audits = sim.calls().filter((c) => c.path.startsWith('/v1.0/auditLogs/'));
    expect(audits.map((c) => c.status)).toEqual([200]);
    expect(decodeURIComponent(audits[0]?.path ?? '')).not.toContain('category');
    expect(shapes).toHaveLength(1);
    expect(shapes[0]).toContain('category');
  });

  it('an audit entry that shows up late, within the look-back, is still acted on', async () => {
    const watcher = await started(newWatcher());
    sim.configureAuditLog({ latencyMs: 8 * MINUTE });
    sim.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    sim.clock.advance(5 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    sim.clock.advance(5 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
  });
});

/** A watcher after its first tick (which only sets where watching begins). */
async function started(watcher: ActivationWatcher): Promise<ActivationWatcher> {
  expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
  return watcher;
}
