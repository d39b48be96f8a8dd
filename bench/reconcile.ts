import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ApprovalCopies } from '../src/approvals/approval-copies';
import { ApprovalReconciler } from '../src/approvals/approval-reconciler';
import { ApprovalTimers } from '../src/approvals/approval-timers';
import { PimRequestStates } from '../src/approvals/pim-request-states';
import { appCredential } from '../src/identity/graph-credentials';
import type { Messenger } from '../src/notifications/messenger';
import { GraphTransport } from '../src/pim/graph-transport';
import { newRequest } from '../src/requests/pim-request';
import { PimRequestStore } from '../src/requests/pim-request-store';
import { RequestEvents } from '../src/requests/request-events';
import type { Job, Scheduler } from '../src/scheduler/scheduler';
import { MemoryStore } from '../src/store/memory-store';
import { demoTenant, demoUsers } from '../simulators/tenant/demo-tenant';
import { loadOrCreateCertificateAuthority } from '../simulators/tls/certificate-authority';
import { cardActions, startBotHarness } from '../test/support/bot-harness';
import { startPimTestStack } from '../test/support/pim-stack';
import { ROLES, roundFixture, userId } from './fixtures';

/**
 * Reconciliation with PIM (`approval.reconcile`), measured on its own (`npx tsx bench/reconcile.ts`, also
 * run by `npm run bench` as its last phase):
 *
 * 1. Graph calls per minute while 10, 100 and 1,000 requests wait for approval: that many PendingApproval
 *    requests are made in the simulator (one user each, delegated, as the bot would), the bot's store
 *    holds them, and reconciliation slots run against the simulator; the calls are the simulator's own
 *    call log (app-only). A slot runs every 15 s: calls per minute = calls per slot × 4.
 * 2. Portal decision → every Teams copy updated: the whole bot (playground mode, capture connector) on
 *    the wall clock; a request waits with its copies (two approvers' chats, the approvals channel, the
 *    requester's card), an approver decides in the portal (the simulator's control API) at a random
 *    moment, and the latency is until the connector received the last copy's update.
 */

const SLOT_MS = 15_000;
const quiet = pino({ level: 'silent' });

export interface ReconcileBench {
  callsPerMinute: Array<{ pending: number; callsPerSlot: number; callsPerMinute: number }>;
  latency: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const noMessenger: Messenger = new Proxy({} as Messenger, {
  get: () => async () => ({ conversation: {}, activityId: randomUUID() }),
});

async function callsAt(pending: number): Promise<ReconcileBench['callsPerMinute'][number]> {
  const fixture = roundFixture(0, pending, ['approval']);
  const pim = await startPimTestStack(fixture);
  try {
    const storage = new MemoryStore();
    const requests = new PimRequestStore(storage);
    const users = fixture.users.filter((u) => u.id.startsWith('b0000000-0000-4000-8000-0'));
    // Make the waiting requests, 10 at a time, as their requesters (the bot's delegated call).
    for (let i = 0; i < pending; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, pending - i) }, async (_, k) => {
          const user = users.find((u) => u.id === userId(i + k))!;
          const client = await pim.clientFor(user);
          const target = {
            kind: 'role' as const,
            roleDefinitionId: ROLES.approval.id,
            directoryScopeId: '/',
            displayName: ROLES.approval.name,
          };
          const made = await client.activate({ target, durationMinutes: 60, justification: 'bench' });
          const request = newRequest({
            id: made.id,
            target,
            requester: { aadObjectId: user.id, name: user.displayName },
            durationMinutes: 60,
            requestedAt: new Date().toISOString(),
            status: 'pendingApproval',
            approval: { approvalId: made.id, approvers: [], hints: [], copies: [] },
          });
          await requests.create(request);
        }),
      );
    }
    const app = new GraphTransport({ credential: appCredential(pim.entra), graphBaseUrl: pim.stack.graph.url });
    // Jobs are kept, not run: the bench runs each slot itself, back to back (a minute's worth).
    const queued: Job[] = [];
    const scheduler: Scheduler = {
      at: async (_dueAt, job) => {
        queued.push(job);
      },
      start: () => undefined,
      stop: async () => undefined,
    };
    const copies = new ApprovalCopies(noMessenger, quiet);
    const timers = new ApprovalTimers({
      requests,
      messenger: noMessenger,
      scheduler,
      copies,
      reader: { activeUntil: async () => undefined },
      events: new RequestEvents(quiet),
      settings: { reminderAfterMs: 3_600_000, escalateAfterMs: 7_200_000 },
      logger: quiet,
      now: () => new Date(),
    });
    const reconciler = new ApprovalReconciler({
      requests,
      storage,
      scheduler,
      copies,
      timers,
      states: new PimRequestStates(app),
      logger: quiet,
      now: () => new Date(),
    });
    const run = reconciler.jobHandlers()['approval.reconcile']!;
    const slots = 4;
    // One minute of slots, each the one the chain queued (its payload names the slot).
    await reconciler.kick();
    pim.stack.graph.resetCalls();
    for (let s = 0; s < slots; s++) {
      const job = queued.filter((j) => j.type === 'approval.reconcile').at(-1)!;
      await run({ ...job, attempt: 1, scheduledAt: new Date() } as Parameters<typeof run>[0]);
    }
    const appCalls = pim.stack.graph.calls().filter((c) => c.callerKind === 'app');
    const perSlot = appCalls.length / slots;
    return {
      pending,
      callsPerSlot: perSlot,
      callsPerMinute: perSlot * (60_000 / SLOT_MS),
    };
  } finally {
    await pim.close();
  }
}

/** Portal decisions on requests waiting with all their Teams copies; latency until the last copy's update arrived. */
async function portalLatency(rounds: number): Promise<ReconcileBench['latency']> {
  const channel = '19:approvals@thread.tacv2';
  const h = await startBotHarness(
    { APPROVALS_CHANNELS: JSON.stringify({ '*': channel }) },
    { logDestination: { write: () => true } as unknown as pino.DestinationStream, logLevel: 'silent' },
  );
  const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
  const asks = [
    'activate Global Administrator 1h CHG-1042 conditional access change',
    'activate Security Administrator 1h CHG-1043 defender policy change',
  ];
  const latencies: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      h.stack.graph.loadFixture(demoTenant);
      h.newConversations();
      await h.say(megan, 'help');
      await h.say(nestor, 'help');
      const ids: string[] = [];
      for (const ask of asks) {
        await h.say(adele, ask);
        const data = h.connector.calls
          .flatMap((c) => cardActions(c.body))
          .filter((a) => a.data?.pimbot === 'confirm')
          .at(-1)?.data;
        if (!data) throw new Error(`No confirmation card for "${ask}"`);
        await h.submit(adele, data);
        const made = h.stack.graph
          .snapshot()
          .requests.filter((r) => r.principalId === adele.id && r.status === 'PendingApproval')
          .map((r) => String(r.id))
          .find((id) => !ids.includes(id));
        if (!made) throw new Error(`"${ask}" did not wait for approval`);
        ids.push(made);
      }
      // Every copy delivered before the decision, so the latency is the decision's alone.
      for (const id of ids)
        await until(async () => ((await h.bot.requests.get(id))?.approval?.copies.length ?? 0) >= 3);
      await Promise.all(
        ids.map(async (id) => {
          // A random moment within the chain's period: the decision lands anywhere between two reads.
          await new Promise((r) => setTimeout(r, Math.random() * SLOT_MS));
          const decidedAt = Date.now();
          const res = await fetch(`${h.stack.graph.url}/_sim/requests/${id}/decision`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ approverId: nestor.id, reviewResult: 'Approve', justification: 'bench' }),
          });
          if (res.status !== 204) throw new Error(`portal decision refused: ${res.status} ${await res.text()}`);
          const record = await h.bot.requests.get(id);
          const activityIds = [
            ...(record?.approval?.copies ?? []).map((c) => c.message.activityId),
            record?.chat?.statusMessageId ?? '',
          ];
          const updatedAt = () =>
            activityIds.map(
              (a) =>
                h.connector.calls
                  .filter((c) => c.operation === 'update' && c.activityId === a && c.receivedAt >= decidedAt)
                  .at(0)?.receivedAt,
            );
          await until(async () => updatedAt().every((t) => t !== undefined), 60_000);
          latencies.push(Math.max(...updatedAt().map((t) => t!)) - decidedAt);
        }),
      );
    }
  } finally {
    await h.close();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function runReconcileBench(log: (line: string) => void = console.log): Promise<ReconcileBench> {
  const callsPerMinute: ReconcileBench['callsPerMinute'] = [];
  for (const pending of [10, 100, 1000]) {
    const row = await callsAt(pending);
    callsPerMinute.push(row);
    log(
      `reconcile: ${pending} pending → ${row.callsPerSlot} Graph calls per 15 s slot, ${row.callsPerMinute} per minute`,
    );
  }
  const rounds = Number(process.env.BENCH_RECONCILE_ROUNDS ?? 5);
  const latency = await portalLatency(rounds);
  log(
    `reconcile: portal decision → every Teams copy updated: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms (max ${latency.maxMs} ms, ${latency.samples} decisions)`,
  );
  return { callsPerMinute, latency };
}

/**
 * Standalone: the simulators' CA must be trusted from process start (NODE_EXTRA_CA_CERTS is read once), so
 * the script makes the CA (.local/ca, as bench/run.ts) and runs itself again with it trusted.
 */
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

if (import.meta.url === `file://${process.argv[1]}` && trustedOrRestarted()) {
  runReconcileBench()
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
