/**
 * `npm run bench`: PIM Bot's performance against the framework floor, on loopback, in one process tree.
 *
 *   this runner ─┬─ bench connector (in process: the Bot Connector stand-in every reply goes to)
 *                ├─ bench/stack.ts    (child: local Entra authority + Graph PIM simulator)
 *                ├─ bench/echo-bot.ts (child: bare botbuilder + restify echo bot, the baseline)
 *                ├─ bench/pim-bot.ts  (child: PIM Bot via startApp, NODE_EXTRA_CA_CERTS set at start)
 *                └─ wrk               (child: the load, bench/turns.lua)
 *
 * Prints a table with ratios to the echo bot, checks the targets (PASS/MISS with the reason and the
 * fix) and writes bench/results.json. See bench/README.md. BENCH_SECONDS sets each wrk round (default 5).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PimSessionsStats } from '../src/identity/pim-sessions';
import { loadOrCreateCertificateAuthority } from '../simulators/tls/certificate-authority';
import { measureCards } from './cards';
import { type BenchUser, benchUser, type ClientContext, invoke, pool, say, submit } from './client';
import { type BenchConnector, startBenchConnector } from './connector';
import { cpuShare, sampleCpu } from './cpu';
import {
  APPROVER,
  BENCH_TENANT_ID,
  type FixtureSpec,
  HEAVY_BASE,
  HEAVY_ELIGIBILITIES,
  PUBLIC_BASE_URL,
  ROLES,
  roleKey,
} from './fixtures';
import { HOSTILE_USERS, hostileInputCosts } from './hostile-inputs';
import { type MemoryReport, startWorker, type Worker } from './ipc';
import type { BotGraphCounts, PendingApprovalSeen, StorageStats } from './pim-bot';
import { type BenchResults, evaluateTargets, type OperationCalls, printReport, type Round } from './report';
import type { AuthorityCounts, StackInfo } from './stack';
import { runWrk, type Scenario, summarize } from './wrk';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (file: string) => join(root, 'bench', file);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = [1, 10, 20];
/** Users per latency round: more than a round uses at the rates seen here (reuse is reported as "users reused"). */
const POOL = 600;
const APPROVAL_REQUESTS = 240;
const APPROVAL_CONCURRENCY = 10;
const LIVE_CONVERSATIONS = 1_000;
const SCALE_TURNS = 8;
const HEAVY_SMALL_TURNS = 20;
/** V8 flags that cap the heap headroom a burst of turns leaves behind (the memory phase's second run). */
const TUNED_HEAP_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=160'];
/**
 * BENCH_PHASES picks phases (comma-separated; default all): rounds (needs wrk), calls (Graph and authority
 * requests per operation), hostile, approval, scale, memory. E.g. `BENCH_PHASES=calls,memory` for the
 * token exchange's figures (authority requests per activation, heap per live conversation) in about a minute.
 */
const PHASES = new Set(
  (process.env.BENCH_PHASES ?? 'rounds,calls,hostile,approval,scale,memory').split(',').map((p) => p.trim()),
);
/** The whole run must stay under 5 minutes: past this, what was measured is written and the run stops. */
const BUDGET_MS = 290_000;

/** User ranges, so no phase meets another's dialogs, activations or warm caches. */
const USERS = {
  help: 0, // any user: help reads no Graph
  roles: 0, // 0..1799 (POOL per round)
  activate: 1_800, // 1800..3599
  warmup: 3_600, // 3600..3999
  heavySmall: 4_000, // 4000..4020
  approval: 6_000, // 6000..6239
  live: 7_000, // 7000..7999
  liveTuned: 8_000, // 8000..8999
  scaleHeavy: HEAVY_BASE, // 9000..9007: 50 eligibilities each in the scale fixture
  ops: 9_900, // 9900..9909
  hostile: 9_950, // 9950..9967 (HOSTILE_USERS)
};

interface BotInfo {
  url: string;
}

const startedAt = Date.now();

function log(line: string): void {
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until turns left in flight by the last round are done: the connector stays quiet for 300 ms. */
async function settle(connector: BenchConnector, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs;
  let last = -1;
  while (Date.now() < until) {
    const now = connector.counts().calls;
    if (now === last) return;
    last = now;
    await sleep(300);
  }
}

function checkWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    // wrk --version exits 1 after printing its banner; only a missing binary matters.
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new Error('wrk is not installed: apt-get update && apt-get install -y wrk (see bench/README.md).');
    }
  }
}

/**
 * RSS and heap each framework module adds when loaded (plain node, no tsx), plus tsx's own cost: where a
 * bot's idle memory goes. Runs in throw-away node processes.
 */
function moduleMemory(): Record<string, number> {
  const modules = [
    'botbuilder',
    'restify',
    'botbuilder-dialogs',
    '@azure/identity',
    '@microsoft/microsoft-graph-client',
    'adaptivecards-templating',
    'zod',
    'jose',
    'pino',
  ];
  const script = `
    const mods = ${JSON.stringify(modules)};
    const rss = () => { gc(); return process.memoryUsage().rss / 1048576; };
    (async () => {
      const out = { 'node itself': rss() };
      let last = out['node itself'];
      for (const m of mods) { await import(m); const r = rss(); out[m] = r - last; last = r; }
      process.stdout.write(JSON.stringify(out));
    })();`;
  const plain = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', '--no-deprecation', '-e', script], { cwd: root }).toString(),
  ) as Record<string, number>;
  const tsxCost = (withTsx: boolean) =>
    Number(
      execFileSync(
        process.execPath,
        [
          '--expose-gc',
          '--no-deprecation',
          ...(withTsx ? ['--import', 'tsx'] : []),
          '-e',
          `require('botbuilder'); require('restify'); gc(); process.stdout.write(String(process.memoryUsage().rss / 1048576));`,
        ],
        { cwd: root },
      ).toString(),
    );
  plain['tsx loader (node --import tsx)'] = tsxCost(true) - tsxCost(false);
  for (const k of Object.keys(plain)) plain[k] = Math.round(plain[k]! * 10) / 10;
  return plain;
}

async function main(): Promise<void> {
  if (PHASES.has('rounds')) checkWrk();
  // The CA must exist before any child starts: NODE_EXTRA_CA_CERTS is read once, at process start.
  const caDir = join(root, '.local', 'ca');
  const ca = loadOrCreateCertificateAuthority(caDir);
  const baseEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_EXTRA_CA_CERTS: ca.trustBundlePath,
  };
  const connector = await startBenchConnector();
  const workers = new Set<Worker<unknown>>();
  const stopAll = async () => {
    await Promise.allSettled([...workers].map((w) => w.stop()));
    await connector.close();
  };

  const results: BenchResults = {
    meta: {
      startedAt: new Date(startedAt).toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      roundSeconds: SECONDS,
      concurrency: CONCURRENCY,
      totalSeconds: 0,
      complete: false,
    },
    cards: measureCards(),
    rounds: [],
  };
  const finish = (complete: boolean) => {
    results.meta.complete = complete;
    results.meta.totalSeconds = Math.round((Date.now() - startedAt) / 100) / 10;
    results.targets = evaluateTargets(results);
    printReport(results);
    writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote bench/results.json; total ${results.meta.totalSeconds} s`);
  };
  const watchdog = setTimeout(() => {
    log(`time budget (${BUDGET_MS / 1000} s) exhausted: reporting what was measured`);
    finish(false);
    void stopAll().finally(() => process.exit(1));
  }, BUDGET_MS);
  watchdog.unref();
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

  try {
    log('starting the local Entra authority and Graph simulator (10,000 users)…');
    const stack = await startWorker<StackInfo>(here('stack.ts'), {
      env: { ...baseEnv, BENCH_CA_DIR: caDir, BENCH_PUBLIC_URL: PUBLIC_BASE_URL },
      timeoutMs: 120_000,
    });
    workers.add(stack as Worker<unknown>);
    const echo = await startWorker<BotInfo>(here('echo-bot.ts'), {
      env: { ...baseEnv, PORT: '0' },
      execArgv: ['--expose-gc'],
    });
    workers.add(echo as Worker<unknown>);
    const botEnv = {
      ...baseEnv,
      PIMBOT_MODE: 'playground',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AAD_APP_TENANT_ID: stack.info.tenantId,
      AAD_APP_CLIENT_ID: stack.info.clientId,
      AAD_APP_CLIENT_SECRET: stack.info.clientSecret,
      AAD_APP_OAUTH_AUTHORITY_HOST: stack.info.authorityUrl,
      GRAPH_BASE_URL: stack.info.graphUrl,
      PUBLIC_BASE_URL,
      TICKET_SYSTEM: 'ServiceNow',
    };
    const startBot = async (flags: string[] = []) => {
      const w = await startWorker<BotInfo>(here('pim-bot.ts'), { env: botEnv, execArgv: ['--expose-gc', ...flags] });
      workers.add(w as Worker<unknown>);
      return w;
    };
    let bot = await startBot();
    const echoIdle = await echo.call<MemoryReport>('gc');
    log(`up: bot ${bot.info.url}, echo ${echo.info.url}, graph ${stack.info.graphUrl}`);

    let runCounter = 0;
    const ctx = (): ClientContext => ({
      botUrl: bot.info.url,
      serviceUrl: connector.serviceUrl,
      tenantId: BENCH_TENANT_ID,
      run: `r${++runCounter}`,
    });
    const load = (spec: FixtureSpec) => stack.call<{ ms: number; roleEligibilities: number }>('load', spec);

    /** One wrk round with everything around it: settle, counters, CPU shares, what the turns did. */
    const measureRound = async (
      scenario: Scenario,
      concurrency: number,
      users: { base: number; count: number },
      extra: { command?: string; confirmKey?: string; seconds?: number; warmup?: boolean } = {},
    ): Promise<Round> => {
      const target = scenario === 'echo' ? echo : bot;
      connector.reset();
      await stack.call('resetCalls');
      await bot.call('graphCounts');
      const pids = { bot: bot.pid, stack: stack.pid, echo: echo.pid };
      const before = sampleCpu(pids);
      const wrk = await runWrk({
        scenario,
        url: target.info.url,
        concurrency,
        durationSeconds: extra.seconds ?? SECONDS,
        userBase: users.base,
        userCount: users.count,
        serviceUrl: connector.serviceUrl,
        tenantId: BENCH_TENANT_ID,
        run: `w${++runCounter}`,
        command: extra.command,
        confirmKey: extra.confirmKey,
      });
      const after = sampleCpu(pids);
      const cpu = cpuShare(before, after, cpus().length, loadavg()[0] ?? 0);
      // Turns wrk gave up on at the end of the round still run: count them in, then read the counters.
      await settle(connector);
      const settled = sampleCpu(pids);
      const counts = connector.counts();
      const authority = await stack.call<AuthorityCounts>('authority');
      const graph = await bot.call<BotGraphCounts>('graphCounts');
      const statuses = await stack.call<Record<string, number>>('requestStatuses');
      const measured = scenario === 'echo' ? 'echo' : 'bot';
      const ticks = (settled.pids[measured] ?? 0) - (before.pids[measured] ?? 0);
      // Turns the bot ran: each message gets one reply, a confirmation one status card sent then updated.
      const ops = counts.byOperation;
      const turnsRun =
        scenario === 'activate' ? counts.confirmCards + (ops.update ?? 0) : (ops.reply ?? 0) + (ops.send ?? 0);
      const per = (n: number, digits = 100) => (turnsRun ? Math.round((n / turnsRun) * digits) / digits : 0);
      const round: Round = {
        ...wrk,
        warmup: extra.warmup === true,
        users,
        cpu,
        turnsRun,
        cpuMsPerTurn: per(ticks * 10),
        connector: counts,
        graphCallsPerTurn: per(graph.total),
        graphMsPerTurn: per(graph.totalMs, 10),
        authorityCallsPerTurn: per(authority.total),
        pimRequestStatuses: statuses,
      };
      if (!round.warmup) results.rounds.push(round);
      log(
        `${extra.warmup ? 'warm-up ' : ''}${scenario} c=${concurrency}: ${wrk.throughput} turns/s, p50 ${wrk.turn.p50Ms} ms, p99 ${wrk.turn.p99Ms} ms (other load ${cpu.otherLoadPct}%)`,
      );
      return round;
    };

    // 0. Does a full activation work at all? (Fails loudly rather than benchmarking error cards.)
    await smokeTest(ctx(), connector, stack, load);
    log('smoke test passed: one-line activation + confirm → Active');

    if (PHASES.has('rounds')) {
      // 1. Warm-up (JIT, connection pools, the shared policy cache), then the rounds, interleaved by
      // concurrency so the echo floor and PIM Bot are measured minutes apart at most.
      const activateArgs = {
        command: `activate ${ROLES.noApproval.name} 1h`,
        confirmKey: roleKey(ROLES.noApproval.id),
      };
      await load({ fixture: 'round', base: USERS.warmup, count: POOL, roles: ['noApproval', 'justification'] });
      await measureRound('echo', 10, { base: 0, count: 10_000 }, { seconds: 2, warmup: true });
      await measureRound('help', 10, { base: 0, count: 10_000 }, { seconds: 2, warmup: true });
      await measureRound('roles', 10, { base: USERS.warmup, count: 150 }, { seconds: 2, warmup: true });
      await measureRound(
        'activate',
        10,
        { base: USERS.warmup + 150, count: 250 },
        { seconds: 2, warmup: true, ...activateArgs },
      );
      for (const [i, c] of CONCURRENCY.entries()) {
        await measureRound('echo', c, { base: 0, count: 10_000 });
        await measureRound('help', c, { base: USERS.help, count: 10_000 });
        const roles = { base: USERS.roles + i * POOL, count: POOL };
        await load({ fixture: 'round', ...roles, roles: ['noApproval', 'justification'] });
        await measureRound('roles', c, roles);
        const activate = { base: USERS.activate + i * POOL, count: POOL };
        await load({ fixture: 'round', ...activate, roles: ['noApproval'] });
        await measureRound('activate', c, activate, activateArgs);
      }
      await settle(connector);
    }
    results.echoMemory = { idle: echoIdle, afterLoad: await echo.call<MemoryReport>('memory') };

    // 2. Graph calls per operation (sequential, one user at a time).
    if (PHASES.has('calls')) {
      results.graphCalls = await graphCallsPerOperation(ctx(), stack, bot, load);
      log('Graph calls per operation measured');
    }

    // 2b. Long inputs and Graph storms, in echo turns (the abuse tests' speed goals).
    if (PHASES.has('hostile')) {
      await load({ fixture: 'round', base: USERS.hostile, count: HOSTILE_USERS, roles: ['noApproval'] });
      const echoCtx = { ...ctx(), botUrl: echo.info.url };
      results.hostile = await hostileInputCosts({ echo: echoCtx, ctx, stack, base: USERS.hostile });
      log(`hostile inputs measured (echo turn ${results.hostile.echoTurnMs} ms)`);
    }

    // 3. Approval delivery.
    if (PHASES.has('approval')) {
      results.approval = await approvalDelivery(ctx(), connector, stack, bot, load);
      log(`approval delivery: p50 ${results.approval.latency.p50Ms} ms, p99 ${results.approval.latency.p99Ms} ms`);
    }

    // 4. Scale.
    if (PHASES.has('scale')) {
      results.scale = await scale(ctx, stack, bot, load);
    }

    // 5. Memory: a fresh bot process; 1,000 users each stopped mid-dialog (at the confirmation). Then the
    // same with V8's heap headroom capped, to show how much of the RSS is headroom.
    if (PHASES.has('memory')) {
      await load({ fixture: 'round', base: USERS.live, count: 2 * LIVE_CONVERSATIONS, roles: ['noApproval'] });
      await bot.stop();
      workers.delete(bot as Worker<unknown>);
      bot = await startBot();
      results.memory = await liveConversations(ctx(), connector, bot, USERS.live);
      log(`memory: ${results.memory.afterConversations.rssMb} MB RSS with ${LIVE_CONVERSATIONS} live conversations`);
      results.memory.modules = moduleMemory();
      if (Date.now() - startedAt < BUDGET_MS - 60_000) {
        await bot.stop();
        workers.delete(bot as Worker<unknown>);
        bot = await startBot(TUNED_HEAP_FLAGS);
        const tuned = await liveConversations(ctx(), connector, bot, USERS.liveTuned);
        results.memory.tuned = { flags: TUNED_HEAP_FLAGS.join(' '), afterConversations: tuned.afterConversations };
        log(`memory, ${TUNED_HEAP_FLAGS.join(' ')}: ${tuned.afterConversations.rssMb} MB RSS`);
      }
    }

    clearTimeout(watchdog);
    finish(true);
  } finally {
    await stopAll();
  }
  // Reconciliation with PIM (bench/reconcile.ts), in processes of its own after the budgeted phases:
  // Graph calls per minute by pending count, portal decision → Teams copies latency. BENCH_RECONCILE=0 skips it.
  if (process.env.BENCH_RECONCILE !== '0') {
    log('reconciliation with PIM (bench/reconcile.ts)');
    spawnSync(process.execPath, ['--import', 'tsx', here('reconcile.ts')], { stdio: 'inherit', cwd: root });
  }
}

async function smokeTest(
  ctx: ClientContext,
  connector: BenchConnector,
  stack: Worker<StackInfo>,
  load: (spec: FixtureSpec) => Promise<unknown>,
): Promise<void> {
  await load({ fixture: 'round', base: USERS.ops, count: 10, roles: ['noApproval'] });
  connector.reset();
  const user = benchUser(USERS.ops + 9);
  await say(ctx, user, `activate ${ROLES.noApproval.name} 1h`);
  await submit(ctx, user, { pimbot: 'confirm', key: roleKey(ROLES.noApproval.id) });
  const counts = connector.counts();
  const statuses = await stack.call<Record<string, number>>('requestStatuses');
  if (counts.confirmCards !== 1 || counts.activeStatus !== 1 || !statuses.Provisioned) {
    throw new Error(
      `smoke test failed: ${JSON.stringify({ counts, statuses })}\nlast connector bodies:\n${connector.lastBodies().join('\n')}`,
    );
  }
}

/** `/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')`, ids as {id}. */
function normalizePath(path: string): string {
  return (path.split('?')[0] ?? path).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}');
}

async function graphCallsPerOperation(
  ctx: ClientContext,
  stack: Worker<StackInfo>,
  bot: Worker<BotInfo>,
  load: (spec: FixtureSpec) => Promise<unknown>,
): Promise<Record<string, OperationCalls>> {
  await load({ fixture: 'round', base: USERS.ops, count: 10, roles: ['noApproval', 'approval', 'justification'] });
  const out: Record<string, OperationCalls> = {};
  const measure = async (name: string, note: string, work: () => Promise<unknown>, settleMs = 0) => {
    await stack.call('resetCalls');
    await bot.call('graphCounts');
    const started = performance.now();
    await work();
    const ms = performance.now() - started;
    if (settleMs) await sleep(settleMs);
    const calls =
      await stack.call<Array<{ method: string; path: string; status: number; callerKind?: 'user' | 'app' }>>('calls');
    const authority = await stack.call<AuthorityCounts>('authority');
    const seenByBot = await bot.call<BotGraphCounts>('graphCounts');
    const byMethod: Record<string, number> = {};
    const appOnlyByMethod: Record<string, number> = {};
    for (const c of calls) {
      byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
      if (c.callerKind === 'app') appOnlyByMethod[c.method] = (appOnlyByMethod[c.method] ?? 0) + 1;
    }
    out[name] = {
      note,
      ms: Math.round(ms),
      total: calls.length,
      byMethod,
      appOnlyByMethod,
      calls: calls.map((c) => `${c.method} ${normalizePath(c.path)} → ${c.status}`),
      authority,
      seenByBot: seenByBot.total,
    };
  };
  const user = benchUser(USERS.ops);
  const cold = benchUser(USERS.ops + 1);
  const requester = benchUser(USERS.ops + 2);
  const approver: BenchUser = { id: APPROVER.id, name: APPROVER.displayName };
  const command = (u: BenchUser, role: { name: string }) => say(ctx, u, `activate ${role.name} 1h`);
  const confirm = (u: BenchUser, role: { id: string }) => submit(ctx, u, { pimbot: 'confirm', key: roleKey(role.id) });

  // Policies are shared by every user and cached 5 minutes: warm them as a running bot has them.
  await say(ctx, benchUser(USERS.ops + 3), 'roles');
  await measure('roles, first of this user', 'eligibility not cached for this user; policies cached', () =>
    say(ctx, user, 'roles'),
  );
  await measure('roles, again within 60 s', 'eligibility cached for this user', () => say(ctx, user, 'roles'));
  await measure('activation, warm cache: command', 'one-line command right after `roles`', () =>
    command(user, ROLES.noApproval),
  );
  await measure('activation, warm cache: confirm', 'Action.Submit confirm', () => confirm(user, ROLES.noApproval));
  await measure('active', 'the user’s active roles and groups', () => say(ctx, user, 'active'));
  await measure('activation, cold user: command', 'one-line command by a user with nothing cached', () =>
    command(cold, ROLES.noApproval),
  );
  await measure('activation, cold user: confirm', 'Action.Submit confirm', () => confirm(cold, ROLES.noApproval));
  await say(ctx, approver, 'help'); // the approver has the bot: their 1:1 chat is known
  await say(ctx, requester, 'roles');
  await measure('approval request: command', 'one-line command for a role that needs approval (warm cache)', () =>
    command(requester, ROLES.approval),
  );
  await measure(
    'approval request: confirm',
    'confirm → PendingApproval, status card, approver card (approver lookup, routing)',
    () => confirm(requester, ROLES.approval),
  );
  const requestId = await stack.call<string | undefined>('lastPendingRequestId');
  if (!requestId) throw new Error('the approval request is not PendingApproval in the simulator');
  await measure(
    'approval: approver clicks Approve',
    'Action.Execute approve (the follow-up until provisioned is a job right after)',
    () => invoke(ctx, approver, 'approve', { pimbot: 'approve', requestId }),
    1_000,
  );
  return out;
}

async function approvalDelivery(
  ctx: ClientContext,
  connector: BenchConnector,
  stack: Worker<StackInfo>,
  bot: Worker<BotInfo>,
  load: (spec: FixtureSpec) => Promise<unknown>,
): Promise<NonNullable<BenchResults['approval']>> {
  await load({ fixture: 'round', base: USERS.approval, count: APPROVAL_REQUESTS, roles: ['approval'] });
  await say(ctx, { id: APPROVER.id, name: APPROVER.displayName }, 'help');
  await settle(connector);
  await stack.call('resetCalls');
  connector.reset();
  connector.watchApprovals = true;
  await bot.call('watchApprovals', { on: true });
  await bot.call('graphCounts');
  const requesters = Array.from({ length: APPROVAL_REQUESTS }, (_, i) => benchUser(USERS.approval + i));
  const started = performance.now();
  const confirmTurnsUs: number[] = [];
  await pool(requesters, APPROVAL_CONCURRENCY, async (u) => {
    await say(ctx, u, `activate ${ROLES.approval.name} 1h`);
    const t = performance.now();
    await submit(ctx, u, { pimbot: 'confirm', key: roleKey(ROLES.approval.id) });
    confirmTurnsUs.push((performance.now() - t) * 1000);
  });
  const elapsedS = (performance.now() - started) / 1000;
  // The cards go out in a job right after each confirm turn: give the last ones time to arrive.
  const deadline = Date.now() + 5_000;
  while (connector.approvalCards.length < APPROVAL_REQUESTS && Date.now() < deadline) await sleep(20);
  connector.watchApprovals = false;
  const seen = await bot.call<PendingApprovalSeen[]>('pendingSeen');
  await bot.call('watchApprovals', { on: false });
  const simCalls = await stack.call<Array<{ time: string; requestId: string }>>('calls');
  const skew = await stack.call<number>('clockSkewMs');
  const simTime = new Map(simCalls.map((c) => [c.requestId, Date.parse(c.time)]));
  const cards = new Map(connector.approvalCards.map((c) => [c.requestId, c.receivedAt]));
  const fromBot: number[] = [];
  const fromSim: number[] = [];
  let missing = 0;
  for (const s of seen) {
    const receivedAt = cards.get(s.requestId);
    if (receivedAt === undefined) {
      missing++;
      continue;
    }
    fromBot.push((receivedAt - s.at) * 1000);
    const simAt = s.graphRequestId ? simTime.get(s.graphRequestId) : undefined;
    if (simAt !== undefined && Math.abs(skew) < 5) fromSim.push((receivedAt - simAt) * 1000);
  }
  return {
    requests: APPROVAL_REQUESTS,
    concurrency: APPROVAL_CONCURRENCY,
    pendingApprovals: seen.length,
    cardsDelivered: connector.approvalCards.length,
    missing,
    elapsedS: Math.round(elapsedS * 10) / 10,
    latency: summarize(fromBot),
    latencyFromSimulatorLog: fromSim.length ? summarize(fromSim) : undefined,
    confirmTurn: summarize(confirmTurnsUs),
    simulatorClockSkewMs: skew,
  };
}

async function scale(
  ctx: () => ClientContext,
  stack: Worker<StackInfo>,
  bot: Worker<BotInfo>,
  load: (spec: FixtureSpec) => Promise<{ ms: number; roleEligibilities: number }>,
): Promise<NonNullable<BenchResults['scale']>> {
  const sequential = async (firstUser: number, turns: number) => {
    const c = ctx();
    const latencies: number[] = [];
    await bot.call('graphCounts');
    for (let i = 0; i < turns; i++) {
      const t = performance.now();
      await say(c, benchUser(firstUser + i), 'roles');
      latencies.push((performance.now() - t) * 1000);
    }
    const graph = await bot.call<BotGraphCounts>('graphCounts');
    return { ...summarize(latencies), graphMsPerTurn: Math.round((graph.totalMs / turns) * 10) / 10 };
  };

  // The same users' shape in a small tenant first: the bot's own cost of 50 eligibilities.
  await load({ fixture: 'heavyRound', base: USERS.heavySmall, count: HEAVY_SMALL_TURNS + 1 });
  await stack.call('resetCalls');
  const t = performance.now();
  await say(ctx(), benchUser(USERS.heavySmall), 'roles');
  const coldPolicy = { ms: Math.round(performance.now() - t), graphCalls: await stack.call<number>('callCount') };
  const small = await sequential(USERS.heavySmall + 1, HEAVY_SMALL_TURNS);
  log(`roles, 50 eligibilities, small tenant: p50 ${small.p50Ms} ms, p99 ${small.p99Ms} ms`);

  const loaded = await load({ fixture: 'scale' });
  log(`scale fixture (100,000 eligibilities) loaded in ${loaded.ms} ms`);
  const big = await sequential(USERS.scaleHeavy, SCALE_TURNS);
  log(`roles, 50 eligibilities, 100,000-eligibility tenant: p50 ${big.p50Ms} ms, p99 ${big.p99Ms} ms`);
  return {
    users: 10_000,
    roleEligibilities: loaded.roleEligibilities,
    fixtureLoadMs: loaded.ms,
    eligibilitiesPerUser: HEAVY_ELIGIBILITIES,
    coldPolicyCacheTurn: coldPolicy,
    rolesSmallTenant: small,
    rolesScaleTenant: big,
  };
}

async function liveConversations(
  ctx: ClientContext,
  connector: BenchConnector,
  bot: Worker<BotInfo>,
  firstUser: number,
): Promise<NonNullable<BenchResults['memory']>> {
  await say(ctx, benchUser(USERS.warmup), 'help');
  const idle = await bot.call<MemoryReport>('gc');
  // BENCH_HEAP_SNAPSHOTS=dir: snapshots idle and after GC, for `npx tsx bench/heap-breakdown.ts dir/idle… dir/live…`.
  const snapshots = process.env.BENCH_HEAP_SNAPSHOTS;
  const snapshot = (name: string) =>
    snapshots ? bot.call('heapSnapshot', { path: join(snapshots, `${name}-${firstUser}.heapsnapshot`) }) : undefined;
  await snapshot('idle');
  connector.reset();
  const users = Array.from({ length: LIVE_CONVERSATIONS }, (_, i) => benchUser(firstUser + i));
  const half = LIVE_CONVERSATIONS / 2;
  const start = async (u: BenchUser) => {
    await say(ctx, u, `activate ${ROLES.noApproval.name} 1h`);
  };
  // Half, GC, the other half: the second half's growth is what one more conversation costs, without the one-time
  // costs of the first turns (JIT code, pools, the shared policy cache).
  await pool(users.slice(0, half), 20, start);
  const halfway = await bot.call<MemoryReport>('gc');
  await snapshot('half');
  await pool(users.slice(half), 20, start);
  const confirmations = connector.counts().confirmCards;
  if (confirmations !== LIVE_CONVERSATIONS) {
    throw new Error(`expected ${LIVE_CONVERSATIONS} dialogs waiting at the confirmation, got ${confirmations}`);
  }
  const afterConversations = await bot.call<MemoryReport>('memory');
  const afterGc = await bot.call<MemoryReport>('gc');
  await snapshot('live');
  const storage = await bot.call<StorageStats>('storage');
  const identity = await bot.call<PimSessionsStats>('identity');
  return { conversations: LIVE_CONVERSATIONS, idle, halfway, afterConversations, afterGc, storage, identity };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
