/**
 * The activation watcher's Graph calls per tick at 1,000, 10,000 and 100,000 historic requests (issue 19),
 * the real `ActivationWatcher` against the Graph simulator over HTTPS, counted in the simulator's call log:
 *
 * - before: the whole request listing every tick (`listRoleAssignmentRequests`, what the watcher did until
 *   issue 19): its pages, and whether the transport's 50-page limit failed it (TooManyPages);
 * - after, on the audit path: a quiet tick, the tick that announces one portal activation, and the hourly
 *   full read behind it (calls in its busiest tick, and how many ticks it takes);
 * - after, without the audit log (403 fallback): the busiest tick and the ticks a full read takes.
 *
 *   npx tsx bench/watcher-calls.ts                  # ~1-2 minutes (100,000 requests take most of it)
 *   WATCHER_BENCH_SIZES=1000,10000 npx tsx bench/watcher-calls.ts
 *
 * Prints a table and a `--json` line (last line of stdout), as bench/simulator-scale.ts; a report, exits 0.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { MemoryStorage } from 'botbuilder';
import { pino } from 'pino';
import { ActivationFeed } from '../src/notifications/activation-feed';
import { ActivationWatcher } from '../src/notifications/activation-watcher';
import { ChannelSubscriptionStore } from '../src/notifications/channel-subscriptions';
import { readWatcherState } from '../src/notifications/watcher-state';
import type { Messenger, PostedMessage } from '../src/notifications/messenger';
import { PimAuditReader } from '../src/pim/audit-reader';
import { DirectoryClient } from '../src/pim/directory-client';
import { graphPermissionsOfType } from '../src/pim/graph-permissions';
import { GraphTransport } from '../src/pim/graph-transport';
import { PimActivityReader } from '../src/pim/pim-reader';
import { PimRequestStore } from '../src/requests/pim-request-store';
import type { GraphSimulator } from '../simulators/graph';
import { loadOrCreateCertificateAuthority } from '../simulators/tls/certificate-authority';
import { startHarness } from '../test/simulators/graph/support';
import { scaleFixture } from './fixtures';

const SIZES = (process.env.WATCHER_BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const quiet = pino({ level: 'silent' });
const MINUTE = 60_000;

/** The feed posts nowhere: the bench counts Graph calls, not Teams ones. */
const nowhere: Messenger = {
  send: async () => ({}) as PostedMessage,
  sendToPerson: async () => ({}) as PostedMessage,
  teamsUserId: async () => undefined,
  postToChannel: async () => ({}) as PostedMessage,
  update: async () => {},
};

interface SizeResult {
  historyMs: number;
  before: { calls: number; failed: boolean };
  audit: { quietTick: number; announcingTick: number; reconcileTicks: number; reconcileMaxCalls: number };
  fallback: { maxCalls: number; ticksPerPass: number };
}

async function measure(sim: GraphSimulator, appToken: () => Promise<string>, size: number): Promise<SizeResult> {
  const fixture = scaleFixture();
  sim.loadFixture(fixture);
  const t0 = performance.now();
  const principals = [...new Map(fixture.roleEligibilities.map((e) => [e.principalId, e.roleDefinitionId]))];
  let made = 0;
  while (made < size) {
    for (const [principalId, roleDefinitionId] of principals) {
      if (made >= size) break;
      sim.activate({ principalId, roleDefinitionId, duration: 'PT1H' });
      made++;
    }
    sim.clock.advance(2 * 3_600_000);
  }
  const historyMs = Math.round(performance.now() - t0);

  const credential: TokenCredential = {
    getToken: async (): Promise<AccessToken> => ({
      token: await appToken(),
      expiresOnTimestamp: Date.now() + 3_600_000,
    }),
  };
  const graph = new GraphTransport({ credential, graphBaseUrl: sim.url });
  const reader = new PimActivityReader(graph);

  // Before: the whole listing, every tick.
  sim.resetCalls();
  const failed = await reader.listRoleAssignmentRequests().then(
    () => false,
    () => true,
  );
  const before = { calls: sim.calls().length, failed };

  let storage = new MemoryStorage();
  const watcher = (audit: boolean) => {
    storage = new MemoryStorage();
    const feed = new ActivationFeed({
      requests: new PimRequestStore(storage),
      subscriptions: new ChannelSubscriptionStore(storage, () => sim.clock.now()),
      messenger: nowhere,
      logger: quiet,
      breakGlassIds: [],
      now: () => sim.clock.now(),
    });
    return new ActivationWatcher({
      reader,
      directory: new DirectoryClient(graph),
      ...(audit ? { audit: new PimAuditReader(graph) } : {}),
      storage,
      feed,
      ends: { ended: async () => {} },
      isBotMade: async () => false,
      logger: quiet,
      now: () => sim.clock.now(),
    });
  };
  const callsOf = async (w: ActivationWatcher) => {
    sim.resetCalls();
    await w.tick();
    return sim.calls().length;
  };

  // After, audit path.
  const a = watcher(true);
  await a.tick();
  const quietTick = await callsOf(a);
  const [who, role] = principals[principals.length - 1] ?? ['', ''];
  sim.activate({ principalId: who, roleDefinitionId: role, duration: 'PT2H' });
  const announcingTick = await callsOf(a);
  sim.clock.advance(61 * MINUTE);
  let reconcileTicks = 0;
  let reconcileMaxCalls = 0;
  do {
    reconcileMaxCalls = Math.max(reconcileMaxCalls, await callsOf(a));
    reconcileTicks++;
  } while ((a.lastTick?.passPages ?? 0) > 0 && reconcileTicks < 10_000);

  // After, without the audit log: the full read every tick, a bounded number of pages each, until one pass is through.
  const f = watcher(false);
  let ticks = 0;
  let maxCalls = 0;
  do {
    maxCalls = Math.max(maxCalls, await callsOf(f));
    ticks++;
  } while (ticks < 10_000 && (await readWatcherState(storage))?.reconcile?.current);
  return {
    historyMs,
    before,
    audit: { quietTick, announcingTick, reconcileTicks: reconcileTicks - 1, reconcileMaxCalls },
    fallback: { maxCalls, ticksPerPass: ticks },
  };
}

async function main(): Promise<void> {
  const h = await startHarness(scaleFixture());
  const roles = graphPermissionsOfType('Role').map((p) => p.name);
  const results: Record<string, SizeResult> = {};
  try {
    console.log('Activation watcher: Graph calls per tick (the simulator call log), 10,000-user tenant');
    console.log(
      'requests | before: full listing      | audit: quiet  announcing  reconciliation (max/tick, ticks) | no audit log: max/tick, ticks per pass',
    );
    for (const size of SIZES) {
      const r = await measure(h.sim, () => h.appToken(roles), size);
      results[String(size)] = r;
      console.log(
        `${size.toLocaleString('en').padStart(8)} | ${String(r.before.calls).padStart(4)} calls${r.before.failed ? ', TooManyPages: tick fails' : ''.padEnd(25)} | ${String(r.audit.quietTick).padStart(5)}  ${String(r.audit.announcingTick).padStart(10)}  ${String(r.audit.reconcileMaxCalls).padStart(6)} / ${r.audit.reconcileTicks} ticks | ${r.fallback.maxCalls} / ${r.fallback.ticksPerPass} ticks   (history made in ${r.historyMs} ms)`,
      );
    }
    console.log(`--json ${JSON.stringify(results)}`);
  } finally {
    await h.close();
  }
}

/** The simulators' CA must be trusted from process start (NODE_EXTRA_CA_CERTS is read once): as bench/reconcile.ts. */
function trustedOrRestarted(): boolean {
  if (process.env.PIMBOT_TEST_CA_DIR) return true;
  const dir = join(process.cwd(), '.local', 'ca');
  const ca = loadOrCreateCertificateAuthority(dir);
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, PIMBOT_TEST_CA_DIR: dir, NODE_EXTRA_CA_CERTS: ca.trustBundlePath },
  });
  process.exit(child.status ?? 1);
}

if (trustedOrRestarted()) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `watcher-calls bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
