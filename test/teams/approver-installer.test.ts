import { MemoryStorage } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOT_APPLICATION_PERMISSIONS } from '../../simulators/demo-app';
import { demoTeamsApp, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { appCredential } from '../../src/identity/graph-credentials';
import { GraphTransport } from '../../src/pim/graph-transport';
import { ApproverInstaller } from '../../src/teams/approver-installer';
import { ConversationReferenceStore } from '../../src/teams/conversation-references';
import { TeamsAppInstallations } from '../../src/teams/teams-app-installations';
import { GraphContract } from '../contract/graph-contract';
import { type BotHarness, cardActions, startBotHarness } from '../support/bot-harness';
import type { CapturedCall } from '../support/capture-connector';
import { submitPendingRequest } from '../support/pending-request';

/**
 * Issue 15, "approvers always reached": an approver who never chatted with PIM Bot still gets the approval
 * card. Over HTTP: the requester's activity in, the bot's Graph calls to the simulator (held to Microsoft's
 * description of the Teams endpoints, features-openapi-v1.0.yaml), the card out through the capture
 * connector, which refuses a chat with anyone who has not got the app, as Teams does.
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
const INSTALL = 'TeamsAppInstallation.ReadWriteSelfForUser.All';
const features = GraphContract.load({ family: 'features' });
const REACH = { TEAMS_APP_ID: demoTeamsApp.externalId, INSTALL_FOR_APPROVERS: 'true' };

interface LogLine {
  level: number;
  msg: string;
  graphStatus?: number;
  graphCode?: string;
  approver?: string;
  outcome?: string;
}

/** A harness whose connector knows who has the app (the Graph simulator's installations) and whose logs are kept. */
async function start(permissions?: readonly string[]): Promise<Started> {
  const logs: LogLine[] = [];
  const storage = new MemoryStorage();
  const h = await startBotHarness(REACH, {
    logDestination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
    logLevel: 'info',
    applicationPermissions: permissions,
    storage,
  });
  h.connector.hasApp = (id) =>
    h.stack.graph.teamsAppInstallations().some((i) => i.userId === id && i.teamsAppId === demoTeamsApp.id);
  return { h, logs, storage };
}

interface Started {
  h: BotHarness;
  logs: LogLine[];
  /** The bot's storage: each test starts with no chat known for the approvers. */
  storage: MemoryStorage;
}

async function reset({ h, logs, storage }: Started): Promise<void> {
  await storage.delete([megan, nestor].map((u) => `refs/user/${u.id.toLowerCase()}`));
  h.stack.graph.loadFixture(demoTenant);
  h.stack.graph.resetCalls();
  h.stack.graph.clearFaults();
  h.newConversations();
  h.connector.reset();
  h.exchanges.length = 0;
  logs.length = 0;
}

/** Every Graph exchange with the Teams endpoints, held to the features description. */
function teamsExchangeViolations(h: BotHarness): string[] {
  return h.exchanges
    .filter((x) => /\/teamwork\/installedApps|\/appCatalogs\//.test(new URL(x.url).pathname))
    .flatMap((x) => features.check(x))
    .map((v) => `${v.method} ${v.path} ${v.status ?? ''}: ${v.message}`);
}

const installsFor = (h: BotHarness, user: FixtureUser) =>
  h.stack.graph
    .calls()
    .filter((c) => c.method === 'POST' && c.path.endsWith(`/users/${user.id}/teamwork/installedApps`));

/** The approval card the connector received in the approver's 1:1 chat as Graph names it ("19:…_{userId}@unq.gbl.spaces"). */
function cardInGraphChat(h: BotHarness, user: FixtureUser): CapturedCall | undefined {
  return h.connector.calls.find(
    (c) =>
      (c.operation === 'send' || c.operation === 'reply') &&
      !c.failedWith &&
      c.conversationId.endsWith(`_${user.id}@unq.gbl.spaces`) &&
      cardActions(c.body).some((a) => a.verb === 'approve'),
  );
}

/** Polls the simulator's call log (an event the test waits for; no fixed sleep). */
async function waitForGraphCall(h: BotHarness, match: (path: string, method: string) => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!h.stack.graph.calls().some((c) => match(c.path, c.method))) {
    if (Date.now() > deadline) throw new Error('the Graph call did not come');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('with TeamsAppInstallation.ReadWriteSelfForUser.All', () => {
  let started: Started;
  let h: BotHarness;
  let logs: LogLine[];
  beforeAll(async () => {
    started = await start();
    ({ h, logs } = started);
  });
  afterAll(async () => h?.close());
  beforeEach(() => reset(started));
  afterEach(() => {
    expect(h.violations, h.contractReport()).toEqual([]);
    expect(teamsExchangeViolations(h)).toEqual([]);
    expect(h.connector.unmatched).toEqual([]);
  });

  it('installs PIM Bot for approvers who never chatted with it, then posts their card in that chat; once', async () => {
    const ours = () => h.stack.graph.teamsAppInstallations().filter((i) => i.teamsAppId === demoTeamsApp.id);
    expect(ours().map((i) => i.userId)).toEqual([adele.id]);
    await submitPendingRequest(h, adele, 'activate Global Administrator 2h CHG-1042 conditional access change');

    for (const approver of [megan, nestor]) {
      expect(installsFor(h, approver)).toHaveLength(1);
      expect(installsFor(h, approver)[0]?.status).toBe(201);
      expect(cardInGraphChat(h, approver), `${approver.displayName}'s card`).toBeDefined();
    }
    // Graph now lists the app for both: the connector would let a chat be opened with them.
    expect(ours().map((i) => i.userId)).toEqual(expect.arrayContaining([megan.id, nestor.id]));
    expect(h.connector.calls.filter((c) => c.failedWith)).toEqual([]);
    expect(logs.filter((l) => l.outcome === 'installed').map((l) => l.approver)).toEqual(
      expect.arrayContaining([megan.id, nestor.id]),
    );

    // A second approval for the same approvers: the chat is remembered, nothing is installed again.
    h.connector.reset();
    await submitPendingRequest(h, adele, 'activate Security Administrator 1h CHG-1043 defender policy review');
    expect(installsFor(h, megan)).toHaveLength(1);
    expect(installsFor(h, nestor)).toHaveLength(1);
    expect(cardInGraphChat(h, megan)).toBeDefined();
    expect(cardInGraphChat(h, nestor)).toBeDefined();
  });

  it('an approver who already has the app (no chat known to the bot) gets the card without an install', async () => {
    h.stack.graph.installTeamsApp(nestor.id, demoTeamsApp.id);
    await submitPendingRequest(h, adele, 'activate Teams Administrator 1h rollout of meeting policies');
    expect(installsFor(h, nestor)).toEqual([]);
    expect(cardInGraphChat(h, nestor)).toBeDefined();
    expect(logs.find((l) => l.approver === nestor.id && l.outcome)?.outcome).toBe('alreadyInstalled');
  });

  it('409 Conflict (installed between the bot’s look and its install) counts as installed: the card goes out', async () => {
    // Every Graph call is slowed, so the test can install the app after the bot looked and before it installs.
    h.stack.graph.injectFault({ kind: 'latency', ms: 150 });
    const submitting = submitPendingRequest(h, adele, 'activate Teams Administrator 1h rollout of meeting policies');
    await waitForGraphCall(
      h,
      (path, method) => method === 'GET' && path.includes(`/users/${nestor.id}/teamwork/installedApps`),
    );
    expect(h.stack.graph.installTeamsApp(nestor.id, demoTeamsApp.id)).toBe(true);
    await submitting;
    h.stack.graph.clearFaults();

    expect(installsFor(h, nestor).map((c) => c.status)).toEqual([409]);
    expect(cardInGraphChat(h, nestor)).toBeDefined();
    expect(logs.find((l) => l.approver === nestor.id && l.outcome)?.outcome).toBe('alreadyInstalled');
  }, 60_000);

  it('two deliveries asking at once for the same new approver install once (real Graph calls, one single flight)', async () => {
    const refs = new ConversationReferenceStore(new MemoryStorage());
    const entra = {
      tenantId: h.stack.fixture.tenantId,
      clientId: h.stack.botApp.clientId,
      clientSecret: h.stack.botApp.clientSecret,
      authorityHost: h.stack.authority.url,
    };
    const graph = new GraphTransport({ credential: appCredential(entra), graphBaseUrl: h.stack.graph.url });
    const installer = new ApproverInstaller({
      installations: new TeamsAppInstallations(graph, h.stack.graph.url),
      refs,
      settings: { teamsAppId: demoTeamsApp.externalId },
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
    });
    const via = {
      channelId: 'msteams',
      serviceUrl: h.connector.serviceUrl,
      bot: { id: '28:pim-bot' },
      conversation: { id: 'a:adele', tenantId: h.stack.fixture.tenantId },
    };
    const person = { aadObjectId: megan.id, name: megan.displayName };

    const outcomes = await Promise.all([
      installer.prepare(person, via, adele.id),
      installer.prepare(person, via, adele.id),
    ]);
    expect(outcomes).toEqual(['installed', 'installed']);
    expect(installsFor(h, megan)).toHaveLength(1);
    expect((await refs.user(megan.id))?.conversation?.id).toMatch(new RegExp(`_${megan.id}@unq\\.gbl\\.spaces$`));
    expect(await installer.prepare(person, via, adele.id)).toBe('known');
    expect(installsFor(h, megan)).toHaveLength(1);
  });
});

describe('without the permission (403)', () => {
  let started: Started;
  let h: BotHarness;
  let logs: LogLine[];
  beforeAll(async () => {
    started = await start(BOT_APPLICATION_PERMISSIONS.filter((p) => p !== INSTALL));
    ({ h, logs } = started);
  });
  afterAll(async () => h?.close());
  beforeEach(() => reset(started));
  afterEach(() => {
    expect(h.violations, h.contractReport()).toEqual([]);
    expect(h.connector.unmatched).toEqual([]);
  });

  it('logs Graph’s code with the fix, and the approver who has a chat still gets the card', async () => {
    await h.say(nestor, 'help'); // Nestor has opened PIM Bot: the bot knows his chat.
    h.connector.reset();
    await submitPendingRequest(h, adele, 'activate Global Administrator 2h CHG-1042 conditional access change');

    const refused = logs.find((l) => l.graphStatus === 403);
    expect(refused).toMatchObject({ graphCode: 'Forbidden', approver: megan.id });
    expect(refused?.msg).toContain(INSTALL);
    expect(refused?.msg).toContain('INSTALL_FOR_APPROVERS=false');
    expect(logs.filter((l) => l.graphStatus === 403)).toHaveLength(1);
    expect(teamsExchangeViolations(h)).toEqual([]);

    // Nestor's card went to his chat; Megan's chat could not be opened (Teams: not in the roster).
    const nestorCard = h.connector.calls.find(
      (c) =>
        c.conversationId === h.personalConversationId(nestor) && cardActions(c.body).some((a) => a.verb === 'approve'),
    );
    expect(nestorCard).toBeDefined();
    const megansChat = h.connector.calls.find(
      (c) => c.operation === 'createConversation' && JSON.stringify(c.body.members).includes(megan.id),
    );
    expect(megansChat?.failedWith).toBe(403);
    // Graph refused at the first look (listing needs the permission too): nothing was installed.
    const looks = h.stack.graph.calls().filter((c) => c.path.includes(`/users/${megan.id}/teamwork/installedApps`));
    expect(looks.map((c) => `${c.method} ${c.status}`)).toEqual(['GET 403']);
  });
});
