import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimActivityReader } from '../pim/pim-reader';
import type { AssignmentInstance, ScheduleRequest } from '../pim/pim-types';
import type { PimRequest } from '../requests/pim-request';
import type { ActivationFeed } from './activation-feed';
import { deactivationTime, isInstanceOf } from './watcher-rules';

/**
 * PIM refuses to deactivate within 5 minutes of activation, so an instance missing sooner than this is
 * Graph catching up, not an end.
 */
export const DEACTIVATION_GRACE_MS = 5 * 60_000;

export interface EndsDeps {
  feed: ActivationFeed;
  ends: { ended(id: string, state: 'expired' | 'deactivated', at: Date): Promise<void> };
  logger: Logger;
}

/**
 * The watcher's step 4: for every open activation of the feed (announced by the watcher or by the bot), its
 * principal's assignment instances are read; no matching instance (or past its end) → ended: 'expired' at the
 * end time when that has passed, else 'deactivated' (at the deactivation request's time when one was read
 * this tick).
 */
export async function detectEnded(
  deps: EndsDeps,
  now: Date,
  instances: InstanceCache,
  requests: readonly ScheduleRequest[],
): Promise<number> {
  let ended = 0;
  for (const record of await deps.feed.open()) {
    try {
      if (record.status === 'expired' || record.status === 'deactivated') {
        // Ended, but some cards were not updated yet: retry them.
        await deps.ends.ended(record.id, record.status, new Date(record.endedAt ?? now));
        continue;
      }
      const end = await endOf(record, now, instances, requests);
      if (!end) continue;
      await deps.ends.ended(record.id, end.state, end.at);
      ended++;
    } catch (err) {
      deps.logger.warn(
        { err: errorSummary(err), key: record.id },
        'activation feed: could not check or mark the end of an activation',
      );
    }
  }
  return ended;
}

/** How and when the activation ended, or undefined while it is still in effect. */
async function endOf(
  record: PimRequest,
  now: Date,
  instances: InstanceCache,
  requests: readonly ScheduleRequest[],
): Promise<{ state: 'expired' | 'deactivated'; at: Date } | undefined> {
  const start = Date.parse(record.activeFrom ?? record.requestedAt);
  const plannedEnd = record.activeUntil ? new Date(record.activeUntil) : null;
  // A deactivation request settles it, even if the same target was activated again since.
  const deactivatedAt = deactivationTime(record, requests);
  if (deactivatedAt && (!plannedEnd || deactivatedAt < plannedEnd)) {
    return { state: 'deactivated', at: deactivatedAt };
  }
  const live = (await instances.of(record.requester.aadObjectId, record.target.kind)).find((i) =>
    isInstanceOf(i, record),
  );
  if (live) {
    // Still listed: ended only once past its (possibly extended) end.
    const end = live.endDateTime ?? plannedEnd;
    return end && now >= end ? { state: 'expired', at: end } : undefined;
  }
  if (plannedEnd && now >= plannedEnd) return { state: 'expired', at: plannedEnd };
  if (now.getTime() - start < DEACTIVATION_GRACE_MS) return undefined;
  return { state: 'deactivated', at: now };
}

/** Each principal's assignment instances, read at most once per tick and kind. */
export class InstanceCache {
  private readonly lists = new Map<string, Promise<AssignmentInstance[]>>();

  constructor(private readonly reader: PimActivityReader) {}

  of(principalId: string, kind: 'role' | 'group'): Promise<AssignmentInstance[]> {
    const key = `${kind}:${principalId.toLowerCase()}`;
    let list = this.lists.get(key);
    if (!list) {
      list = this.reader.listAssignmentInstances(principalId, kind);
      // A failed read is not remembered: the next activation of the same principal tries again.
      list.catch(() => this.lists.delete(key));
      this.lists.set(key, list);
    }
    return list;
  }
}
