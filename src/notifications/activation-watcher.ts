import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import type { PimActivityReader } from '../pim/pim-reader';
import type { AssignmentInstance, ScheduleRequest } from '../pim/pim-types';
import type { PimRequest } from '../requests/pim-request';
import type { KeyValueStore } from '../store/key-value-store';
import type { ActivationFeed } from './activation-feed';
import { ExternalActivations } from './external-activations';
import { deactivationTime, effectiveAt, isAnnounceable, isInstanceOf, mayBecomeAnnounceable } from './watcher-rules';
import { readWatcherState, saveWatcherState } from './watcher-state';

export interface ActivationWatcherOptions {
  /**
   * App-only PIM reads: RoleManagement.ReadWrite.Directory (role requests), RoleAssignmentSchedule.Read.Directory,
   * RoleManagement.Read.Directory, PrivilegedAssignmentSchedule.Read.AzureADGroup (src/pim/graph-permissions.ts).
   */
  reader: PimActivityReader;
  /** App-only directory reads for names (User.Read.All, GroupMember.Read.All). */
  directory: DirectoryClient;
  /** Where the watermark and the requests already handled are kept (shared by every instance). */
  storage: KeyValueStore;
  feed: ActivationFeed;
  /** Where an end the watcher sees is recorded and shown (the requester's cards and the channels'). */
  ends: { ended(id: string, state: 'expired' | 'deactivated', at: Date): Promise<void> };
  /** Whether PIM Bot made this request (its own activations are announced by the bot, not the watcher). */
  isBotMade: (requestId: string) => Promise<boolean>;
  logger: Logger;
  now?: () => Date;
  /**
   * PIM for Groups groups to watch. Graph lists group requests only per group (or per principal), so
   * activations of groups not listed here are not seen. Default: none (Entra roles only).
   */
  groupIds?: readonly string[] | (() => Promise<readonly string[]>);
  /**
   * How far behind the watermark each tick looks again (Graph replication lag, clock skew between Graph
   * and the bot). Default {@link DEFAULT_OVERLAP_MS}.
   */
  overlapMs?: number;
}

export interface TickResult {
  /** Activations handed to the feed this tick (it posts them where channels want them). */
  announced: number;
  /** Activations found ended this tick (their cards updated in place). */
  ended: number;
}

/** Default look-back behind the watermark. */
export const DEFAULT_OVERLAP_MS = 5 * 60_000;
/**
 * PIM refuses to deactivate within 5 minutes of activation, so an instance missing sooner than this is
 * Graph catching up, not an end.
 */
export const DEACTIVATION_GRACE_MS = 5 * 60_000;
/** After this many failed ticks in a row, an activation is given up on (logged as an error). */
export const MAX_ANNOUNCE_ATTEMPTS = 10;

/**
 * Watches PIM for activations made outside PIM Bot (Entra portal, PowerShell, other tools) and for the
 * end of every announced activation, with the bot's app-only identity. One `tick()`:
 *
 * 1. Reads the Entra role assignment schedule requests, and the PIM for Groups ones of each watched group
 *    (all pages; Graph documents no date filter, so the time window is applied here).
 * 2. Announces each request that took effect since the stored watermark (minus the overlap) and was not
 *    handled yet: selfActivate/adminAssign, status Provisioned (or Granted once started), not
 *    validation-only, not made by the bot (`isBotMade`). Names come from the directory (cached), start
 *    and end from the assignment instance when it is there yet. Source 'external'.
 * 3. Advances the watermark (held back to the earliest activation whose announce failed, so it is retried).
 * 4. For every open activation of the feed (announced by the watcher or by the bot): its principal's
 *    assignment instances are read; no matching instance (or past its end) → ended: 'expired' at the end
 *    time when that has passed, else 'deactivated' (at the deactivation request's time when seen).
 *
 * Safe on any instance and after a crash: state is written with compare-and-swap and merged, and the
 * feed itself never posts twice. The host should still run it on one instance (leader lease).
 */
export class ActivationWatcher {
  private readonly now: () => Date;
  private readonly overlapMs: number;
  private readonly external: ExternalActivations;

  constructor(private readonly options: ActivationWatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.external = new ExternalActivations(options.reader, options.directory, options.logger, this.now);
    this.overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  }

  async tick(): Promise<TickResult> {
    const now = this.now();
    const state = await readWatcherState(this.options.storage);
    const watermark = state ? new Date(state.watermark) : now;
    const since = watermark.getTime() - this.overlapMs;
    const seen = state?.seen ?? {};
    const attempts = state?.attempts ?? {};
    const waiting = state?.waiting ?? {};

    const { requests, complete } = await this.readRequests();
    const instances = new InstanceCache(this.options.reader);

    // In the window, or seen waiting (for approval, or to start) in an earlier one: whatever Graph puts in
    // completedDateTime on approval, an activation approved hours later is still announced.
    const inScope = (r: ScheduleRequest) =>
      !Object.hasOwn(seen, r.id) && (effectiveAt(r).getTime() >= since || Object.hasOwn(waiting, r.id));
    const nowWaiting: Record<string, string> = {};
    const settled: string[] = [];
    for (const r of requests) {
      if (!inScope(r)) continue;
      if (mayBecomeAnnounceable(r, now)) nowWaiting[r.id] = waiting[r.id] ?? now.toISOString();
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
        if (await this.options.isBotMade(request.id)) {
          handled[request.id] = at.toISOString();
          continue;
        }
        await this.options.feed.announce(
          await this.external.activation(request, (principalId, kind) => instances.of(principalId, kind)),
        );
        handled[request.id] = at.toISOString();
        announced++;
      } catch (err) {
        const count = (attempts[request.id] ?? 0) + 1;
        if (count >= MAX_ANNOUNCE_ATTEMPTS) {
          this.options.logger.error(
            { err: errorSummary(err), requestId: request.id, attempts: count },
            'activation feed: giving up on announcing an activation',
          );
          handled[request.id] = at.toISOString();
        } else {
          this.options.logger.warn(
            { err: errorSummary(err), requestId: request.id, attempts: count },
            'activation feed: could not announce an activation; retrying next tick',
          );
          failedAttempts[request.id] = count;
          heldBackTo = Math.min(heldBackTo, at.getTime());
        }
      }
    }

    // A group that could not be read may hide activations: keep the window where it was.
    const nextWatermark = complete ? new Date(Math.max(watermark.getTime(), heldBackTo)) : watermark;
    await saveWatcherState(
      this.options.storage,
      nextWatermark,
      { handled, failedAttempts, waiting: nowWaiting, settled },
      this.overlapMs,
    );

    const ended = await this.detectEnded(now, instances, requests);
    return { announced, ended };
  }

  /** Role requests, then each watched group's; `complete` is false when a group could not be read. */
  private async readRequests(): Promise<{ requests: ScheduleRequest[]; complete: boolean }> {
    const requests = await this.options.reader.listRoleAssignmentRequests();
    let complete = true;
    const groupIds = this.options.groupIds;
    const groups = typeof groupIds === 'function' ? await groupIds() : (groupIds ?? []);
    for (const groupId of new Set(groups.map((g) => g.trim().toLowerCase()).filter(Boolean))) {
      try {
        requests.push(...(await this.options.reader.listGroupAssignmentRequests(groupId)));
      } catch (err) {
        complete = false;
        this.options.logger.warn(
          { err: errorSummary(err), groupId },
          'activation feed: could not read the requests of a group',
        );
      }
    }
    return { requests, complete };
  }

  private async detectEnded(
    now: Date,
    instances: InstanceCache,
    requests: readonly ScheduleRequest[],
  ): Promise<number> {
    let ended = 0;
    for (const record of await this.options.feed.open()) {
      try {
        if (record.status === 'expired' || record.status === 'deactivated') {
          // Ended, but some cards were not updated yet: retry them.
          await this.options.ends.ended(record.id, record.status, new Date(record.endedAt ?? now));
          continue;
        }
        const end = await this.endOf(record, now, instances, requests);
        if (!end) continue;
        await this.options.ends.ended(record.id, end.state, end.at);
        ended++;
      } catch (err) {
        this.options.logger.warn(
          { err: errorSummary(err), key: record.id },
          'activation feed: could not check or mark the end of an activation',
        );
      }
    }
    return ended;
  }

  /** How and when the activation ended, or undefined while it is still in effect. */
  private async endOf(
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
}

/** Each principal's assignment instances, read at most once per tick and kind. */
class InstanceCache {
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
