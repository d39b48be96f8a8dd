import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimAuditReader, PimKind } from '../pim/audit-reader';
import type { DirectoryClient } from '../pim/directory-client';
import { sameId } from '../pim/graph-wire';
import type { PimActivityReader } from '../pim/pim-reader';
import type { ScheduleRequest } from '../pim/pim-types';
import type { KeyValueStore } from '../store/key-value-store';
import type { ActivationFeed } from './activation-feed';
import { AuditChanges, type AuditRead } from './audit-changes';
import { ExternalActivations } from './external-activations';
import { RequestPass } from './request-pass';
import { announceRequests } from './watcher-announce';
import { detectEnded } from './watcher-ends';
import { readWatcherState, saveWatcherState } from './watcher-state';

export { MAX_ANNOUNCE_ATTEMPTS } from './watcher-announce';
export { DEACTIVATION_GRACE_MS } from './watcher-ends';

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
  /**
   * The directory audit log (AuditLog.Read.All): which principals changed. Without it, or when Graph refuses
   * it (permission, licence), every tick reads every request, page by page, as before.
   */
  audit?: PimAuditReader;
  /** How far behind its cursor each audit read looks again (audit latency, UNVERIFIED). Default 15 minutes. */
  auditLookBackMs?: number;
  /** Audit pages per kind per tick (1,000 entries each); the rest is read next tick. Default 5. */
  auditMaxPages?: number;
  /** How often the full read of every request runs behind the audit log. Default hourly. */
  reconcileIntervalMs?: number;
  /** Request pages (Graph's page size) the full read may take per tick with the audit log. Default 5. */
  reconcilePagesPerTick?: number;
  /** Request pages per tick without the audit log. Default 40 (the transport used to stop a read at 50). */
  fallbackPagesPerTick?: number;
}

export interface TickResult {
  /** Activations handed to the feed this tick (it posts them where channels want them). */
  announced: number;
  /** Activations found ended this tick (their cards updated in place). */
  ended: number;
}

/** Default look-back behind the watermark. */
export const DEFAULT_OVERLAP_MS = 5 * 60_000;
export const DEFAULT_AUDIT_LOOK_BACK_MS = 15 * 60_000;
export const DEFAULT_RECONCILE_INTERVAL_MS = 60 * 60_000;

/** What the last tick read, for logs, tests and the bench. */
export interface TickInfo {
  /** 'audit': changes from the directory audit log; 'requests': every request read (no audit log). */
  mode: 'audit' | 'requests';
  /** Principals whose requests were read (changed, or waiting for approval or a later start). */
  principals: number;
  /** Pages of the full read this tick (0 between reconciliations). */
  passPages: number;
}

/**
 * Watches PIM for activations made outside PIM Bot (Entra portal, PowerShell, other tools) and for the
 * end of every announced activation, with the bot's app-only identity. One `tick()`:
 *
 * 1. Finds what changed. With the directory audit log (AuditLog.Read.All): PIM's entries since the audit
 *    cursor name the principals whose requests changed, and only those principals' requests are read
 *    (`$filter=principalId eq`), plus those of requests still waiting (for approval or a later start). So a
 *    tick's Graph calls grow with the changes, not with the tenant's history (issue 19). Behind it, a full
 *    read of every request runs hourly, a few pages per tick (request-pass.ts), and catches what the audit
 *    log missed. Without the audit log (403: permission or licence, said once with the fix), that full read
 *    runs every tick instead, as before, but a few dozen pages per tick, so a large tenant never fails it.
 * 2. Announces each request that took effect since the stored watermark (minus the overlap; for a principal
 *    the audit log named, since its entry; for the full read, since the previous one began) and was not
 *    handled yet: selfActivate/adminAssign, status Provisioned (or Granted once started), not
 *    validation-only, not made by the bot (`isBotMade`). Names come from the directory (cached), start
 *    and end from the assignment instance when it is there yet. Source 'external'.
 * 3. Advances the watermark and the audit cursor (held back when a read failed, so nothing is lost); a
 *    failed announce is retried through its principal next tick.
 * 4. Detects the end of every open activation of the feed (watcher-ends.ts).
 *
 * Safe on any instance and after a crash: state is written with compare-and-swap and merged, and the
 * feed itself never posts twice. The host should still run it on one instance (leader lease).
 */
export class ActivationWatcher {
  private readonly now: () => Date;
  private readonly overlapMs: number;
  private readonly lookBackMs: number;
  private readonly reconcileMs: number;
  private readonly external: ExternalActivations;
  private readonly audit: AuditChanges | undefined;
  private readonly pass: RequestPass;
  /** What the last tick read. */
  lastTick: TickInfo | undefined;

  constructor(private readonly options: ActivationWatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.external = new ExternalActivations(options.reader, options.directory, options.logger, this.now);
    this.overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
    this.lookBackMs = options.auditLookBackMs ?? DEFAULT_AUDIT_LOOK_BACK_MS;
    this.reconcileMs = options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
    this.audit = options.audit && new AuditChanges(options.audit, options.logger, this.reconcileMs);
    this.pass = new RequestPass(options.reader, options.logger);
  }

  async tick(): Promise<TickResult> {
    const now = this.now();
    const state = await readWatcherState(this.options.storage);
    const watermark = state ? new Date(state.watermark) : now;
    // States written before the audit log was used have no start: their watermark stands for it.
    const startedAt = state?.startedAt ?? state?.watermark ?? now.toISOString();
    const floor = Date.parse(startedAt) - this.overlapMs;
    const since = Math.max(floor, watermark.getTime() - this.overlapMs);
    const seen = state?.seen ?? {};
    const attempts = state?.attempts ?? {};
    const waiting = state?.waiting ?? {};
    const waitingOf = state?.waitingOf ?? {};
    const groups = await this.watchedGroups();

    // Every request read this tick, each with the start of the window it was read for.
    const batch = new Map<string, { request: ScheduleRequest; from: number }>();
    const add = (requests: readonly ScheduleRequest[], from: number) => {
      for (const request of requests) {
        const known = batch.get(request.id);
        batch.set(request.id, { request, from: Math.min(from, known?.from ?? from) });
      }
    };
    let complete = true;

    const kinds: PimKind[] = groups.length > 0 ? ['role', 'group'] : ['role'];
    const audit: AuditRead = this.audit
      ? await this.audit.read({
          now,
          cursor: state?.audit,
          watermark,
          floor,
          lookBackMs: this.lookBackMs,
          kinds,
          maxPages: this.options.auditMaxPages ?? 5,
        })
      : { available: false };
    let principals = 0;
    if (audit.available) {
      const toRead = new Map<string, { principalId: string; kind: PimKind; from: number }>();
      for (const p of audit.principals) {
        const from = Math.max(floor, Math.min(since, p.earliest.getTime() - this.overlapMs));
        toRead.set(`${p.kind}:${p.principalId.toLowerCase()}`, { principalId: p.principalId, kind: p.kind, from });
      }
      for (const [id, key] of Object.entries(waitingOf)) {
        const [kind, principalId] = key.split(':') as [PimKind, string];
        if (Object.hasOwn(waiting, id) && !toRead.has(key)) toRead.set(key, { principalId, kind, from: since });
      }
      principals = toRead.size;
      for (const p of toRead.values()) {
        try {
          add(await this.requestsOf(p.principalId, p.kind, groups), p.from);
        } catch (err) {
          complete = false;
          this.options.logger.warn(
            { err: errorSummary(err), principalId: p.principalId, kind: p.kind },
            'activation feed: could not read the requests of a principal the audit log named',
          );
        }
      }
    }

    // The full read: hourly behind the audit log (never on the first tick: nothing to catch up on yet), every tick without it.
    const reconcile = state?.reconcile ?? (state ? undefined : { current: null, lastStartedAt: now.toISOString() });
    const due =
      !audit.available ||
      !reconcile?.lastStartedAt ||
      now.getTime() - Date.parse(reconcile.lastStartedAt) >= this.reconcileMs;
    const pass = await this.pass.step(reconcile, {
      now,
      due,
      pages: audit.available ? (this.options.reconcilePagesPerTick ?? 5) : (this.options.fallbackPagesPerTick ?? 40),
      floor,
      overlapMs: this.overlapMs,
      groupIds: groups,
    });
    if (pass.from !== null) add(pass.requests, pass.from);
    // Without the audit log, a page that could not be read may hide activations: keep the window where it was.
    if (!audit.available && !pass.complete) complete = false;
    this.lastTick = { mode: audit.available ? 'audit' : 'requests', principals, passPages: pass.pages };

    const requests = [...batch.values()].map((b) => b.request);
    const deps = { ...this.options, external: this.external };
    const result = await announceRequests(deps, now, requests, (r) => batch.get(r.id)?.from ?? since, {
      seen,
      attempts,
      waiting,
    });

    const nextWatermark = complete ? new Date(Math.max(watermark.getTime(), result.heldBackTo)) : watermark;
    // Handled requests are remembered while any read may bring them back: the audit look-back, or the full read's window.
    const passFrom = pass.next.current
      ? Date.parse(pass.next.current.from)
      : Date.parse(pass.next.lastStartedAt ?? startedAt) - this.overlapMs;
    const keepFrom = Math.min(nextWatermark.getTime() - this.overlapMs - this.lookBackMs, passFrom);
    await saveWatcherState(
      this.options.storage,
      nextWatermark,
      {
        ...result.changes,
        startedAt,
        // Without the audit log the full read covers everything, so the cursor follows the clock.
        audit: audit.available ? (complete ? audit.next : undefined) : { cursor: now.toISOString() },
        reconcile: pass.next,
      },
      Math.max(this.overlapMs, nextWatermark.getTime() - keepFrom),
    );

    const ended = await detectEnded(this.options, now, result.instances, requests);
    return { announced: result.announced, ended };
  }

  /** One principal's requests of a kind; for groups only the watched groups'. */
  private async requestsOf(principalId: string, kind: PimKind, groups: readonly string[]): Promise<ScheduleRequest[]> {
    if (kind === 'role') return this.options.reader.listRoleAssignmentRequestsOf(principalId);
    const all = await this.options.reader.listGroupAssignmentRequestsOf(principalId);
    return all.filter((r) => groups.some((g) => sameId(g, r.groupId)));
  }

  private async watchedGroups(): Promise<string[]> {
    const groupIds = this.options.groupIds;
    const groups = typeof groupIds === 'function' ? await groupIds() : (groupIds ?? []);
    return [...new Set(groups.map((g) => g.trim().toLowerCase()).filter(Boolean))];
  }
}
