import type { Messenger } from '../notifications/messenger';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimClient } from '../pim/pim-client';
import type { PimError } from '../pim/pim-error';
import type { PimTarget } from '../pim/pim-types';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { DueJobHandler, RunningJob, Scheduler } from '../scheduler/scheduler';
import type { ConversationAddress } from '../shared/conversation-address';
import { leaseHeld, readItem, updateItem, writeItem } from '../store/compare-and-swap';
import type { KeyValueStore } from '../store/key-value-store';
import type { ActivationService } from './activation-service';
import type { QueuedActivation, QueuedActivationProblem } from './queued-activation-record';

export type { QueuedActivation, QueuedActivationProblem } from './queued-activation-record';

export const AGAIN_JOB = 'activation.again';

/** The user's PIM client outside a turn (their token, as in chat), or undefined when they must sign in. */
export interface RequesterSessions {
  pimFor(chat: ConversationAddress, userId: string): Promise<PimClient | undefined>;
}

export type QueueResult =
  | { kind: 'queued'; queued: QueuedActivation }
  /** The activation is over (or never was): activate now instead, with the same details. */
  | { kind: 'ended'; prefill: Prefill }
  | { kind: 'unknown' };

/** What the user asked for last time, for a new activation they confirm. */
export interface Prefill {
  targetKeyOf: PimTarget;
  minutes: number;
  justification?: string;
  ticket?: string;
}

export interface QueuedActivationDependencies {
  requests: PimRequestStore;
  store: KeyValueStore;
  scheduler: Scheduler;
  messenger: Messenger;
  activation: ActivationService;
  sessions: RequesterSessions;
  logger: Logger;
  now?: () => Date;
}

/** A new request a few seconds after the end may still meet the old assignment: retried this much later. */
const STILL_ACTIVE_RETRY_MS = 30_000;
const STILL_ACTIVE_RETRIES = 10;
/** Within this of the planned start, the new request still starts at the old end. */
const ON_TIME_MS = 5 * 60_000;

const keyOf = (id: string) => `queued-activation/${id}`;

/** PIM's refusal as the record keeps it: the reasons' codes and values, and the English words for logs. */
const refusal = (error: PimError): QueuedActivationProblem => ({
  code: 'refused',
  reasons: [...error.reasons],
  message: error.userText,
});

/**
 * Queues "Activate again" for when the running activation ends, cancels it, and submits it then: a
 * queued job (any instance, at least once), claimed with compare-and-swap so it is submitted once.
 */
export class QueuedActivations {
  private readonly now: () => Date;

  constructor(private readonly deps: QueuedActivationDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  get(id: string): Promise<QueuedActivation | undefined> {
    return readItem<QueuedActivation>(this.deps.store, keyOf(id));
  }

  /**
   * The user clicked Activate again on their activation `requestId`: queued if it is still running (the
   * same queue again when clicked twice), else what to prefill a new one with. Only the requester's own.
   */
  async queue(requestId: string, userId: string, conversation: ConversationAddress): Promise<QueueResult> {
    const request = await this.deps.requests.get(requestId);
    if (!request || request.requester.aadObjectId.toLowerCase() !== userId.toLowerCase()) return { kind: 'unknown' };
    const prefill: Prefill = {
      targetKeyOf: request.target,
      minutes: request.durationMinutes,
      justification: request.justification,
      ticket: request.ticket?.ticketNumber,
    };
    const end = request.activeUntil ? new Date(request.activeUntil) : undefined;
    if (request.status !== 'active' || !end || end.getTime() <= this.now().getTime()) return { kind: 'ended', prefill };
    const existing = await this.get(requestId);
    if (existing?.state === 'queued' || existing?.state === 'submitting') return { kind: 'queued', queued: existing };
    const queued: QueuedActivation = {
      id: requestId,
      userId: request.requester.aadObjectId,
      userName: request.requester.name,
      target: request.target,
      durationMinutes: request.durationMinutes,
      justification: request.justification,
      ticket: request.ticket,
      startAt: end.toISOString(),
      // The chat it was clicked in, in the requester's zone and language as when they asked.
      chat: { conversation, timeZone: request.chat?.timeZone, locale: request.chat?.locale },
      state: 'queued',
    };
    await writeItem(this.deps.store, keyOf(requestId), queued);
    await this.deps.scheduler.at(end, { type: AGAIN_JOB, id: requestId, payload: {} });
    this.deps.logger.info({ requestId, startAt: queued.startAt }, 'activation queued to follow the running one');
    return { kind: 'queued', queued };
  }

  /** The card that says it is queued, so the job updates it in place. */
  async rememberMessage(id: string, messageId: string): Promise<void> {
    await updateItem<QueuedActivation>(this.deps.store, keyOf(id), (q) => ({ ...q, messageId }));
  }

  /** Cancel: only the user's own, and only while not yet submitted. */
  async cancel(id: string, userId: string): Promise<QueuedActivation | undefined> {
    const result = await updateItem<QueuedActivation>(this.deps.store, keyOf(id), (q) =>
      q.userId.toLowerCase() === userId.toLowerCase() && q.state === 'queued' ? { ...q, state: 'canceled' } : undefined,
    );
    const current = result?.value;
    return current && current.userId.toLowerCase() === userId.toLowerCase() ? current : undefined;
  }

  jobHandlers(): Record<string, DueJobHandler> {
    return { [AGAIN_JOB]: (job) => this.submitDue(job) };
  }

  /** At the end of the running activation: the same request, starting then, on the user's behalf. */
  private async submitDue(job: RunningJob<unknown>): Promise<void> {
    const now = this.now();
    let busyElsewhere = false;
    const claimed = await updateItem<QueuedActivation>(this.deps.store, keyOf(job.id), (q) => {
      if (q.state === 'submitting' && leaseHeld(q.claimedAt, now)) busyElsewhere = true;
      if (q.state !== 'queued' && !(q.state === 'submitting' && !busyElsewhere)) return undefined;
      return { ...q, state: 'submitting', claimedAt: now.toISOString() };
    });
    if (busyElsewhere) throw new Error(`Queued activation ${job.id} is being submitted elsewhere; will check again.`);
    if (!claimed?.changed) return;
    const queued = claimed.value;
    const pim = await this.deps.sessions.pimFor(queued.chat.conversation, queued.userId).catch((err: unknown) => {
      this.deps.logger.warn({ err: errorSummary(err), requestId: queued.id }, 'no sign-in for the queued activation');
      return undefined;
    });
    if (!pim) {
      await this.settle(queued, { state: 'failed', problem: { code: 'noSignIn' } });
      return;
    }
    // On time (the job's own delay), it starts exactly as the old one ends: no gap. Much later (the job
    // waited for an instance, or for PIM to remove the old assignment), it starts now.
    const planned = Date.parse(queued.startAt);
    const startAt = new Date(now.getTime() - planned > ON_TIME_MS ? now.getTime() : planned);
    const outcome = await this.deps.activation.submit(
      { person: { aadObjectId: queued.userId, name: queued.userName }, pim, chat: queued.chat },
      {
        target: queued.target,
        durationMinutes: queued.durationMinutes,
        justification: queued.justification,
        ticket: queued.ticket,
        policy: await this.deps.activation.policyFor(pim, queued.target),
        startDateTime: startAt,
      },
      async (answer) => {
        if (answer.kind !== 'active' && answer.kind !== 'pendingApproval') return;
        // The new request's own status card, which its followers (approval, expiry) keep up to date.
        const sent = await this.deps.messenger.send(queued.chat.conversation, {
          kind: 'requestStatus',
          request: answer.request,
        });
        await this.deps.requests.update(answer.request.id, (r) =>
          r.chat ? { ...r, chat: { ...r.chat, statusMessageId: sent.activityId } } : undefined,
        );
      },
    );
    if (outcome.kind === 'refused' && outcome.error.graphCode === 'RoleAssignmentExists') {
      // PIM removes an ended assignment "within seconds": give the claim back and try again shortly.
      const retries = (queued.retries ?? 0) + 1;
      if (retries <= STILL_ACTIVE_RETRIES) {
        await updateItem<QueuedActivation>(this.deps.store, keyOf(queued.id), (q) =>
          q.state === 'submitting' ? { ...q, state: 'queued', claimedAt: undefined, retries } : undefined,
        );
        await this.deps.scheduler.at(new Date(now.getTime() + STILL_ACTIVE_RETRY_MS), {
          type: AGAIN_JOB,
          id: job.id,
          payload: {},
        });
      } else await this.settle(queued, { state: 'failed', problem: refusal(outcome.error) });
      return;
    }
    if (outcome.kind === 'active' || outcome.kind === 'pendingApproval')
      await this.settle(queued, { state: 'submitted', newRequestId: outcome.request.id });
    else
      await this.settle(queued, {
        state: 'failed',
        problem:
          outcome.kind === 'refused' ? refusal(outcome.error) : { code: 'unexpectedStatus', status: outcome.status },
      });
  }

  /** Recorded, then the queued card says what became of it. */
  private async settle(queued: QueuedActivation, change: Partial<QueuedActivation>): Promise<void> {
    const result = await updateItem<QueuedActivation>(this.deps.store, keyOf(queued.id), (q) =>
      q.state === 'submitting' ? { ...q, ...change, claimedAt: undefined } : undefined,
    );
    if (!result?.changed) return;
    const done = result.value;
    this.deps.logger.info({ requestId: done.id, state: done.state }, 'queued activation settled');
    const notice = { kind: 'queuedActivation', queued: done } as const;
    if (done.messageId)
      await this.deps.messenger.update({ conversation: done.chat.conversation, activityId: done.messageId }, notice);
    else if (done.state === 'failed') await this.deps.messenger.send(done.chat.conversation, notice);
  }
}
