import { type Activity, type ConversationReference, MemoryStorage } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BREAK_GLASS_TITLE, EXTERNAL_SOURCE_TEXT } from '../../cards';
import { ActivationLifecycle } from '../../src/activation/activation-lifecycle';
import { appCredential } from '../../src/identity/graph-credentials';
import { ActivationFeed } from '../../src/notifications/activation-feed';
import { ActivationWatcher, type ActivationWatcherOptions } from '../../src/notifications/activation-watcher';
import { ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import type { ChannelRoute, Messenger, Notice, PostedMessage } from '../../src/notifications/messenger';
import { WATCHER_STATE_KEY, type WatcherState } from '../../src/notifications/watcher-state';
import { DirectoryClient } from '../../src/pim/directory-client';
import type { GraphExchangeRecord } from '../../src/pim/graph-middleware';
import { GraphTransport } from '../../src/pim/graph-transport';
import { PimAuditReader } from '../../src/pim/audit-reader';
import { PimActivityReader } from '../../src/pim/pim-reader';
import type { PimTargetRef } from '../../src/pim/pim-types';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import { MemoryScheduler } from '../../src/scheduler/memory-scheduler';
import { noticeActivity } from '../../src/teams/notice-activity';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { assertValidCard, factsOf, findById } from '../cards/card-validation';
import { type ContractViolation, formatViolations } from '../contract/graph-contract';
import { contractObserver } from '../support/contract-observer';
import { type PimTestStack, startPimTestStack, TEST_RETRY } from '../support/pim-stack';

/**
 * The activation watcher against the Graph simulator, with the bot's app-only token from the local
 * Entra authority: activations made "in the portal" (the simulator's control API) are announced once;
 * the bot's own requests are left to the bot; ends (expiry, self-deactivation) update the same cards.
 * Every Graph exchange is checked against Microsoft's OpenAPI description.
 */

const { requester: adele, approver: megan, breakGlass, admin: isaiah } = demoUsers;
const EVERYTHING = '19:everything@thread.tacv2';
const EXCHANGE_TEAM = '19:exchange@thread.tacv2';
const REPORTING = '19:reporting@thread.tacv2';
const SECURITY = '19:security@thread.tacv2';
const MINUTE = 60_000;

const reportsReader: PimTargetRef = {
  kind: 'role',
  roleDefinitionId: demoRoles.reportsReader,
  directoryScopeId: '/',
  displayName: 'Reports Reader',
};

const reference = (channelId: string): Partial<ConversationReference> => ({
  channelId: 'msteams',
  serviceUrl: 'https://smba.example/emea/',
  bot: { id: '28:pimbot', name: 'PIM Bot' },
  conversation: { id: channelId, isGroup: true, conversationType: 'channel', tenantId: demoTenant.tenantId, name: '' },
});

/** Records what would reach Teams, each card rendered as the Teams adapter renders it. */
class RecordingMessenger implements Messenger {
  readonly posts: Array<{ channelId: string; activity: Partial<Activity>; message: PostedMessage }> = [];
  readonly updates: Array<{ message: PostedMessage; activity: Partial<Activity> }> = [];
  private next = 0;

  async send(): Promise<PostedMessage> {
    throw new Error('the feed only posts to channels');
  }

  async sendToPerson(): Promise<PostedMessage> {
    throw new Error('the feed only posts to channels');
  }

  async teamsUserId(): Promise<string | undefined> {
    return undefined;
  }

  async postToChannel(channelId: string, notice: Notice, route: ChannelRoute = {}): Promise<PostedMessage> {
    const via = route.via ?? route.fallback;
    const id = `msg-${++this.next}`;
    const message = {
      conversation: { ...via, conversation: { id: `${channelId};messageid=${id}`, isGroup: true, name: '' } },
      activityId: id,
    } as PostedMessage;
    this.posts.push({ channelId, activity: noticeActivity(notice, { now: now() }), message });
    return message;
  }

  async update(message: PostedMessage, notice: Notice): Promise<void> {
    this.updates.push({ message, activity: noticeActivity(notice, { now: now() }) });
  }
}

const cardOf = (activity: Partial<Activity> | undefined): unknown => activity?.attachments?.[0]?.content;

let t: PimTestStack;
let graph: GraphTransport;
const exchanges: GraphExchangeRecord[] = [];
const violations: ContractViolation[] = [];

let storage: MemoryStorage;
let requests: PimRequestStore;
let messenger: RecordingMessenger;
let subscriptions: ChannelSubscriptionStore;
let feed: ActivationFeed;
let botRequests: Set<string>;
let askedIfBotMade: string[];

const now = () => t.stack.clock.now();

function newWatcher(overrides: Partial<ActivationWatcherOptions> = {}): ActivationWatcher {
  return new ActivationWatcher({
    reader: new PimActivityReader(graph),
    directory: new DirectoryClient(graph),
    audit: new PimAuditReader(graph),
    storage,
    feed,
    // The watcher's ends go where production sends them: the lifecycle records them and updates the cards.
    ends: new ActivationLifecycle({
      requests,
      scheduler: new MemoryScheduler({ logger: pino({ level: 'silent' }), now }),
      messenger,
      reader: new PimActivityReader(graph),
      feed,
      logger: pino({ level: 'silent' }),
      warningMinutes: 10,
      now,
    }),
    isBotMade: async (requestId) => {
      askedIfBotMade.push(requestId);
      return botRequests.has(requestId);
    },
    logger: pino({ level: 'silent' }),
    now,
    groupIds: [demoGroups.helpdeskBundle.id, demoGroups.securityOperators.id],
    ...overrides,
  });
}

beforeAll(async () => {
  t = await startPimTestStack();
  graph = new GraphTransport({
    credential: appCredential(t.entra),
    graphBaseUrl: t.stack.graph.url,
    retry: TEST_RETRY,
    // PIM paths held to the PIM description, the audit log to the features one.
    observer: contractObserver(exchanges, violations),
  });
});
afterAll(async () => {
  expect(exchanges.length).toBeGreaterThan(20);
  await t?.close();
});
beforeEach(async () => {
  t.stack.graph.loadFixture(demoTenant);
  t.stack.graph.clearFaults();
  storage = new MemoryStorage();
  requests = new PimRequestStore(storage);
  messenger = new RecordingMessenger();
  subscriptions = new ChannelSubscriptionStore(storage, now);
  feed = new ActivationFeed({
    requests,
    subscriptions,
    messenger,
    logger: pino({ level: 'silent' }),
    securityChannelId: SECURITY,
    breakGlassIds: [breakGlass.id],
    now,
  });
  botRequests = new Set();
  askedIfBotMade = [];
  for (const [channelId, filters] of [
    [EVERYTHING, []],
    [EXCHANGE_TEAM, ['Exchange']],
    [REPORTING, ['reports reader', 'Global Reader']],
  ] as const) {
    await subscriptions.subscribe(channelId, {
      filters: [...filters],
      by: { aadObjectId: isaiah.id },
      reference: reference(channelId),
      // With details, so the cards show what the watcher read from PIM (justification, ticket) too.
      details: true,
    });
  }
});
afterEach(() => {
  expect(violations, formatViolations(violations)).toEqual([]);
  expect(t.violations, t.contractReport()).toEqual([]);
  violations.length = 0;
  t.violations.length = 0;
});

describe('ActivationWatcher.tick', () => {
  it('announces an activation made in the portal once, across two ticks', async () => {
    const request = t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.reportsReader,
      duration: 'PT1H',
      justification: 'monthly sign-in report',
    });
    const watcher = newWatcher();

    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, REPORTING].sort());
    const card = cardOf(messenger.posts[0]?.activity);
    assertValidCard(card);
    expect(findById(card, 'feed-target').text).toBe('Reports Reader');
    expect(findById(card, 'feed-state').text).toBe('Active');
    expect(factsOf(card, 'feed-facts')).toMatchObject({
      Who: 'Adele Vance (adele@contoso.example)',
      Scope: 'Directory (tenant-wide)',
      Duration: '1 hour',
      Justification: 'monthly sign-in report',
      Approval: EXTERNAL_SOURCE_TEXT,
    });
    expect(await requests.get(String(request.id))).toMatchObject({
      source: 'external',
      requester: { aadObjectId: adele.id },
      scheduleId: request.targetScheduleId,
    });

    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    // A second instance (same storage) does not announce it again either.
    expect(await newWatcher().tick()).toEqual({ announced: 0, ended: 0 });
    expect(messenger.posts).toHaveLength(2);
  });

  it("leaves PIM Bot's own requests to the bot", async () => {
    const pim = await t.clientFor(adele);
    const botMade = await pim.activate({
      target: { kind: 'role', roleDefinitionId: demoRoles.exchangeAdministrator, directoryScopeId: '/' },
      durationMinutes: 60,
      justification: 'fix mailbox rules',
    });
    botRequests.add(botMade.id);
    const portal = t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.reportsReader,
      duration: 'PT1H',
    });

    expect(await newWatcher().tick()).toEqual({ announced: 1, ended: 0 });
    expect(askedIfBotMade.sort()).toEqual([botMade.id, String(portal.id)].sort());
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, REPORTING].sort());
    expect(await requests.get(botMade.id)).toBeUndefined();

    // Skipped once is skipped for good: the bot is not asked again.
    await newWatcher().tick();
    expect(askedIfBotMade).toHaveLength(2);
  });

  it('an activation that runs out: the same cards are updated to expired, once', async () => {
    t.stack.graph.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    const watcher = newWatcher();
    await watcher.tick();
    const posted = messenger.posts.map((p) => p.message.activityId).sort();

    t.stack.clock.advance(30 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    expect(messenger.updates).toEqual([]);

    t.stack.clock.advance(31 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 1 });
    expect(messenger.updates.map((u) => u.message.activityId).sort()).toEqual(posted);
    for (const update of messenger.updates) {
      const card = cardOf(update.activity);
      assertValidCard(card);
      expect(findById(card, 'feed-state').text).toBe('Expired');
    }

    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    expect(messenger.updates).toHaveLength(2);
    expect(await feed.open()).toEqual([]);
  });

  it('a self-deactivation: the same cards say deactivated, and when', async () => {
    const request = t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.reportsReader,
      duration: 'PT2H',
    });
    const watcher = newWatcher();
    await watcher.tick();

    t.stack.clock.advance(6 * MINUTE);
    const deactivatedAt = now();
    await (await t.clientFor(adele)).deactivate(reportsReader);
    t.stack.clock.advance(MINUTE);

    expect(await watcher.tick()).toEqual({ announced: 0, ended: 1 });
    expect(messenger.updates.map((u) => u.message.activityId).sort()).toEqual(
      messenger.posts.map((p) => p.message.activityId).sort(),
    );
    const card = cardOf(messenger.updates[0]?.activity);
    assertValidCard(card);
    expect(findById(card, 'feed-state').text).toBe('Deactivated');
    expect(factsOf(card, 'feed-facts')['Deactivated at']).toMatch(/\d\d:\d\d UTC$/);
    // The time comes from the selfDeactivate request, not from when the tick ran (a minute later).
    const record = await requests.get(String(request.id));
    expect(record?.status).toBe('deactivated');
    expect(Math.abs(Date.parse(record?.endedAt ?? '') - deactivatedAt.getTime())).toBeLessThan(1_000);
  });

  it('announces PIM for Groups activations of the watched groups', async () => {
    t.stack.graph.activate({
      principalId: adele.id,
      groupId: demoGroups.helpdeskBundle.id,
      accessId: 'member',
      duration: 'PT1H',
      justification: 'password resets',
    });
    expect(await newWatcher({ groupIds: [] }).tick()).toEqual({ announced: 0, ended: 0 });

    expect(await newWatcher().tick()).toEqual({ announced: 1, ended: 0 });
    expect(messenger.posts.map((p) => p.channelId)).toEqual([EVERYTHING]);
    const card = cardOf(messenger.posts[0]?.activity);
    expect(findById(card, 'feed-target').text).toBe('RAG - Helpdesk Admins');
    expect(findById(card, 'feed-title').text).toBe('Group activation');
    expect(factsOf(card, 'feed-facts')).toMatchObject({ Scope: 'Group membership', Duration: '1 hour' });

    t.stack.clock.advance(61 * MINUTE);
    expect(await newWatcher().tick()).toEqual({ announced: 0, ended: 1 });
    expect(findById(cardOf(messenger.updates[0]?.activity), 'feed-state').text).toBe('Expired');
  });

  it('an activation approved later is announced when approved, starting then', async () => {
    // Made with Adele's own token, as PowerShell would (not by the bot), and approved by Megan 20 minutes later.
    const request = await (await t.clientFor(adele)).activate({
      target: { kind: 'role', roleDefinitionId: demoRoles.globalAdministrator, directoryScopeId: '/' },
      durationMinutes: 60,
      justification: 'incident 4711',
      ticket: { ticketNumber: 'INC-4711', ticketSystem: 'ServiceNow' },
    });
    expect(request.status).toBe('PendingApproval');
    const watcher = newWatcher();
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });

    t.stack.clock.advance(20 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    // Followed beyond the look-back window, whatever Graph puts in completedDateTime on approval.
    expect(Object.keys((await watcherState()).waiting ?? {})).toEqual([request.id]);
    const approvedAt = now();
    await (await t.clientFor(megan)).decide('role', request.approvalId ?? '', 'Approve', 'go ahead');

    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
    const card = cardOf(messenger.posts[0]?.activity);
    expect(factsOf(card, 'feed-facts')).toMatchObject({
      Justification: 'incident 4711',
      Ticket: 'INC-4711 (ServiceNow)',
      Duration: '1 hour',
      Approval: EXTERNAL_SOURCE_TEXT,
    });
    const record = await requests.get(request.id);
    expect(Math.abs(Date.parse(record?.activeFrom ?? '') - approvedAt.getTime())).toBeLessThan(1_000);
  });

  it('a denied request is never announced and stops being followed', async () => {
    const request = await (await t.clientFor(adele)).activate({
      target: { kind: 'role', roleDefinitionId: demoRoles.globalAdministrator, directoryScopeId: '/' },
      durationMinutes: 60,
      justification: 'just because',
      ticket: { ticketNumber: 'INC-1' },
    });
    const watcher = newWatcher();
    await watcher.tick();
    await (await t.clientFor(megan)).decide('role', request.approvalId ?? '', 'Deny', 'no incident');
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    expect(messenger.posts).toEqual([]);
    expect((await watcherState()).waiting).toEqual({});
  });

  it('a scheduled activation is announced when it starts', async () => {
    t.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.reportsReader,
      duration: 'PT1H',
      startDateTime: new Date(now().getTime() + 30 * MINUTE).toISOString(),
    });
    const watcher = newWatcher();
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });
    t.stack.clock.advance(31 * MINUTE);
    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
  });

  it('does not replay history on its first tick: only the last few minutes are looked at', async () => {
    t.stack.graph.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    t.stack.clock.advance(10 * MINUTE);
    const watcher = newWatcher();
    expect(await watcher.tick()).toEqual({ announced: 0, ended: 0 });

    t.stack.graph.activate({ principalId: adele.id, roleDefinitionId: demoRoles.globalReader, duration: 'PT1H' });
    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
    expect(findById(cardOf(messenger.posts[0]?.activity), 'feed-target').text).toBe('Global Reader');
  });

  it('a break-glass account activation goes, urgent, to the security channel', async () => {
    t.stack.graph.loadFixture({
      ...demoTenant,
      roleEligibilities: [
        ...demoTenant.roleEligibilities,
        { principalId: breakGlass.id, roleDefinitionId: demoRoles.securityAdministrator, directoryScopeId: '/' },
      ],
    });
    t.stack.graph.activate({
      principalId: breakGlass.id,
      roleDefinitionId: demoRoles.securityAdministrator,
      duration: 'PT1H',
    });
    expect(await newWatcher().tick()).toEqual({ announced: 1, ended: 0 });
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, SECURITY].sort());
    const card = cardOf(messenger.posts.find((p) => p.channelId === SECURITY)?.activity);
    assertValidCard(card);
    expect(findById(card, 'feed-title').text).toBe(BREAK_GLASS_TITLE);
    expect(findById(card, 'feed-header').style).toBe('attention');
  });

  it('Graph calls per tick: the audit log (roles, and groups when some are watched), then only what changed', async () => {
    const watcher = newWatcher();
    t.stack.graph.resetCalls();
    await watcher.tick();
    const paths = () =>
      t.stack.graph.calls().map((c) => `${c.method} ${decodeURIComponent(c.path.split('?')[0] ?? '')}`);
    const AUDIT = 'GET /v1.0/auditLogs/directoryAudits';
    // Nothing changed: one audit read per kind, no request listing (the full read waits an hour).
    expect(paths()).toEqual([AUDIT, AUDIT]);
    expect(t.stack.graph.calls().every((c) => c.status === 200)).toBe(true);
    const queries = () => t.stack.graph.calls().map((c) => decodeURIComponent(c.path.split('?')[1] ?? ''));
    expect(queries()[0]).toContain("$filter=category eq 'RoleManagement' and activityDateTime ge ");
    expect(queries()[1]).toContain("$filter=category eq 'GroupManagement' and activityDateTime ge ");

    t.stack.graph.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    t.stack.graph.resetCalls();
    await watcher.tick();
    // Announcing: her requests (the audit log named her), her name, the role's name, her role instances (start and end), once each.
    expect(paths()).toEqual([
      AUDIT,
      AUDIT,
      'GET /v1.0/roleManagement/directory/roleAssignmentScheduleRequests',
      `GET /v1.0/users/${adele.id}`,
      `GET /v1.0/roleManagement/directory/roleDefinitions/${demoRoles.reportsReader}`,
      'GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances',
    ]);
    // Request and instance lists are scoped to the principal (documented eq on principalId).
    expect(queries()[2]).toContain(`$filter=principalId eq '${adele.id}'`);
    expect(queries()[5]).toContain(`$filter=principalId eq '${adele.id}'`);

    t.stack.graph.resetCalls();
    await watcher.tick();
    // Her entries were acted on already: only the open activation's instances.
    expect(paths()).toEqual([AUDIT, AUDIT, 'GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances']);
  });

  it('a failing Graph read fails the tick and loses nothing: the next tick announces', async () => {
    t.stack.graph.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    t.stack.graph.injectFault({ kind: 'status', status: 503, count: 10 });
    const watcher = newWatcher();
    await expect(watcher.tick()).rejects.toThrow();
    t.stack.graph.clearFaults();
    expect(await watcher.tick()).toEqual({ announced: 1, ended: 0 });
  });
});

async function watcherState(): Promise<WatcherState> {
  const items = await storage.read([WATCHER_STATE_KEY]);
  return (items[WATCHER_STATE_KEY] as { value: WatcherState }).value;
}
