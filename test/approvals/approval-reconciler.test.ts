import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ApprovalCopies } from '../../src/approvals/approval-copies';
import { ApprovalReconciler } from '../../src/approvals/approval-reconciler';
import { ApprovalTimers } from '../../src/approvals/approval-timers';
import type { PimRequestState } from '../../src/approvals/pim-outcome';
import type { Messenger } from '../../src/notifications/messenger';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import { RequestEvents } from '../../src/requests/request-events';
import type { Job, RunningJob, Scheduler } from '../../src/scheduler/scheduler';
import { MemoryStore } from '../../src/store/memory-store';

/**
 * One reconciliation chain however many instances: two reconcilers on one shared store (two instances)
 * queue one job between them, a job delivered twice reads PIM once, and the chain stops when nothing
 * waits. PIM is a table of states standing for the simulator (the Graph side is covered end to end in
 * test/bot/approval-reconciliation.test.ts).
 */

const quiet = pino({ level: 'silent' });
const messenger = new Proxy({} as Messenger, { get: () => async () => ({ conversation: {}, activityId: 'a1' }) });

function instance(storage: MemoryStore, pim: Map<string, PimRequestState>, reads: { count: number }) {
  const queued: Job[] = [];
  const scheduler: Scheduler = {
    at: async (_at, job) => {
      queued.push(job);
    },
    start: () => undefined,
    stop: async () => undefined,
  };
  const requests = new PimRequestStore(storage);
  const copies = new ApprovalCopies(messenger, quiet);
  const now = () => new Date();
  const timers = new ApprovalTimers({
    requests,
    messenger,
    scheduler,
    copies,
    reader: { activeUntil: async () => undefined },
    events: new RequestEvents(quiet),
    settings: { reminderAfterMs: 3_600_000, escalateAfterMs: 7_200_000 },
    logger: quiet,
    now,
  });
  const states = {
    read: async (list: readonly PimRequest[]) => {
      reads.count++;
      return new Map(list.map((r) => [r.id, pim.get(r.id) ?? null]));
    },
  };
  const reconciler = new ApprovalReconciler({
    requests,
    storage,
    scheduler,
    copies,
    timers,
    states,
    logger: quiet,
    now,
  });
  const run = (job: Job) => reconciler.jobHandlers()['approval.reconcile']!({ ...job, attempt: 1 } as RunningJob);
  return { reconciler, queued, requests, run };
}

function waiting(id: string): PimRequest {
  return newRequest({
    id,
    target: { kind: 'role', roleDefinitionId: 'r1', directoryScopeId: '/', displayName: 'Global Administrator' },
    requester: { aadObjectId: 'adele', name: 'Adele' },
    durationMinutes: 60,
    requestedAt: new Date().toISOString(),
    status: 'pendingApproval',
    approval: { approvalId: id, approvers: [], hints: [], copies: [] },
  });
}

const state = (id: string, status: string): PimRequestState => ({
  id,
  status,
  createdDateTime: new Date(),
  completedDateTime: new Date(),
});

describe('approval.reconcile across instances', () => {
  it('two instances kick: one job; delivered to both, PIM is read once; the chain goes on while requests wait', async () => {
    const storage = new MemoryStore();
    const pim = new Map([['req-1', state('req-1', 'PendingApproval')]]);
    const reads = { count: 0 };
    const a = instance(storage, pim, reads);
    const b = instance(storage, pim, reads);
    await a.requests.create(waiting('req-1'));
    await Promise.all([a.reconciler.kick(), b.reconciler.kick(), a.reconciler.kick()]);
    const jobs = [...a.queued, ...b.queued];
    expect(jobs).toHaveLength(1);
    await Promise.all([a.run(jobs[0]!), b.run(jobs[0]!)]);
    expect(reads.count).toBe(1);
    // Still waiting in PIM: the next slot is queued, once.
    const next = [...a.queued, ...b.queued].slice(1);
    expect(next).toHaveLength(1);

    // PIM says Denied (decided in the portal): the record follows and the chain stops.
    pim.set('req-1', state('req-1', 'Denied'));
    await b.run(next[0]!);
    expect(reads.count).toBe(2);
    expect((await a.requests.get('req-1'))?.status).toBe('denied');
    expect([...a.queued, ...b.queued]).toHaveLength(2);
  });

  it.each([
    ['Provisioned', 'approved'],
    ['Granted', 'approved'],
    ['Denied', 'denied'],
    ['Canceled', 'canceled'],
  ])('PIM status %s settles the request as %s', async (status, expected) => {
    const storage = new MemoryStore();
    const pim = new Map([['req-2', state('req-2', status)]]);
    const one = instance(storage, pim, { count: 0 });
    await one.requests.create(waiting('req-2'));
    expect(await one.reconciler.settleOne('req-2')).toBe(expected);
    expect((await one.requests.get('req-2'))?.status).toBe(expected);
  });

  it('a Canceled that PIM completed at the 24 h deadline is its expiry (timedOut), not the requester', async () => {
    const storage = new MemoryStore();
    const created = new Date(Date.now() - 25 * 3_600_000);
    const pim = new Map([
      [
        'req-3',
        {
          id: 'req-3',
          status: 'Canceled',
          createdDateTime: created,
          completedDateTime: new Date(created.getTime() + 24 * 3_600_000),
        },
      ],
    ]);
    const one = instance(storage, pim, { count: 0 });
    await one.requests.create(waiting('req-3'));
    expect(await one.reconciler.settleOne('req-3')).toBe('timedOut');
  });
});
