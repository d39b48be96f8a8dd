import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { Person, PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { DueJobHandler, RunningJob, Scheduler } from '../scheduler/scheduler';
import { leaseHeld, readItem, updateItem } from '../store/compare-and-swap';
import type { KeyValueStore } from '../store/key-value-store';
import type { ApprovalCopies } from './approval-copies';
import { APPROVAL_JOBS } from './approval-jobs';
import { DECIDING_LEASE_MS } from './approval-rules';
import type { ApprovalTimers } from './approval-timers';
import { outcomeOf, type PimOutcome, type PimRequestState } from './pim-outcome';
import type { PimRequestStates } from './pim-request-states';

/** How often PIM is read while requests wait: a decision elsewhere reaches every Teams copy well within 60 s. */
export const RECONCILE_INTERVAL_MS = 15_000;
/** A run that started this long ago and never scheduled the next one died with its instance. */
const RUN_LEASE_MS = 2 * 60_000;
/** The one job id of the chain (the job type is approval.reconcile). */
const CHAIN_ID = 'pending-approvals';
const CHAIN_KEY = 'approvals/reconcile-chain';

/** Who decided, when PIM says so but app-only reads cannot tell who (approvals are delegated-only). */
const DECIDED_ELSEWHERE: Person = { aadObjectId: '', name: 'an approver outside Teams' };

/** The chain's shared state: the slot the next run is queued for, and when a run started. */
interface ChainState {
  nextAt?: string;
  runningSince?: string;
}

export interface ApprovalReconcilerDependencies {
  requests: PimRequestStore;
  storage: KeyValueStore;
  scheduler: Scheduler;
  copies: ApprovalCopies;
  timers: ApprovalTimers;
  states: Pick<PimRequestStates, 'read'>;
  logger: Logger;
  now: () => Date;
  intervalMs?: number;
}

/**
 * PIM is the source of truth: a decision made outside Teams (portal, e-mail link, PowerShell), a request
 * cancelled by its requester in the portal, and PIM's own 24 h expiry reach every Teams copy. One queued
 * job (`approval.reconcile`) reads PIM for every request waiting for approval, every 15 s while any
 * waits, on whichever instance receives it; one chain runs however many instances there are, because a
 * run takes its slot with compare-and-swap on a shared item and only the taker queues the next slot.
 * A request that PIM settled is settled here the same way as a decision in Teams: its status (reminders
 * and escalation stop, as they check it), every card, the requester's card, and the follow-up after an
 * approval.
 */
export class ApprovalReconciler {
  private readonly intervalMs: number;

  constructor(private readonly deps: ApprovalReconcilerDependencies) {
    this.intervalMs = deps.intervalMs ?? RECONCILE_INTERVAL_MS;
  }

  jobHandlers(): Record<string, DueJobHandler> {
    return { [APPROVAL_JOBS.reconcile]: (job) => this.run(job) };
  }

  /**
   * Makes sure a chain runs (a request just started waiting, or the instance started): queues the next
   * slot unless one is queued or a run is under way. Never throws: the request is in PIM either way.
   */
  async kick(): Promise<void> {
    const { deps } = this;
    const now = deps.now();
    const slot = new Date(now.getTime() + this.intervalMs).toISOString();
    try {
      const taken = await updateItem<ChainState>(
        deps.storage,
        CHAIN_KEY,
        (current) => {
          if (leaseHeld(current.runningSince, now, RUN_LEASE_MS)) return undefined;
          // A queued slot not yet past due (with a margin for a busy queue) is a live chain.
          if (current.nextAt && now.getTime() - new Date(current.nextAt).getTime() < RUN_LEASE_MS) return undefined;
          return { nextAt: slot };
        },
        { init: {} },
      );
      if (taken?.changed) await this.queue(slot);
    } catch (err) {
      deps.logger.warn(
        { err: errorSummary(err) },
        'approval reconciliation not queued; it starts with the next request',
      );
    }
  }

  /** Reads PIM for one request (before the bot lets it expire): its outcome once applied, undefined while it waits. */
  async settleOne(requestId: string): Promise<PimOutcome | undefined> {
    const request = await this.deps.requests.get(requestId);
    if (request?.status !== 'pendingApproval') return undefined;
    const state = (await this.deps.states.read([request])).get(request.id);
    return state ? this.apply(request, state) : undefined;
  }

  /** One slot of the chain: read every waiting request's state in PIM, settle those PIM settled, queue the next. */
  private async run(job: RunningJob<unknown>): Promise<void> {
    const { deps } = this;
    const slot = (job.payload as { slot?: unknown } | null)?.slot;
    const startedAt = deps.now().toISOString();
    const claimed = await updateItem<ChainState>(
      deps.storage,
      CHAIN_KEY,
      (current) => (current.nextAt === slot ? { runningSince: startedAt } : undefined),
      { init: {} },
    );
    // Another run took this slot (the job was delivered twice), or a newer chain replaced it.
    if (!claimed?.changed) return;
    let waiting = 0;
    try {
      waiting = await this.reconcile();
    } catch (err) {
      // PIM could not be read: the chain goes on and the next slot reads again.
      deps.logger.warn({ err: errorSummary(err) }, 'approval reconciliation could not read PIM');
      waiting = 1;
    }
    const next = new Date(deps.now().getTime() + this.intervalMs).toISOString();
    await updateItem<ChainState>(
      deps.storage,
      CHAIN_KEY,
      (current) => (current.runningSince === startedAt ? (waiting > 0 ? { nextAt: next } : {}) : undefined),
      { init: {} },
    );
    if (waiting > 0) await this.queue(next);
  }

  /** Settles what PIM settled; returns how many requests still wait. */
  private async reconcile(): Promise<number> {
    const pending = await this.deps.requests.pendingApproval();
    if (pending.length === 0) return 0;
    const states = await this.deps.states.read(pending);
    let waiting = 0;
    for (const request of pending) {
      const state = states.get(request.id);
      const outcome = state ? await this.apply(request, state) : undefined;
      if (!outcome) waiting++;
    }
    return waiting;
  }

  /** Records what PIM says and tells every copy; undefined while PIM still waits (or a click is deciding). */
  private async apply(request: PimRequest, state: PimRequestState): Promise<PimOutcome | undefined> {
    const { deps } = this;
    const outcome = outcomeOf(state);
    if (!outcome) return undefined;
    const now = deps.now();
    const decided = outcome === 'approved' || outcome === 'denied';
    const result = await deps.requests.update(request.id, (current) => {
      // An approver's click is on its way to PIM: it records the decision with the approver's name.
      if (current.status !== 'pendingApproval') return undefined;
      if (leaseHeld(current.steps.decide?.claimedAt, now, DECIDING_LEASE_MS)) return undefined;
      const { decide: _released, ...steps } = current.steps;
      return {
        ...current,
        status: outcome,
        steps,
        approval: current.approval && {
          ...current.approval,
          decision: decided
            ? { by: DECIDED_ELSEWHERE, at: (state.completedDateTime ?? now).toISOString() }
            : current.approval.decision,
        },
      };
    });
    if (!result?.changed) return result && result.value.status !== 'pendingApproval' ? outcome : undefined;
    deps.logger.info({ requestId: request.id, pimStatus: state.status, outcome }, 'request settled in PIM');
    await deps.copies.publish(result.value);
    if (outcome === 'approved') await deps.timers.followUp(request.id);
    return outcome;
  }

  private async queue(slot: string): Promise<void> {
    await this.deps.scheduler.at(new Date(slot), { type: APPROVAL_JOBS.reconcile, id: CHAIN_ID, payload: { slot } });
  }
}

/** For tests and diagnostics: the chain's shared state. */
export function readChainState(storage: KeyValueStore): Promise<ChainState | undefined> {
  return readItem<ChainState>(storage, CHAIN_KEY);
}
