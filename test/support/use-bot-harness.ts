import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { demoTenant } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser, TenantFixture } from '../../simulators/tenant/tenant-fixture';
import { assertValidCard } from '../cards/card-validation';
import { type BotHarness, type BotHarnessOptions, startBotHarness } from './bot-harness';

/**
 * The life of a bot harness in a test file (or describe): one bot started for it and closed after it (or one
 * per test, `botPerTest`), and every test starting from the same place, so the tests pass in any order:
 * - before each test: the jobs the test before left due run, the tenant is loaded afresh into the Graph
 *   simulator, new 1:1 conversations, the `knownUsers` greet the bot (so it knows their chats, as approvers'
 *   must be), then the connector's and the simulator's call logs are emptied;
 * - after each test: no Graph exchange outside Microsoft's contract, no call to the Bot Connector the
 *   capture server did not know, and every Adaptive Card the bot sent valid.
 */
export interface BotHarnessUse {
  /** Settings (environment variables) on top of the harness's own. */
  config?: Record<string, string>;
  options?: BotHarnessOptions;
  /** The tenant the Graph simulator holds (default: the demo tenant). */
  tenant?: TenantFixture;
  /** Users who say 'help' to the bot before each test: their 1:1 chats are then known (approvers). */
  knownUsers?: readonly FixtureUser[];
  /**
   * A new bot for every test, for files whose tests would otherwise meet what the bot remembers of the ones
   * before (subscriptions, the watcher's announcements, users' tokens). Slower: a bot starts per test.
   */
  botPerTest?: boolean;
}

const restarts = new WeakMap<BotHarness, () => Promise<void>>();

/**
 * Replaces the bot of `h` (a value from useBotHarness) with a new one, tenant and known users set up as
 * before each test: for the one test that must be the bot's first sight of a user or a request.
 */
export async function freshBot(h: BotHarness): Promise<void> {
  const restart = restarts.get(h);
  if (!restart) throw new Error('freshBot takes the harness useBotHarness returned');
  await restart();
}

/**
 * Starts a bot harness for the calling file or describe (see BotHarnessUse) and returns it. The value
 * stands for the harness that file's tests run against: read it inside tests and hooks, not at import.
 */
export function useBotHarness(use: BotHarnessUse = {}): BotHarness {
  const tenant = use.tenant ?? demoTenant;
  let current: BotHarness | undefined;
  const start = async () => {
    current = await startBotHarness(use.config, use.options);
  };
  const stop = async () => {
    await current?.close();
    current = undefined;
  };
  const prepare = async () => {
    const h = started();
    // Work the test before left due (an approval card still to deliver) is done before this one looks.
    await h.jobs.runDue();
    h.stack.graph.loadFixture(tenant);
    h.newConversations();
    for (const user of use.knownUsers ?? []) await h.say(user, 'help');
    h.connector.reset();
    h.stack.graph.resetCalls();
    // A contract violation belongs to the test that made it, not to every test after it.
    h.violations.length = 0;
  };
  if (!use.botPerTest) {
    beforeAll(start);
    afterAll(stop);
  }
  beforeEach(async () => {
    if (use.botPerTest) await start();
    await prepare();
  });
  afterEach(async () => {
    try {
      check(started());
    } finally {
      if (use.botPerTest) await stop();
    }
  });
  function check(h: BotHarness): void {
    expect(h.violations, h.contractReport()).toEqual([]);
    expect(h.connector.unmatched).toEqual([]);
    for (const call of h.connector.calls) {
      // A new conversation (a channel post) carries its first activity inside the request.
      const activity = (call.body.activity as typeof call.body | undefined) ?? call.body;
      for (const attachment of activity.attachments ?? []) {
        if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') assertValidCard(attachment.content);
      }
    }
  }

  function started(): BotHarness {
    if (!current) throw new Error('The bot harness runs only inside the tests of the file or describe using it');
    return current;
  }
  // Every property read goes to the harness started for the running tests.
  const harness = new Proxy({} as BotHarness, {
    get: (_target, key) => Reflect.get(started(), key),
    has: (_target, key) => Reflect.has(started(), key),
  });
  restarts.set(harness, async () => {
    await stop();
    await start();
    await prepare();
  });
  return harness;
}
