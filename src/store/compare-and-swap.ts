import type { KeyValueStore } from './key-value-store';

export class ConcurrentUpdateError extends Error {
  constructor(key: string) {
    super(`${key} changed concurrently too many times.`);
    this.name = 'ConcurrentUpdateError';
  }
}

interface Stored<T> {
  value: T;
  eTag?: string;
}

/**
 * Read-modify-write of one storage item with eTag compare-and-swap: two instances (or two clicks)
 * cannot both believe they won. `change` returns the new value, or undefined to leave it as is; it is
 * called again on the fresh value when another writer got there first. Returns what was written (or
 * the current value), or undefined when there is no such item and no `init`.
 *
 * With `init`, an absent item is first created as `init` (unconditionally: the Storage contract has no
 * create-if-absent) and read again, so `change` (and with it every claim) only ever runs against a real
 * eTag: two first writers then conflict instead of overwriting each other's change.
 */
export async function updateItem<T>(
  storage: KeyValueStore,
  key: string,
  change: (current: T) => T | undefined,
  options: { attempts?: number; init?: T } = {},
): Promise<{ value: T; changed: boolean } | undefined> {
  const attempts = options.attempts ?? 50;
  let lost = 0;
  for (let i = 0; i < attempts; i++) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: only when a retry runs changes (jitter(0) waits ≤ 5 ms), not its result.
    if (lost > 0) await jitter(lost);
    const read = (await storage.read([key]))[key] as Partial<Stored<T>> | undefined;
    // An item without a value (written in another shape, e.g. by an earlier version) counts as absent.
    const stored = read?.value === undefined ? undefined : (read as Stored<T>);
    if (!stored) {
      if (options.init === undefined) return undefined;
      await storage.write({ [key]: { value: options.init, eTag: read?.eTag ?? '*' } });
      continue;
    }
    const next = change(structuredClone(stored.value));
    if (!next) return { value: stored.value, changed: false };
    try {
      await storage.write({ [key]: { value: next, eTag: stored.eTag ?? '*' } });
    } catch (err) {
      if (!isConflict(err)) throw err;
      lost++;
      continue;
    }
    return { value: next, changed: true };
  }
  throw new ConcurrentUpdateError(key);
}

/** Reads one item's value (written by `updateItem` or `writeItem`); undefined when absent or in another shape. */
export async function readItem<T>(storage: KeyValueStore, key: string): Promise<T | undefined> {
  return ((await storage.read([key]))[key] as Partial<Stored<T>> | undefined)?.value;
}

/** Writes one item's value unconditionally (a new item, or one only this caller writes). */
export async function writeItem<T>(storage: KeyValueStore, key: string, value: T): Promise<void> {
  await storage.write({ [key]: { value, eTag: '*' } });
}

/**
 * Reads an item and deletes it, for one caller only: a tombstone written with the read's eTag decides
 * which of two concurrent callers (two instances) gets it; the other gets undefined.
 */
export async function takeItem<T>(storage: KeyValueStore, key: string): Promise<T | undefined> {
  const stored = (await storage.read([key]))[key] as (T & { eTag?: string; taken?: boolean }) | undefined;
  if (!stored || stored.taken) return undefined;
  try {
    await storage.write({ [key]: { taken: true, eTag: stored.eTag ?? '*' } });
  } catch (err) {
    if (isConflict(err)) return undefined;
    throw err;
  }
  await storage.delete([key]);
  return stored;
}

/** How long a job's claim on a step holds before another run may take it over (its instance died). */
export const CLAIM_LEASE_MS = 60_000;

/** Whether a claim taken at `claimedAt` still holds at `now` (a lapsed one may be taken over). */
export function leaseHeld(claimedAt: string | undefined, now: Date, leaseMs = CLAIM_LEASE_MS): boolean {
  return claimedAt !== undefined && now.getTime() - new Date(claimedAt).getTime() < leaseMs;
}

/** Storages report a stale eTag differently (botbuilder's MemoryStorage: message; Blob: 412). */
export function isConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { statusCode?: number; status?: number }).statusCode ?? (err as { status?: number }).status;
  return status === 412 || status === 409 || /etag|precondition|conflict/i.test(err.message);
}

/** Spreads retries of writers that lost a compare-and-swap, so they do not collide again in lockstep. */
export function jitter(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6));
  return new Promise((r) => setTimeout(r, ms));
}
