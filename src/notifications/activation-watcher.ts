import type { Storage } from 'botbuilder';
import type { Logger } from '../observability/logger';
import { errorSummary } from '../observability/error-summary';
import { DirectoryClient } from '../pim/directory-client';
import type { GraphTransport } from '../pim/graph-transport';
import { type AssignmentInstanceRecord, type AssignmentRequestRecord, PimActivityReader } from '../pim/pim-reader';
import type { PimTarget } from '../pim/pim-types';
import { TtlCache } from '../shared/ttl-cache';
import { isConflict } from '../store/tracked-requests';
import type { ActivationFeed, FeedActivation, FeedEndState, FeedRecord, StoredFeedActivation } from './activation-feed';

export interface ActivationWatcherOptions {
  /** Graph with the bot's app-only credential (RoleManagement.Read.Directory, PrivilegedAssignmentSchedule.Read.AzureADGroup, User.Read.All, GroupMember.Read.All). */
  graph: GraphTransport;
  /** Where the watermark and the keys already handled are kept (shared by every instance). */
  storage: Storage;
  feed: ActivationFeed;
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
/** Slack when comparing an instance's start with the announced start (clock skew, rounding). */
export const SAME_START_TOLERANCE_MS = 2 * 60_000;
/** After this many failed ticks in a row, an activation is given up on (logged as an error). */
export const MAX_ANNOUNCE_ATTEMPTS = 10;
const NAME_CACHE_MS = 60 * 60_000;
/** Approvers have 24 hours; a scheduled start can be later. Waiting requests are followed this long. */
const MAX_WAITING_MS = 7 * 24 * 3_600_000;

const STATE_KEY = 'feed/watcher-state';
const ANNOUNCED_ACTIONS = new Set(['selfactivate', 'adminassign']);
const ANNOUNCED_STATUSES = new Set(['provisioned', 'granted']);
const ENDING_ACTIONS = new Set(['selfdeactivate', 'adminremove']);
const FAILED_STATUSES = new Set(['failed', 'denied', 'canceled']);

/** What the watcher keeps between ticks. */
export interface WatcherState {
  /** ISO: every request that took effect before this (minus the overlap) has been handled. */
  watermark: string;
  /** Request ids handled (announced or skipped), with the ISO time they took effect, until out of the overlap. */
  seen: Record<string, string>;
  /** Failed announce attempts per request id. */
  attempts: Record<string, number>;
  /**
   * Requests seen on their way to an activation (pending approval or provisioning, or granted to start
   * later), with the ISO time first seen; announced whenever they get there (within MAX_WAITING_MS).
   */
  waiting?: Record<string, string>;
}

interface TickChanges {
  handled: Record<string, string>;
  failedAttempts: Record<string, number>;
  waiting: Record<string, string>;
  /** Requests that stopped waiting without becoming an activation (denied, canceled, failed). */
  settled: string[];
}

interface StoredState {
  state?: WatcherState;
  eTag?: string;
}

class WatcherStateConflictError extends Error {
  constructor() {
    super('The activation watcher state changed concurrently too many times.');
    this.name = 'WatcherStateConflictError';
  }
}

/** When a request took effect: the latest of created, completed (approved) and its scheduled start. */
function effectiveAt(r: AssignmentRequestRecord): Date {
  const times = [r.createdDateTime, r.completedDateTime, r.startDateTime]
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime());
  return new Date(times.length > 0 ? Math.max(...times) : 0);
}

function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

function sameTarget(
  i: {
    roleDefinitionId: string | null;
    directoryScopeId: string | null;
    groupId: string | null;
    accessId: string | null;
  },
  target: PimTarget,
): boolean {
  return target.kind === 'role'
    ? sameId(i.roleDefinitionId, target.roleDefinitionId) &&
        (i.directoryScopeId ?? '/').toLowerCase() === (target.directoryScopeId || '/').toLowerCase()
    : sameId(i.groupId, target.groupId) && i.accessId === target.accessId;
}

/**
 * The instance of an announced activation: the same schedule; or, when the ids do not line up, the same
 * principal and target, started no earlier than the announced start and before its planned end (PIM
 * allows one activation per principal and target at a time; an approval can start it later than asked).
 */
function isInstanceOf(i: AssignmentInstanceRecord, a: StoredFeedActivation): boolean {
  if (!sameId(i.principalId, a.principalId)) return false;
  if (a.scheduleId && sameId(i.scheduleId, a.scheduleId)) return true;
  if (!sameTarget(i, a.target) || !i.startDateTime || i.memberType?.toLowerCase() === 'group') return false;
  const start = i.startDateTime.getTime();
  if (start < Date.parse(a.startDateTime) - SAME_START_TOLERANCE_MS) return false;
  return a.endDateTime === null || start < Date.parse(a.endDateTime);
}

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
 * feed itself never posts a key twice. The host should still run it on one instance (leader lease).
 */
export class ActivationWatcher {
  private readonly reader: PimActivityReader;
  private readonly directory: DirectoryClient;
  private readonly now: () => Date;
  private readonly overlapMs: number;
  private readonly names = new TtlCache<{ name: string; upn: string | null }>(NAME_CACHE_MS, 2_000);

  constructor(private readonly options: ActivationWatcherOptions) {
    this.reader = new PimActivityReader(options.graph);
    this.directory = new DirectoryClient(options.graph);
    this.now = options.now ?? (() => new Date());
    this.overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  }

  async tick(): Promise<TickResult> {
    const now = this.now();
    const stored = await this.readState();
    const watermark = stored.state ? new Date(stored.state.watermark) : now;
    const since = watermark.getTime() - this.overlapMs;
    const seen = stored.state?.seen ?? {};
    const attempts = stored.state?.attempts ?? {};
    const waiting = stored.state?.waiting ?? {};

    const { requests, complete } = await this.readRequests();
    const instances = new InstanceCache(this.reader);

    // In the window, or seen waiting (for approval, or to start) in an earlier one: whatever Graph puts in
    // completedDateTime on approval, an activation approved hours later is still announced.
    const inScope = (r: AssignmentRequestRecord) =>
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
        await this.options.feed.announce(await this.toFeedActivation(request, instances));
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
    await this.saveState(nextWatermark, { handled, failedAttempts, waiting: nowWaiting, settled });

    const ended = await this.detectEnded(now, instances, requests);
    return { announced, ended };
  }

  /** Role requests, then each watched group's; `complete` is false when a group could not be read. */
  private async readRequests(): Promise<{ requests: AssignmentRequestRecord[]; complete: boolean }> {
    const requests = await this.reader.listRoleAssignmentRequests();
    let complete = true;
    const groupIds = this.options.groupIds;
    const groups = typeof groupIds === 'function' ? await groupIds() : (groupIds ?? []);
    for (const groupId of new Set(groups.map((g) => g.trim().toLowerCase()).filter(Boolean))) {
      try {
        requests.push(...(await this.reader.listGroupAssignmentRequests(groupId)));
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

  private async toFeedActivation(request: AssignmentRequestRecord, instances: InstanceCache): Promise<FeedActivation> {
    const principal = await this.principal(request.principalId);
    const target = await this.target(request);
    let start = request.startDateTime ?? request.createdDateTime ?? this.now();
    let end = request.endDateTime;
    try {
      const live = (await instances.of(request.principalId, request.kind)).find(
        (i) => sameId(i.scheduleId, request.targetScheduleId) && i.startDateTime !== null,
      );
      if (live?.startDateTime) {
        start = live.startDateTime;
        end = live.endDateTime;
      }
    } catch (err) {
      this.options.logger.debug({ err: errorSummary(err) }, 'activation feed: instance lookup failed');
    }
    return {
      key: request.id,
      principalId: request.principalId,
      principalName: principal.name,
      principalUpn: principal.upn,
      target,
      startDateTime: start,
      endDateTime: end,
      justification: request.justification,
      ticket: request.ticket?.ticketNumber ?? null,
      ticketSystem: request.ticket?.ticketSystem ?? null,
      // Approvals are not readable app-only (PIM-API.md §4.1): who approved an outside request is unknown.
      approverName: null,
      source: 'external',
      scheduleId: request.targetScheduleId,
    };
  }

  private async principal(principalId: string): Promise<{ name: string; upn: string | null }> {
    const key = `user:${principalId.toLowerCase()}`;
    const cached = this.names.get(key);
    if (cached) return cached;
    try {
      const user = await this.directory.getUser(principalId);
      const value = { name: user.displayName, upn: user.userPrincipalName };
      this.names.set(key, value);
      return value;
    } catch (err) {
      // A group or service principal (adminAssign), or a deleted user: say who by id.
      this.options.logger.debug({ err: errorSummary(err), principalId }, 'activation feed: principal not found');
      return { name: principalId, upn: null };
    }
  }

  private async target(request: AssignmentRequestRecord): Promise<PimTarget> {
    if (request.kind === 'role') {
      const roleDefinitionId = request.roleDefinitionId ?? '';
      return {
        kind: 'role',
        roleDefinitionId,
        directoryScopeId: request.directoryScopeId ?? '/',
        displayName: await this.cachedName(`role:${roleDefinitionId.toLowerCase()}`, roleDefinitionId, () =>
          this.reader.roleName(roleDefinitionId),
        ),
      };
    }
    const groupId = request.groupId ?? '';
    return {
      kind: 'group',
      groupId,
      accessId: request.accessId ?? 'member',
      displayName: await this.cachedName(
        `group:${groupId.toLowerCase()}`,
        groupId,
        async () => (await this.directory.getGroup(groupId)).displayName,
      ),
    };
  }

  private async cachedName(key: string, fallback: string, load: () => Promise<string>): Promise<string> {
    const cached = this.names.get(key);
    if (cached) return cached.name;
    try {
      const name = await load();
      this.names.set(key, { name, upn: null });
      return name;
    } catch (err) {
      this.options.logger.debug({ err: errorSummary(err), key }, 'activation feed: name lookup failed');
      return fallback;
    }
  }

  private async detectEnded(
    now: Date,
    instances: InstanceCache,
    requests: readonly AssignmentRequestRecord[],
  ): Promise<number> {
    let ended = 0;
    for (const record of await this.options.feed.open()) {
      try {
        if (record.state !== 'active') {
          // Ended, but some cards were not updated yet: retry them.
          await this.options.feed.ended(record.key, record.state, new Date(record.endedAt ?? now));
          continue;
        }
        const end = await this.endOf(record, now, instances, requests);
        if (!end) continue;
        await this.options.feed.ended(record.key, end.state, end.at);
        ended++;
      } catch (err) {
        this.options.logger.warn(
          { err: errorSummary(err), key: record.key },
          'activation feed: could not check or mark the end of an activation',
        );
      }
    }
    return ended;
  }

  /** How and when the activation ended, or undefined while it is still in effect. */
  private async endOf(
    record: FeedRecord,
    now: Date,
    instances: InstanceCache,
    requests: readonly AssignmentRequestRecord[],
  ): Promise<{ state: FeedEndState; at: Date } | undefined> {
    const a = record.activation;
    const start = Date.parse(a.startDateTime);
    const plannedEnd = a.endDateTime ? new Date(a.endDateTime) : null;
    // A deactivation request settles it, even if the same target was activated again since.
    const deactivatedAt = deactivationTime(a, requests);
    if (deactivatedAt && (!plannedEnd || deactivatedAt < plannedEnd)) {
      return { state: 'deactivated', at: deactivatedAt };
    }
    const live = (await instances.of(a.principalId, a.target.kind)).find((i) => isInstanceOf(i, a));
    if (live) {
      // Still listed: ended only once past its (possibly extended) end.
      const end = live.endDateTime ?? plannedEnd;
      return end && now >= end ? { state: 'expired', at: end } : undefined;
    }
    if (plannedEnd && now >= plannedEnd) return { state: 'expired', at: plannedEnd };
    if (now.getTime() - start < DEACTIVATION_GRACE_MS) return undefined;
    return { state: 'deactivated', at: now };
  }

  private async readState(): Promise<StoredState> {
    const items = await this.options.storage.read([STATE_KEY]);
    return (items[STATE_KEY] as StoredState | undefined) ?? {};
  }

  /** Merges this tick into the stored state (compare-and-swap; a concurrent tick's keys are kept). */
  private async saveState(watermark: Date, tick: TickChanges): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const stored = await this.readState();
      if (stored.eTag === undefined && !stored.state) {
        // First tick ever: create the state, then merge into it with an eTag (no create-if-absent in Storage).
        await this.options.storage.write({
          [STATE_KEY]: {
            state: { watermark: watermark.toISOString(), seen: {}, attempts: {}, waiting: {} },
            eTag: '*',
          },
        });
        continue;
      }
      const current = stored.state;
      const mark = Math.max(watermark.getTime(), current ? Date.parse(current.watermark) : 0);
      const keepFrom = mark - this.overlapMs;
      const seen: Record<string, string> = {};
      for (const [key, at] of Object.entries({ ...(current?.seen ?? {}), ...tick.handled })) {
        if (Date.parse(at) >= keepFrom) seen[key] = at;
      }
      const done = (key: string) => Object.hasOwn(seen, key) || Object.hasOwn(tick.handled, key);
      const attempts: Record<string, number> = {};
      for (const [key, count] of Object.entries({ ...(current?.attempts ?? {}), ...tick.failedAttempts })) {
        if (!done(key)) attempts[key] = count;
      }
      const waiting: Record<string, string> = {};
      for (const [key, since] of Object.entries({ ...(current?.waiting ?? {}), ...tick.waiting })) {
        if (!done(key) && !tick.settled.includes(key) && Date.parse(since) >= mark - MAX_WAITING_MS)
          waiting[key] = since;
      }
      const state: WatcherState = { watermark: new Date(mark).toISOString(), seen, attempts, waiting };
      try {
        await this.options.storage.write({ [STATE_KEY]: { state, eTag: stored.eTag ?? '*' } });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    throw new WatcherStateConflictError();
  }
}

/** Still on its way: waiting for approval or provisioning, or granted to start later. */
function mayBecomeAnnounceable(r: AssignmentRequestRecord, now: Date): boolean {
  if (r.isValidationOnly || !ANNOUNCED_ACTIONS.has(r.action.toLowerCase())) return false;
  const status = r.status.toLowerCase();
  if (status === 'granted') return r.startDateTime !== null && r.startDateTime > now;
  return status.startsWith('pending') || status === 'schedulecreated';
}

function isAnnounceable(r: AssignmentRequestRecord, now: Date): boolean {
  if (r.isValidationOnly || !r.id || !r.principalId) return false;
  if (!ANNOUNCED_ACTIONS.has(r.action.toLowerCase()) || !ANNOUNCED_STATUSES.has(r.status.toLowerCase())) return false;
  // Granted with a later start: announced once it starts.
  return r.startDateTime === null || r.startDateTime <= now;
}

/** When the activation was ended early, from a selfDeactivate/adminRemove request seen in this tick. */
function deactivationTime(a: StoredFeedActivation, requests: readonly AssignmentRequestRecord[]): Date | undefined {
  const start = Date.parse(a.startDateTime);
  let earliest: Date | undefined;
  for (const r of requests) {
    if (!ENDING_ACTIONS.has(r.action.toLowerCase()) || FAILED_STATUSES.has(r.status.toLowerCase())) continue;
    if (r.isValidationOnly || !r.createdDateTime || !sameId(r.principalId, a.principalId)) continue;
    const sameSchedule = a.scheduleId !== null && sameId(r.targetScheduleId, a.scheduleId);
    if (!sameSchedule && !sameTarget(r, a.target)) continue;
    if (r.createdDateTime.getTime() < start) continue;
    if (!earliest || r.createdDateTime < earliest) earliest = r.createdDateTime;
  }
  return earliest;
}

/** Each principal's assignment instances, read at most once per tick and kind. */
class InstanceCache {
  private readonly lists = new Map<string, Promise<AssignmentInstanceRecord[]>>();

  constructor(private readonly reader: PimActivityReader) {}

  of(principalId: string, kind: 'role' | 'group'): Promise<AssignmentInstanceRecord[]> {
    const key = `${kind}:${principalId.toLowerCase()}`;
    let list = this.lists.get(key);
    if (!list) {
      list =
        kind === 'role'
          ? this.reader.listRoleAssignmentInstances(principalId)
          : this.reader.listGroupAssignmentInstances(principalId);
      // A failed read is not remembered: the next activation of the same principal tries again.
      list.catch(() => this.lists.delete(key));
      this.lists.set(key, list);
    }
    return list;
  }
}
