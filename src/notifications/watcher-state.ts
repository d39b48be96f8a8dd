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
}

/** What one tick learnt, merged into the stored state. */
export interface TickChanges {
  handled: Record<string, string>;
  failedAttempts: Record<string, number>;
  waiting: Record<string, string>;
  /** Requests that stopped waiting without becoming an activation (denied, canceled, failed). */
  settled: string[];
}

export const WATCHER_STATE_KEY = 'feed/watcher-state';
/** Approvers have 24 hours; a scheduled start can be later. Waiting requests are followed this long. */
const MAX_WAITING_MS = 7 * 24 * 3_600_000;

export function readWatcherState(storage: KeyValueStore): Promise<WatcherState | undefined> {
  return readItem<WatcherState>(storage, WATCHER_STATE_KEY);
}

/**
 * Merges a tick into the stored state with compare-and-swap: a concurrent tick's keys are kept, the
 * watermark only moves forward, and keys older than the overlap window are dropped.
 */
export async function saveWatcherState(
  storage: KeyValueStore,
  watermark: Date,
  tick: TickChanges,
  overlapMs: number,
): Promise<void> {
  const empty: WatcherState = { watermark: watermark.toISOString(), seen: {}, attempts: {}, waiting: {} };
  await updateItem<WatcherState>(
    storage,
    WATCHER_STATE_KEY,
    (current) => {
      const mark = Math.max(watermark.getTime(), Date.parse(current.watermark));
      const keepFrom = mark - overlapMs;
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
      for (const [key, since] of Object.entries({ ...(current.waiting ?? {}), ...tick.waiting })) {
        if (!done(key) && !tick.settled.includes(key) && Date.parse(since) >= mark - MAX_WAITING_MS)
          waiting[key] = since;
      }
      return { watermark: new Date(mark).toISOString(), seen, attempts, waiting };
    },
    { init: empty, attempts: 20 },
  );
}
