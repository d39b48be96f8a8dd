import type { Messenger } from '../notifications/messenger';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimTargetRef } from '../pim/pim-types';
import { hasEnded, type PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { RequestEvent } from '../requests/request-events';
import type { DueJobHandler, RunningJob, Scheduler } from '../scheduler/scheduler';
import { leaseHeld } from '../store/compare-and-swap';

export const WARN_JOB = 'activation.warn';
export const END_JOB = 'activation.end';

/** What an ending activation's jobs read: when it ends now, with the bot's own app-only credential. */
export interface ActiveUntilReader {
  activeUntil(principalId: string, target: PimTargetRef): Promise<Date | null | undefined>;
}

export interface ActivationLifecycleDependencies {
  requests: PimRequestStore;
  scheduler: Scheduler;
  messenger: Messenger;
  reader: ActiveUntilReader;
  /** The channel feed card of the activation is turned Expired / Deactivated too. */
  feed?: { ended(id: string, state: 'expired' | 'deactivated', at: Date): Promise<void> };
  logger: Logger;
  /** Minutes before the end to warn the requester; 0: no warning. */
  warningMinutes: number;
  now?: () => Date;
}

/** Ends reported within this of the planned end count as "expired" rather than "deactivated early". */
const END_TOLERANCE_MS = 60_000;

/**
 * The end of an activation, as the requester lives it: a warning card N minutes before (Deactivate
 * now / Activate again), then their status card turned Expired (or Deactivated) in place, the channel
 * feed card with it. Both steps are queued jobs (any instance runs them) and idempotent: each reads
 * the activation from Graph with the app's credential and claims its step with compare-and-swap.
 */
export class ActivationLifecycle {
  private readonly now: () => Date;

  constructor(private readonly deps: ActivationLifecycleDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Follows activations made in chat (at once, or once approved and provisioned), and early ends. */
  async onEvent(event: RequestEvent): Promise<void> {
    if (event.type === 'deactivatedByUser') await this.deactivatedByUser(event.userId, event.target, event.at);
    else if (event.request.status === 'active') await this.track(event.request);
  }

  /** An activation is in effect: schedule its warning and its end (safe to repeat). */
  async track(request: PimRequest): Promise<void> {
    if (!request.chat || !request.activeUntil) return;
    await this.deps.requests.setLatest(request);
    await this.schedule(request, new Date(request.activeUntil));
  }

  /** The user ended it through the bot: their status card says so now, not at the planned end. */
  async deactivatedByUser(userId: string, target: PimTargetRef, at = this.now()): Promise<void> {
    const request = await this.deps.requests.latest(userId, target);
    if (request?.status === 'active') await this.finish(request, 'deactivated', at);
  }

  /**
   * Graph shows the activation ended (the activation watcher saw it go): it is recorded (the first end
   * wins), and every card says so now, the requester's and the channels'. Called again for an end whose
   * cards were not all updated, it updates the rest.
   */
  async ended(id: string, state: 'expired' | 'deactivated', at: Date): Promise<void> {
    const request = await this.deps.requests.get(id);
    if (request?.status === 'active') await this.finish(request, state, at);
    else if (request && hasEnded(request)) await this.publishEnd(request);
  }

  jobHandlers(): Record<string, DueJobHandler> {
    return {
      [WARN_JOB]: (job) => this.warn(job),
      [END_JOB]: (job) => this.end(job),
    };
  }

  /**
   * The end job, and the warning before it. A new activation shorter than the warning time gets none
   * (it would come as it starts); an end moved later (`lateWarning`) is warned at once if its warning
   * time has already passed.
   */
  private async schedule(request: PimRequest, end: Date, lateWarning = false): Promise<void> {
    const { scheduler, warningMinutes } = this.deps;
    const payload = { end: end.toISOString() };
    const now = this.now().getTime();
    const warnAt = new Date(end.getTime() - warningMinutes * 60_000);
    if (warningMinutes > 0 && warnAt.getTime() > now) {
      await scheduler.at(warnAt, { type: WARN_JOB, id: request.id, payload });
    } else if (warningMinutes > 0 && lateWarning && end.getTime() - now > END_TOLERANCE_MS) {
      await scheduler.at(new Date(now), { type: WARN_JOB, id: request.id, payload });
    }
    await scheduler.at(end, { type: END_JOB, id: request.id, payload });
  }

  /** N minutes before the end: one warning per end, and only if it is still active then. */
  private async warn(job: RunningJob<unknown>): Promise<void> {
    const request = await this.deps.requests.get(job.id);
    const plannedEnd = endOf(job);
    if (!request || !plannedEnd || request.status !== 'active' || request.activeUntil !== plannedEnd.toISOString())
      return;
    const until = await this.deps.reader.activeUntil(request.requester.aadObjectId, request.target);
    if (until === undefined) {
      // Already gone (deactivated in the portal, or removed): the end job says so on the card.
      if (this.now().getTime() < plannedEnd.getTime()) await this.finish(request, 'deactivated', this.now());
      return;
    }
    if (until === null) return; // no end any more (made permanent): nothing to warn about
    if (!sameEnd(until, plannedEnd)) {
      // Its end moved (an administrator extended it): warn and end on the new schedule instead.
      await this.moveEnd(request, until);
      return;
    }
    const planned = plannedEnd.toISOString();
    const now = this.now();
    let busyElsewhere = false;
    const claimed = await this.deps.requests.update(request.id, (current) => {
      const step = current.steps.warn;
      if (current.status !== 'active' || current.activeUntil !== planned) return undefined;
      if (step?.for === planned && step.doneAt) return undefined;
      // A claim is a lease: if the instance that took it stopped before sending, it lapses.
      if (step?.for === planned && leaseHeld(step.claimedAt, now)) {
        busyElsewhere = true;
        return undefined;
      }
      return { ...current, steps: { ...current.steps, warn: { for: planned, claimedAt: now.toISOString() } } };
    });
    if (busyElsewhere) throw new Error(`Expiry warning ${request.id} is being sent elsewhere; will check again.`);
    if (!claimed?.changed || !claimed.value.chat) return;
    const remaining = Math.max(1, Math.round((plannedEnd.getTime() - now.getTime()) / 60_000));
    let activityId: string;
    try {
      ({ activityId } = await this.deps.messenger.send(claimed.value.chat.conversation, {
        kind: 'expiryWarning',
        request: claimed.value,
        endsAt: plannedEnd,
        remainingMinutes: remaining,
      }));
    } catch (err) {
      // Not sent: give the claim back so the job's retry sends it.
      await this.deps.requests.update(request.id, (current) => {
        if (current.steps.warn?.for !== planned || current.steps.warn.doneAt) return undefined;
        const { warn: _released, ...steps } = current.steps;
        return { ...current, steps };
      });
      throw err;
    }
    // Sent: done for this end, and remembered so the warning becomes the final card when it ends.
    await this.deps.requests.update(request.id, (current) => ({
      ...current,
      steps: { ...current.steps, warn: { ...current.steps.warn, for: planned, doneAt: this.now().toISOString() } },
      chat: current.chat && { ...current.chat, warningMessageId: activityId },
    }));
    this.deps.logger.info({ requestId: request.id, minutesLeft: remaining }, 'expiry warning sent');
  }

  /** At the end: the status card and the feed card say Expired (or Deactivated, if it ended early). */
  private async end(job: RunningJob<unknown>): Promise<void> {
    const request = await this.deps.requests.get(job.id);
    const plannedEnd = endOf(job);
    if (!request || !plannedEnd || request.activeUntil !== plannedEnd.toISOString()) return;
    if (hasEnded(request)) {
      // A previous run recorded the end but may have stopped before the cards: finishing again is harmless.
      if (!request.steps.ended?.doneAt) await this.publishEnd(request);
      return;
    }
    if (request.status !== 'active') return;
    const now = this.now();
    const until = await this.deps.reader.activeUntil(request.requester.aadObjectId, request.target);
    if (until === null) return; // no end any more (made permanent)
    if (until !== undefined && until.getTime() > now.getTime() + END_TOLERANCE_MS) {
      if (!sameEnd(until, plannedEnd)) await this.moveEnd(request, until);
      // Graph still shows it active past the planned end: look again at its end.
      else
        await this.deps.scheduler.at(until, { type: END_JOB, id: request.id, payload: { end: request.activeUntil } });
      return;
    }
    const expired = now.getTime() >= plannedEnd.getTime() - END_TOLERANCE_MS;
    await this.finish(request, expired ? 'expired' : 'deactivated', expired ? plannedEnd : now);
  }

  private async moveEnd(request: PimRequest, until: Date): Promise<void> {
    const moved = await this.deps.requests.update(request.id, (current) => {
      if (current.status !== 'active' || current.activeUntil === until.toISOString()) return undefined;
      const { warn: _reset, ...steps } = current.steps;
      return { ...current, activeUntil: until.toISOString(), steps };
    });
    if (moved?.changed) await this.schedule(moved.value, until, true);
  }

  /** The first end recorded wins (a late "deactivated" never turns an "expired" card around). */
  private async finish(request: PimRequest, state: 'expired' | 'deactivated', at: Date): Promise<void> {
    const claimed = await this.deps.requests.update(request.id, (current) =>
      current.status === 'active' ? { ...current, status: state, endedAt: at.toISOString() } : undefined,
    );
    if (claimed?.changed) {
      this.deps.logger.info({ requestId: request.id, state }, 'activation ended');
      await this.publishEnd(claimed.value);
    } else if (claimed && hasEnded(claimed.value) && !claimed.value.steps.ended?.doneAt) {
      // Ended by another path meanwhile (the watcher, the end job): make sure its cards say so.
      await this.publishEnd(claimed.value);
    }
  }

  /** The status card (and the warning card, if one was sent) and the feed card say it ended. */
  private async publishEnd(request: PimRequest): Promise<void> {
    const state = request.status;
    if (state !== 'expired' && state !== 'deactivated') return;
    const chat = request.chat;
    const cards = chat ? [chat.statusMessageId, chat.warningMessageId].filter((id): id is string => Boolean(id)) : [];
    // Each update on its own: one card that cannot be updated does not keep the others (or the feed) stale.
    const results = await Promise.allSettled([
      ...cards.map((activityId) =>
        this.deps.messenger.update(
          { conversation: chat!.conversation, activityId },
          { kind: 'requestStatus', request },
        ),
      ),
      this.deps.feed?.ended(request.id, state, new Date(request.endedAt ?? this.now())) ?? Promise.resolve(),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isGone(r.reason));
    if (failed) throw failed.reason; // the end job's retry publishes again
    for (const r of results) {
      // 403/404: the chat or message is gone, or the bot was removed; retrying cannot help.
      if (r.status === 'rejected')
        this.deps.logger.info({ err: errorSummary(r.reason) }, 'ended card not updated: it is gone');
    }
    // Its cards say it ended: a later run of its jobs finds nothing to do, and "deactivate" no longer finds it.
    const doneAt = this.now().toISOString();
    await this.deps.requests.update(request.id, (c) =>
      c.steps.ended?.doneAt ? undefined : { ...c, steps: { ...c.steps, ended: { doneAt } } },
    );
    await this.deps.requests.clearLatest(request);
  }
}

function isGone(err: unknown): boolean {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return status === 403 || status === 404;
}

/** Graph's end and the one the bot computed differ by seconds (start taken at submit vs at provisioning). */
function sameEnd(a: Date, b: Date): boolean {
  return Math.abs(a.getTime() - b.getTime()) <= END_TOLERANCE_MS;
}

function endOf(job: RunningJob<unknown>): Date | undefined {
  const end = (job.payload as { end?: unknown } | null)?.end;
  const date = typeof end === 'string' ? new Date(end) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
