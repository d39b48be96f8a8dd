import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimActivityReader } from '../pim/pim-reader';
import type { ScheduleRequest } from '../pim/pim-types';
import type { ActivationFeed } from './activation-feed';
import type { ExternalActivations } from './external-activations';
import { InstanceCache } from './watcher-ends';
import { effectiveAt, isAnnounceable, mayBecomeAnnounceable } from './watcher-rules';

/** After this many failed ticks in a row, an activation is given up on (logged as an error). */
export const MAX_ANNOUNCE_ATTEMPTS = 10;

export interface AnnounceDeps {
  reader: PimActivityReader;
  feed: ActivationFeed;
  isBotMade: (requestId: string) => Promise<boolean>;
  logger: Logger;
  external: ExternalActivations;
}

/**
 * The watcher's step 2: of the requests read this tick, those in their window (or followed since an earlier
 * tick) that are activations not handled yet are announced; those on their way are followed; the rest settle.
 */
export async function announceRequests(
  deps: AnnounceDeps,
  now: Date,
  requests: readonly ScheduleRequest[],
  windowOf: (r: ScheduleRequest) => number,
  state: { seen: Record<string, string>; attempts: Record<string, number>; waiting: Record<string, string> },
) {
  const { seen, attempts, waiting } = state;
  const instances = new InstanceCache(deps.reader);
  // In its window, or seen waiting (for approval, or to start) in an earlier one: whatever Graph puts in
  // completedDateTime on approval, an activation approved hours later is still announced.
  const inScope = (r: ScheduleRequest) =>
    !Object.hasOwn(seen, r.id) && (effectiveAt(r).getTime() >= windowOf(r) || Object.hasOwn(waiting, r.id));
  const nowWaiting: Record<string, string> = {};
  const waitingOf: Record<string, string> = {};
  const follow = (r: ScheduleRequest) => {
    nowWaiting[r.id] = waiting[r.id] ?? now.toISOString();
    waitingOf[r.id] = `${r.kind}:${r.principalId.toLowerCase()}`;
  };
  const settled: string[] = [];
  for (const r of requests) {
    if (!inScope(r)) continue;
    if (mayBecomeAnnounceable(r, now)) follow(r);
    else if (!isAnnounceable(r, now)) settled.push(r.id);
  }
  const candidates = requests
    .filter((r) => isAnnounceable(r, now) && inScope(r))
    .sort((a, b) => effectiveAt(a).getTime() - effectiveAt(b).getTime());

  const handled: Record<string, string> = {};
  const failedAttempts: Record<string, number> = {};
  let announced = 0;
  let heldBackTo = now.getTime();
  for (const request of candidates) {
    const at = effectiveAt(request);
    try {
      if (await deps.isBotMade(request.id)) {
        handled[request.id] = at.toISOString();
        continue;
      }
      await deps.feed.announce(
        await deps.external.activation(request, (principalId, kind) => instances.of(principalId, kind)),
      );
      handled[request.id] = at.toISOString();
      announced++;
    } catch (err) {
      const count = (attempts[request.id] ?? 0) + 1;
      if (count >= MAX_ANNOUNCE_ATTEMPTS) {
        deps.logger.error(
          { err: errorSummary(err), requestId: request.id, attempts: count },
          'activation feed: giving up on announcing an activation',
        );
        handled[request.id] = at.toISOString();
      } else {
        deps.logger.warn(
          { err: errorSummary(err), requestId: request.id, attempts: count },
          'activation feed: could not announce an activation; retrying next tick',
        );
        failedAttempts[request.id] = count;
        // Followed like a waiting request, so its principal is read again next tick.
        follow(request);
        heldBackTo = Math.min(heldBackTo, at.getTime());
      }
    }
  }
  return {
    announced,
    heldBackTo,
    instances,
    changes: { handled, failedAttempts, waiting: nowWaiting, waitingOf, settled },
  };
}
