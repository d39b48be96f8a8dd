import { readItem, updateItem } from '../store/compare-and-swap';
import type { KeyValueStore } from '../store/key-value-store';

/** What the activation watcher keeps between ticks. */
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
  /** The principal of each waiting request (`role:{id}` / `group:{id}`): read every tick while it waits. */
  waitingOf?: Record<string, string>;
  /** ISO: when watching began; nothing that took effect before it (minus the overlap) is announced. */
  startedAt?: string;
  /** The directory audit cursor (audit-changes.ts). */
  audit?: AuditCursor;
  /** The slow full read of every request (request-pass.ts). */
  reconcile?: ReconcileState;
}

export interface AuditCursor {
  /** ISO: every PIM audit entry before this (minus the audit look-back) has been read. */
  cursor: string;
  /** The last read stopped at its page limit: the next one starts at `cursor` itself, without the look-back. */
  exact?: boolean;
  /** Entries already read within the look-back (id → ISO time), so a late read does not act on them twice. */
  events?: Record<string, string>;
}

export interface PassCursor {
  /** ISO: when this pass started. */
  startedAt: string;
  /** ISO: requests that took effect from here on are in the pass's window. */
  from: string;
  /** Index of the source being read: 0 the role requests, then each watched group's. */
  source: number;
  /** Where the source's reading goes on; null: its first page. */
  nextLink: string | null;
}

export interface ReconcileState {
  current: PassCursor | null;
  /** ISO: when the last pass started (the next window begins there, minus the overlap). */
  lastStartedAt: string | null;
}

/** What one tick learnt, merged into the stored state. */
export interface TickChanges {
  handled: Record<string, string>;
  failedAttempts: Record<string, number>;
  waiting: Record<string, string>;
  /** Requests that stopped waiting without becoming an activation (denied, canceled, failed). */
  settled: string[];
  waitingOf?: Record<string, string>;
  startedAt?: string;
  /** Absent: this tick did not move the audit cursor. */
  audit?: AuditCursor;
  reconcile?: ReconcileState;
}

export const WATCHER_STATE_KEY = 'feed/watcher-state';
/** Approvers have 24 hours; a scheduled start can be later. Waiting requests are followed this long. */
const MAX_WAITING_MS = 7 * 24 * 3_600_000;

export function readWatcherState(storage: KeyValueStore): Promise<WatcherState | undefined> {
  return readItem<WatcherState>(storage, WATCHER_STATE_KEY);
}

/**
 * Merges a tick into the stored state with compare-and-swap: a concurrent tick's keys are kept, the
 * watermark and the audit cursor only move forward, and handled keys older than `retentionMs` behind the
 * watermark are dropped (the longest look-back any read of the watcher may bring them back from).
 */
export async function saveWatcherState(
  storage: KeyValueStore,
  watermark: Date,
  tick: TickChanges,
  retentionMs: number,
): Promise<void> {
  const empty: WatcherState = { watermark: watermark.toISOString(), seen: {}, attempts: {}, waiting: {} };
  await updateItem<WatcherState>(
    storage,
    WATCHER_STATE_KEY,
    (current) => {
      const mark = Math.max(watermark.getTime(), Date.parse(current.watermark));
      const keepFrom = mark - retentionMs;
      const seen: Record<string, string> = {};
      for (const [key, at] of Object.entries({ ...current.seen, ...tick.handled })) {
        if (Date.parse(at) >= keepFrom) seen[key] = at;
      }
      const done = (key: string) => Object.hasOwn(seen, key) || Object.hasOwn(tick.handled, key);
      const attempts: Record<string, number> = {};
      for (const [key, count] of Object.entries({ ...current.attempts, ...tick.failedAttempts })) {
        if (!done(key)) attempts[key] = count;
      }
      const waiting: Record<string, string> = {};
      const waitingOf: Record<string, string> = {};
      const principals = { ...(current.waitingOf ?? {}), ...(tick.waitingOf ?? {}) };
      for (const [key, since] of Object.entries({ ...(current.waiting ?? {}), ...tick.waiting })) {
        if (!done(key) && !tick.settled.includes(key) && Date.parse(since) >= mark - MAX_WAITING_MS) {
          waiting[key] = since;
          if (principals[key]) waitingOf[key] = principals[key];
        }
      }
      const audit =
        tick.audit && (!current.audit || Date.parse(tick.audit.cursor) >= Date.parse(current.audit.cursor))
          ? tick.audit
          : current.audit;
      return {
        watermark: new Date(mark).toISOString(),
        seen,
        attempts,
        waiting,
        waitingOf,
        startedAt: current.startedAt ?? tick.startedAt,
        ...(audit ? { audit } : {}),
        ...((tick.reconcile ?? current.reconcile) ? { reconcile: tick.reconcile ?? current.reconcile } : {}),
      };
    },
    { init: empty, attempts: 20 },
  );
}
