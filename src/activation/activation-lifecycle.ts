import { type Activity, CardFactory, type ConversationReference, MessageFactory } from 'botbuilder';
import { type AdaptiveCard, expiryWarningCard, statusCard } from '../../cards';
import type { Messenger } from '../notifications/messenger';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import { describeMinutes } from '../pim/iso-duration';
import type { PimTarget, PimTargetRef } from '../pim/pim-types';
import type { DueJobHandler, RunningJob, Scheduler } from '../scheduler/scheduler';
import { formatLocalTime } from '../shared/local-time';
import type { ActivationEndState, ActivationRecord, ActivationRecordStore } from '../store/activation-records';
import { leaseHeld } from '../store/compare-and-swap';
import { targetKey } from './target-key';

export const WARN_JOB = 'activation.warn';
export const END_JOB = 'activation.end';

/** What an ending activation's jobs read: when it ends now, with the bot's own app-only credential. */
export interface ActiveUntilReader {
  activeUntil(principalId: string, target: PimTargetRef): Promise<Date | null | undefined>;
}

export interface ActivationLifecycleDependencies {
  records: ActivationRecordStore;
  scheduler: Scheduler;
  messenger: Messenger;
  reader: ActiveUntilReader;
  /** The channel feed card of the activation is turned Expired / Deactivated too. */
  feed?: { ended(key: string, state: ActivationEndState, at: Date): Promise<void> };
  logger: Logger;
  /** Minutes before the end to warn the requester; 0: no warning. */
  warningMinutes: number;
  now?: () => Date;
}

export interface TrackedActivation {
  requestId: string;
  requester: { aadObjectId: string; name: string };
  target: PimTarget;
  start: Date;
  end: Date;
  durationMinutes: number;
  justification?: string;
  ticket?: string;
  timeZone?: string;
  locale?: string;
  conversation: Partial<ConversationReference>;
  statusActivityId?: string;
}

const card = (content: AdaptiveCard): Partial<Activity> => MessageFactory.attachment(CardFactory.adaptiveCard(content));
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

  /** An activation is in effect: remember it and schedule its warning and its end. */
  async track(input: TrackedActivation): Promise<void> {
    const record: ActivationRecord = {
      id: input.requestId,
      requester: input.requester,
      target: input.target,
      startDateTime: input.start.toISOString(),
      endDateTime: input.end.toISOString(),
      durationMinutes: input.durationMinutes,
      justification: input.justification,
      ticket: input.ticket,
      timeZone: input.timeZone,
      locale: input.locale,
      conversation: input.conversation,
      statusActivityId: input.statusActivityId,
    };
    await this.deps.records.create(record);
    await this.schedule(record, input.end);
  }

  /** The user ended it through the bot: their status card says so now, not at the planned end. */
  async deactivatedByUser(userId: string, target: PimTargetRef): Promise<void> {
    const record = await this.deps.records.latest(userId, target);
    if (record && !record.ended) await this.finish(record, 'deactivated', this.now());
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
  private async schedule(record: ActivationRecord, end: Date, lateWarning = false): Promise<void> {
    const { scheduler, warningMinutes } = this.deps;
    const payload = { end: end.toISOString() };
    const now = this.now().getTime();
    const warnAt = new Date(end.getTime() - warningMinutes * 60_000);
    if (warningMinutes > 0 && warnAt.getTime() > now) {
      await scheduler.at(warnAt, { type: WARN_JOB, id: record.id, payload });
    } else if (warningMinutes > 0 && lateWarning && end.getTime() - now > END_TOLERANCE_MS) {
      await scheduler.at(new Date(now), { type: WARN_JOB, id: record.id, payload });
    }
    await scheduler.at(end, { type: END_JOB, id: record.id, payload });
  }

  /** N minutes before the end: one warning per end, and only if it is still active then. */
  private async warn(job: RunningJob<unknown>): Promise<void> {
    const record = await this.deps.records.get(job.id);
    const plannedEnd = endOf(job);
    if (!record || record.ended || !plannedEnd || record.endDateTime !== plannedEnd.toISOString()) return;
    const until = await this.deps.reader.activeUntil(record.requester.aadObjectId, record.target);
    if (until === undefined) {
      // Already gone (deactivated in the portal, or removed): the end job says so on the card.
      if (this.now().getTime() < plannedEnd.getTime()) await this.finish(record, 'deactivated', this.now());
      return;
    }
    if (until === null) return; // no end any more (made permanent): nothing to warn about
    if (!sameEnd(until, plannedEnd)) {
      // Its end moved (an administrator extended it): warn and end on the new schedule instead.
      await this.moveEnd(record, until);
      return;
    }
    const planned = plannedEnd.toISOString();
    const now = this.now();
    let busyElsewhere = false;
    const claimed = await this.deps.records.update(record.id, (current) => {
      if (current.ended || current.endDateTime !== planned || current.warnSentFor === planned) return undefined;
      // A claim is a lease: if the instance that took it stopped before sending, it lapses.
      if (current.warnedFor === planned && leaseHeld(current.warnClaimedAt, now)) {
        busyElsewhere = true;
        return undefined;
      }
      return { ...current, warnedFor: planned, warnClaimedAt: now.toISOString() };
    });
    if (busyElsewhere) throw new Error(`Expiry warning ${record.id} is being sent elsewhere; will check again.`);
    if (!claimed?.changed) return;
    const remaining = Math.max(1, Math.round((plannedEnd.getTime() - now.getTime()) / 60_000));
    let posted: { activityId: string };
    try {
      posted = await this.sendWarning(record, plannedEnd, remaining, now);
    } catch (err) {
      // Not sent: give the claim back so the job's retry sends it.
      await this.deps.records.update(record.id, (current) =>
        current.warnedFor === planned ? { ...current, warnedFor: undefined, warnClaimedAt: undefined } : undefined,
      );
      throw err;
    }
    // Sent: done for this end, and remembered so the warning becomes the final card when it ends.
    await this.deps.records.update(record.id, (current) => ({
      ...current,
      warnSentFor: planned,
      warningActivityId: posted.activityId,
    }));
    this.deps.logger.info({ requestId: record.id, minutesLeft: remaining }, 'expiry warning sent');
  }

  private sendWarning(record: ActivationRecord, plannedEnd: Date, remaining: number, now: Date) {
    return this.deps.messenger.send(
      record.conversation,
      card(
        expiryWarningCard({
          targetName: record.target.displayName,
          endsAtText: formatLocalTime(plannedEnd, record.timeZone, record.locale, now),
          remainingText: describeMinutes(remaining),
          justification: record.justification,
          ticketNumber: record.ticket,
          targetKey: targetKey(record.target),
        }),
      ),
    );
  }

  /** At the end: the status card and the feed card say Expired (or Deactivated, if it ended early). */
  private async end(job: RunningJob<unknown>): Promise<void> {
    const record = await this.deps.records.get(job.id);
    const plannedEnd = endOf(job);
    if (!record || !plannedEnd || record.endDateTime !== plannedEnd.toISOString()) return;
    if (record.ended) {
      // A previous run recorded the end but may have stopped before the cards: finishing again is harmless.
      await this.publishEnd(record);
      return;
    }
    const now = this.now();
    const until = await this.deps.reader.activeUntil(record.requester.aadObjectId, record.target);
    if (until === null) return; // no end any more (made permanent)
    if (until !== undefined && until.getTime() > now.getTime() + END_TOLERANCE_MS) {
      if (!sameEnd(until, plannedEnd)) await this.moveEnd(record, until);
      // Graph still shows it active past the planned end: look again at its end.
      else await this.deps.scheduler.at(until, { type: END_JOB, id: record.id, payload: { end: record.endDateTime } });
      return;
    }
    const expired = now.getTime() >= plannedEnd.getTime() - END_TOLERANCE_MS;
    await this.finish(record, expired ? 'expired' : 'deactivated', expired ? plannedEnd : now);
  }

  private async moveEnd(record: ActivationRecord, until: Date): Promise<void> {
    const moved = await this.deps.records.update(record.id, (current) =>
      current.ended || current.endDateTime === until.toISOString()
        ? undefined
        : { ...current, endDateTime: until.toISOString(), warnedFor: undefined, warnClaimedAt: undefined },
    );
    if (moved?.changed) await this.schedule(moved.value, until, true);
  }

  private async finish(record: ActivationRecord, state: ActivationEndState, at: Date): Promise<void> {
    const claimed = await this.deps.records.update(record.id, (current) =>
      current.ended ? undefined : { ...current, ended: { state, at: at.toISOString() } },
    );
    if (claimed?.changed) {
      this.deps.logger.info({ requestId: record.id, state }, 'activation ended');
      await this.publishEnd(claimed.value);
    }
  }

  /** The status card (and the warning card, if one was sent) and the feed card say it ended; then forget it. */
  private async publishEnd(record: ActivationRecord): Promise<void> {
    const ended = record.ended;
    if (!ended) return;
    const at = new Date(ended.at);
    const endedText = `${ended.state === 'expired' ? 'Ended' : 'Deactivated'} ${formatLocalTime(at, record.timeZone, record.locale, this.now())}.`;
    const final = card(
      statusCard(
        {
          requestKey: record.id,
          state: ended.state,
          targetName: record.target.displayName,
          durationText: describeMinutes(record.durationMinutes),
          justification: record.justification,
          ticketNumber: record.ticket,
          activateAgainKey: targetKey(record.target),
          ownerAadObjectId: record.requester.aadObjectId,
          updatedText: endedText,
        },
        { aadObjectId: record.requester.aadObjectId },
      ),
    );
    const cards = [record.statusActivityId, record.warningActivityId].filter((id): id is string => Boolean(id));
    // Each update on its own: one card that cannot be updated does not keep the others (or the feed) stale.
    const results = await Promise.allSettled([
      ...cards.map((activityId) =>
        this.deps.messenger.update({ conversation: record.conversation, activityId }, final),
      ),
      this.deps.feed?.ended(record.id, ended.state, at) ?? Promise.resolve(),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isGone(r.reason));
    if (failed) throw failed.reason; // the end job's retry publishes again
    for (const r of results) {
      // 403/404: the chat or message is gone, or the bot was removed; retrying cannot help.
      if (r.status === 'rejected')
        this.deps.logger.info({ err: errorSummary(r.reason) }, 'ended card not updated: it is gone');
    }
    // Its cards say it ended: the record is no longer needed (a later run of its jobs finds nothing to do).
    await this.deps.records.remove(record);
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
