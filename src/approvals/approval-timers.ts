import type { ActiveUntilReader } from '../activation/activation-lifecycle';
import type { Messenger } from '../notifications/messenger';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { RequestEvents } from '../requests/request-events';
import type { DueJobHandler, RunningJob, Scheduler } from '../scheduler/scheduler';
import { leaseHeld } from '../store/compare-and-swap';
import type { ApprovalCopies } from './approval-copies';
import { APPROVAL_JOBS } from './approval-jobs';

/** Approvers have 24 hours, not configurable in PIM. */
export const APPROVAL_WINDOW_MS = 24 * 3_600_000;
/** Follow-up reads after an approval until PIM shows the activation, then it is left to Graph's e-mail. */
const FOLLOW_DELAYS_MS = [0, 2_000, 5_000, 15_000, 30_000, 60_000, 120_000];

export interface ApprovalTimersDependencies {
  requests: PimRequestStore;
  messenger: Messenger;
  scheduler: Scheduler;
  copies: ApprovalCopies;
  /** App-only read of an activation's end, for the follow-up job (no user token outside a turn). */
  reader: ActiveUntilReader;
  /** An approved request that PIM provisioned is 'activated': the feed and expiry jobs follow it. */
  events: RequestEvents;
  /**
   * PIM's own view (ApprovalReconciler): `kick` keeps its reading going while requests wait, `settleOne`
   * reads one request and settles it as PIM says (an outcome), or undefined while PIM still waits.
   */
  pim?: { kick(): Promise<void>; settleOne(requestId: string): Promise<string | undefined> };
  settings: {
    /** Channel that gets requests nobody decided in time (before the 24 h limit). */
    fallbackChannelId?: string;
    reminderAfterMs: number;
    escalateAfterMs: number;
  };
  logger: Logger;
  now: () => Date;
}

/**
 * The approval's jobs, each on whichever instance receives it, each claiming its step on the request
 * with compare-and-swap so it happens once: remind the approvers, escalate to the fallback channel,
 * expire after PIM's 24 hours, and after an approval follow the request until PIM has provisioned it.
 */
export class ApprovalTimers {
  constructor(private readonly deps: ApprovalTimersDependencies) {}

  jobHandlers(): Record<string, DueJobHandler> {
    return {
      [APPROVAL_JOBS.remind]: (job) => this.remind(job.id),
      [APPROVAL_JOBS.escalate]: (job) => this.escalate(job.id),
      [APPROVAL_JOBS.expire]: (job) => this.expire(job.id),
      [APPROVAL_JOBS.follow]: (job) => this.follow(job),
    };
  }

  /**
   * Expiry, reminder and escalation jobs of a request, the expiry first (a request must not stay pending
   * for ever). One that cannot be queued is logged, not thrown: the request is in PIM either way. Marks
   * the step done, so `resume` at start-up does not queue them again.
   */
  async schedule(request: PimRequest): Promise<void> {
    const { scheduler, settings, logger } = this.deps;
    const requestedAt = new Date(request.requestedAt).getTime();
    const after = (ms: number) => new Date(requestedAt + ms);
    const id = request.id;
    const timers: Array<[Date, string]> = [
      [after(APPROVAL_WINDOW_MS), APPROVAL_JOBS.expire],
      [after(settings.reminderAfterMs), APPROVAL_JOBS.remind],
    ];
    if (settings.fallbackChannelId) timers.push([after(settings.escalateAfterMs), APPROVAL_JOBS.escalate]);
    let queued = true;
    for (const [at, type] of timers) {
      await scheduler.at(at, { type, id, payload: null }).catch((err) => {
        queued = false;
        logger.error({ err: errorSummary(err), requestId: id, jobType: type }, 'approval timer not queued');
      });
    }
    const doneAt = this.deps.now().toISOString();
    if (queued)
      await this.deps.requests.update(id, (c) =>
        c.steps.timers?.doneAt ? undefined : { ...c, steps: { ...c.steps, timers: { doneAt } } },
      );
    // A decision, a cancel or an expiry outside Teams must reach the cards too: PIM is read while it waits.
    await this.deps.pim?.kick();
  }

  /**
   * At start-up: queues the timers of pending requests that have none (their queueing failed, or the
   * instance stopped first). Duplicates are harmless: every handler claims its step.
   */
  async resume(): Promise<number> {
    let resumed = 0;
    const pending = await this.deps.requests.pendingApproval();
    if (pending.length > 0) await this.deps.pim?.kick();
    for (const request of pending) {
      if (request.steps.timers?.doneAt || !request.approval) continue;
      await this.schedule(request);
      resumed++;
    }
    if (resumed > 0) this.deps.logger.info({ resumed }, 'approval timers queued for pending requests');
    return resumed;
  }

  /** After the approval, PIM provisions the assignment: a follow-up job reads until it is in effect. */
  async followUp(requestId: string): Promise<void> {
    await this.deps.scheduler
      .at(this.deps.now(), { type: APPROVAL_JOBS.follow, id: requestId, payload: { attempt: 0 } })
      .catch((err) => this.deps.logger.error({ err: errorSummary(err) }, 'approval follow-up not scheduled'));
  }

  /** Still undecided after the reminder delay: each approver is nudged once. */
  private async remind(requestId: string): Promise<void> {
    const { deps } = this;
    const at = deps.now().toISOString();
    const claimed = await deps.requests.update(requestId, (current) =>
      current.status !== 'pendingApproval' || current.steps.remind
        ? undefined
        : { ...current, steps: { ...current.steps, remind: { claimedAt: at, doneAt: at } } },
    );
    if (!claimed?.changed) return;
    const request = claimed.value;
    for (const copy of (request.approval?.copies ?? []).filter((c) => c.audience === 'approver')) {
      await deps.messenger
        .send(copy.message.conversation, { kind: 'approvalReminder', request })
        .catch((err) => deps.logger.warn({ err: errorSummary(err) }, 'reminder not delivered'));
    }
    deps.logger.info({ requestId }, 'approvers reminded');
  }

  /** Still undecided after the escalation delay: the card goes to the fallback channel too. */
  private async escalate(requestId: string): Promise<void> {
    const { deps } = this;
    const channelId = deps.settings.fallbackChannelId;
    if (!channelId) return;
    const now = deps.now();
    let busyElsewhere = false;
    const claimed = await deps.requests.update(requestId, (current) => {
      const step = current.steps.escalate;
      if (current.status !== 'pendingApproval' || step?.doneAt) return undefined;
      // A claim is a lease: if the instance that took it stopped before posting, it lapses.
      if (leaseHeld(step?.claimedAt, now)) {
        busyElsewhere = true;
        return undefined;
      }
      return { ...current, steps: { ...current.steps, escalate: { claimedAt: now.toISOString() } } };
    });
    if (busyElsewhere) throw new Error(`Approval ${requestId} is being escalated elsewhere; will check again.`);
    if (!claimed?.changed) return;
    const request = claimed.value;
    const via = request.chat?.conversation;
    const message = via ? await deps.copies.postToChannel(channelId, request, via) : undefined;
    if (!message) {
      // Not posted: give the claim back so the job's retry posts it.
      await deps.requests.update(requestId, (c) => {
        if (!c.steps.escalate?.claimedAt) return undefined;
        const { escalate: _released, ...steps } = c.steps;
        return { ...c, steps };
      });
      throw new Error(`Approval ${requestId} not escalated: the fallback channel could not be reached; will retry.`);
    }
    await deps.requests.update(requestId, (c) => ({
      ...c,
      steps: { ...c.steps, escalate: { ...c.steps.escalate, doneAt: deps.now().toISOString() } },
      approval: c.approval && {
        ...c.approval,
        copies: [...c.approval.copies, { audience: 'channel', channelId, message }],
      },
    }));
    deps.logger.info({ requestId, channelId }, 'approval escalated');
  }

  /**
   * Nobody decided within PIM's 24 hours: every card says so and the requester is told. PIM is asked
   * first, so a request approved, denied or cancelled outside Teams never shows "Expired" (a failed read
   * fails the job, and its retry asks again).
   */
  private async expire(requestId: string): Promise<void> {
    if (await this.deps.pim?.settleOne(requestId)) return;
    const result = await this.deps.requests.update(requestId, (current) => {
      if (current.status !== 'pendingApproval') return undefined;
      const { decide: _released, ...steps } = current.steps;
      return { ...current, status: 'timedOut', steps };
    });
    if (result?.changed) await this.deps.copies.publish(result.value);
  }

  /** After approval, PIM provisions the assignment; then it is active and everyone who follows it is told. */
  private async follow(job: RunningJob<unknown>): Promise<void> {
    const { deps } = this;
    const request = await deps.requests.get(job.id);
    if (!request || (request.status !== 'approved' && request.status !== 'active')) return;
    if (request.steps.activated?.doneAt) return;
    if (request.status === 'active') {
      // An earlier run saw it provisioned but did not finish telling everyone: finish that.
      await this.activated(request);
      return;
    }
    const attempt = Number((job.payload as { attempt?: unknown } | null)?.attempt) || 0;
    // The assignment instance itself says it is provisioned: no need to read the request first.
    const until = await deps.reader.activeUntil(request.requester.aadObjectId, request.target);
    if (until !== undefined) {
      const end = until ?? null;
      const start = end ? new Date(end.getTime() - request.durationMinutes * 60_000) : deps.now();
      const active = await deps.requests.update(request.id, (c) =>
        c.status === 'approved'
          ? { ...c, status: 'active', activeFrom: start.toISOString(), activeUntil: end?.toISOString() ?? null }
          : undefined,
      );
      if (active?.value.status === 'active') await this.activated(active.value);
      return;
    }
    const next = FOLLOW_DELAYS_MS[attempt + 1];
    if (next === undefined) {
      deps.logger.warn({ requestId: job.id }, 'approved request not provisioned after the follow-up; left to PIM');
      return;
    }
    await deps.scheduler.at(new Date(deps.now().getTime() + next), {
      type: APPROVAL_JOBS.follow,
      id: job.id,
      payload: { attempt: attempt + 1 },
    });
  }

  /**
   * The approved activation is in effect: the feed announces it and its expiry jobs are queued (each
   * safe to repeat), then the requester's card says until when. A failed card update fails the job, and
   * its retry finishes what this run began.
   */
  private async activated(request: PimRequest): Promise<void> {
    const { deps } = this;
    // Its followers are told once (the feed posts, the expiry jobs are queued); a retry after a failed card
    // update only finishes the card.
    const claimedAt = deps.now().toISOString();
    const first = await deps.requests.update(request.id, (c) =>
      c.steps.activated?.claimedAt ? undefined : { ...c, steps: { ...c.steps, activated: { claimedAt } } },
    );
    if (first?.changed) await deps.events.publish({ type: 'activated', request: first.value });
    const chat = request.chat;
    if (chat?.statusMessageId) {
      await deps.messenger.update(
        { conversation: chat.conversation, activityId: chat.statusMessageId },
        { kind: 'requestStatus', request },
      );
    }
    const doneAt = deps.now().toISOString();
    await deps.requests.update(request.id, (c) => ({
      ...c,
      steps: { ...c.steps, activated: { ...c.steps.activated, doneAt } },
    }));
  }
}
