import { randomUUID } from 'node:crypto';
import type { Activity, Storage } from 'botbuilder';
import { pino } from 'pino';
import { type RunningApp, startApp } from '../../src/app';
import { MemoryScheduler } from '../../src/scheduler/memory-scheduler';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import type { GraphExchangeRecord } from '../../src/pim/graph-middleware';
import type { ManualClock } from '../../simulators/clock';
import { demoBotApplication } from '../../simulators/demo-app';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { type ContractViolation, formatViolations } from '../contract/graph-contract';
import { type CaptureConnector, startCaptureConnector } from './capture-connector';
import { contractObserver } from './contract-observer';
import { PUBLIC_BASE_URL, PUBLIC_CALLBACK_URL, viaFrontDoor } from './front-door';
import { testCertificateAuthority } from './local-ca';

export interface BotHarness {
  stack: LocalStack;
  connector: CaptureConnector;
  bot: RunningApp;
  /** Where the bot listens (the port the kernel gave it): tests post here. */
  botUrl: string;
  /** A URL the bot gave out under its public base URL (a step-up link), sent to the bot: `browse`'s rewriteUrl. */
  viaFrontDoor(url: string): string;
  violations: ContractViolation[];
  exchanges: GraphExchangeRecord[];
  /** The 1:1 conversation id of a user with the bot (changes with newConversations). */
  personalConversationId(user: FixtureUser): string;
  /** Posts a Teams activity from the user into their 1:1 chat with the bot; resolves with the HTTP status. */
  say(user: FixtureUser, text: string, extra?: Partial<Activity>): Promise<number>;
  /** Clicks an Action.Submit: a message with `value`. */
  submit(user: FixtureUser, value: Record<string, unknown>): Promise<number>;
  /**
   * Posts an Action.Execute invoke; resolves with the HTTP status and the invoke response body. `extra` overrides
   * activity fields (e.g. `locale: 'de-DE'` for a German Teams client).
   */
  invoke(
    user: FixtureUser,
    verb: string,
    data: Record<string, unknown>,
    extra?: Partial<Activity>,
  ): Promise<{ status: number; body: unknown }>;
  post(activity: Partial<Activity>): Promise<{ status: number; body: unknown }>;
  /** Starts fresh 1:1 conversations (no dialog left over from an earlier test). */
  newConversations(): void;
  contractReport(): string;
  /** Requests the local Entra authority received, by route (token requests by grant type), oldest first. */
  authorityRequests: string[];
  /** The bot's jobs (in memory, on the simulator's clock). */
  jobs: MemoryScheduler;
  close(): Promise<void>;
}

export interface BotHarnessOptions {
  /** Where the bot's logs go, through the production logger (redaction included), at `logLevel` (default trace). */
  logDestination?: pino.DestinationStream;
  logLevel?: string;
  /** The bot's storage (default: a new MemoryStorage), for tests that read what the bot keeps. */
  storage?: Storage;
  /** The bot's own Graph call logging instead of the harness's contract-checking observer (no `exchanges`). */
  productionGraphObserver?: boolean;
  /** The app registration's Graph application permissions (default: the demo app's), e.g. one left out. */
  applicationPermissions?: readonly string[];
  /**
   * The simulated tenant's clock, which the bot and its jobs follow (default: one running at real time). A
   * ManualClock built with a start stands still until the test moves it: no timed job (the approval
   * reconciliation every 15 s, reminders) falls due while a test counts what its own requests did.
   */
  clock?: ManualClock;
}

/** The whole product on loopback: local authority, Graph simulator, the bot in playground mode, a capture connector. */
export async function startBotHarness(
  extraConfig: Record<string, string> = {},
  options: BotHarnessOptions = {},
): Promise<BotHarness> {
  const ca = testCertificateAuthority();
  // The authority logs one 'entra request' line per request: counted, nothing written.
  const authorityRequests: string[] = [];
  const stackLogger = pino(
    { level: 'info' },
    {
      write(line: string) {
        if (!line.includes('"entra request"')) return;
        const entry = JSON.parse(line) as { route?: string; grantType?: string };
        authorityRequests.push(entry.grantType ? `token:${entry.grantType}` : (entry.route ?? 'unknown'));
      },
    },
  );
  // The step-up redirect URI is the public one: the bot's own port is known only once it listens.
  const botApp = demoBotApplication([PUBLIC_CALLBACK_URL]);
  const stack = await startLocalStack({
    ca,
    botApp: options.applicationPermissions
      ? { ...botApp, graphApplicationPermissions: [...options.applicationPermissions] }
      : botApp,
    logger: stackLogger,
    clock: options.clock,
  });
  const connector = await startCaptureConnector();
  const violations: ContractViolation[] = [];
  const exchanges: GraphExchangeRecord[] = [];
  const observer = contractObserver(exchanges, violations);
  const config = parseConfig({
    PIMBOT_MODE: 'playground',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    AAD_APP_TENANT_ID: stack.fixture.tenantId,
    AAD_APP_CLIENT_ID: stack.botApp.clientId,
    AAD_APP_CLIENT_SECRET: stack.botApp.clientSecret,
    AAD_APP_OAUTH_AUTHORITY_HOST: stack.authority.url,
    GRAPH_BASE_URL: stack.graph.url,
    PUBLIC_BASE_URL,
    TICKET_SYSTEM: 'ServiceNow',
    ...extraConfig,
  });
  // PIMBOT_TEST_LOG=debug shows the bot's logs while debugging a test.
  const logger = options.logDestination
    ? createLogger(options.logLevel ?? 'trace', options.logDestination)
    : pino({ level: process.env.PIMBOT_TEST_LOG ?? 'silent' });
  // Jobs (approval cards, reminders, follow-ups, expiry warnings) run on the simulated tenant's clock: a
  // test moves the clock and calls `jobs.runDue()`; every activity posted runs those due by its end.
  const jobs = new MemoryScheduler({ logger, now: () => stack.clock.now(), pollIntervalMs: 200 });
  const bot = await startApp(config, logger, {
    scheduler: jobs,
    graphObserver: options.productionGraphObserver ? undefined : observer,
    storage: options.storage,
    // The bot's clock for approvals, the feed and the watcher follows the simulated tenant's.
    now: () => stack.clock.now(),
  });
  const botUrl = bot.url;

  let generation = 0;
  const base = (user: FixtureUser): Partial<Activity> => ({
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: `29:${user.id}`, aadObjectId: user.id, name: user.displayName },
    recipient: { id: '28:pim-bot', name: 'PIM Bot' },
    conversation: {
      id: `a:personal-${user.id}-${generation}`,
      conversationType: 'personal',
      tenantId: stack.fixture.tenantId,
      isGroup: false,
      name: '',
    },
    channelData: { tenant: { id: stack.fixture.tenantId } },
    localTimezone: 'Europe/Berlin',
    locale: 'en-GB',
  });

  const post = async (activity: Partial<Activity>) => {
    const res = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: randomUUID(), timestamp: new Date().toISOString(), ...activity }),
    });
    const text = await res.text();
    // Work the turn scheduled for now (approval cards, the follow-up after a decision) runs at once in
    // production; here it is finished before the test looks.
    await jobs.runDue();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body };
  };

  return {
    authorityRequests,
    jobs,
    stack,
    connector,
    bot,
    botUrl,
    viaFrontDoor: viaFrontDoor(botUrl),
    violations,
    exchanges,
    post,
    personalConversationId: (user) => `a:personal-${user.id}-${generation}`,
    newConversations() {
      generation++;
    },
    async say(user, text, extra = {}) {
      return (await post({ ...base(user), type: 'message', text, ...extra })).status;
    },
    async submit(user, value) {
      return (await post({ ...base(user), type: 'message', value })).status;
    },
    async invoke(user, verb, data, extra = {}) {
      return post({
        ...base(user),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        ...extra,
      });
    },
    contractReport: () => formatViolations(violations),
    async close() {
      await bot.shutdown('test over');
      await connector.close();
      await stack.close();
    },
  };
}

/**
 * What puts a message in a team channel instead of the 1:1 chat (Teams sends the channel's id in
 * channelData and a conversation id of `<channel>;messageid=<thread root>`): the `extra` of `say`.
 */
export function channelThread(channelId: string, tenantId: string, name = 'General'): Partial<Activity> {
  return {
    conversation: { id: `${channelId};messageid=1`, conversationType: 'channel', tenantId, isGroup: true, name },
    channelData: { channel: { id: channelId }, tenant: { id: tenantId } },
  };
}

/** All text a card or message shows (TextBlocks, facts, action titles, input labels), for assertions. */
export function visibleText(activity: Partial<Activity> | undefined): string {
  if (!activity) return '';
  const parts: string[] = [];
  if (activity.text) parts.push(activity.text);
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'value', 'label']) if (typeof o[key] === 'string') parts.push(o[key] as string);
    for (const [key, v] of Object.entries(o)) if (key !== 'data' && typeof v === 'object') walk(v);
  };
  for (const a of activity.attachments ?? []) walk(a.content);
  return parts.join('\n');
}

/** The Action.Submit / Action.Execute data objects of an activity's cards. */
export function cardActions(
  activity: Partial<Activity> | undefined,
): Array<{ type: string; title?: string; verb?: string; data?: Record<string, unknown>; url?: string }> {
  const found: Array<{ type: string; title?: string; verb?: string; data?: Record<string, unknown>; url?: string }> =
    [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.')) {
      found.push({
        type: o.type,
        title: o.title as string | undefined,
        verb: o.verb as string | undefined,
        data: o.data as Record<string, unknown> | undefined,
        url: o.url as string | undefined,
      });
    }
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  for (const a of activity?.attachments ?? []) walk(a.content);
  return found;
}
