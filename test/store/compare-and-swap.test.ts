import { MemoryStorage } from 'botbuilder';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CLAIM_LEASE_MS,
  ConcurrentUpdateError,
  isConflict,
  jitter,
  leaseHeld,
  readItem,
  takeItem,
  updateItem,
  writeItem,
} from '../../src/store/compare-and-swap';
import { IdIndex } from '../../src/store/id-index';
import type { KeyValueStore, StoreItems } from '../../src/store/key-value-store';
import { MemoryStore } from '../../src/store/memory-store';

/** Read-modify-write on the storage contract (botbuilder's MemoryStorage, and the domain's own MemoryStore). */

describe.each([
  ['botbuilder MemoryStorage', () => new MemoryStorage()],
  ['MemoryStore', () => new MemoryStore()],
])('updateItem on %s', (_name, storage) => {
  it('an absent item stays absent without init; with init it is created, then changed with an eTag', async () => {
    const s = storage();
    expect(await updateItem<number[]>(s, 'k', (v) => [...v, 1])).toBeUndefined();
    expect(await updateItem<number[]>(s, 'k', (v) => [...v, 1], { init: [] })).toEqual({ value: [1], changed: true });
    expect(await readItem<number[]>(s, 'k')).toEqual([1]);
  });

  it('an item kept in another shape (an earlier version wrote it) counts as absent, not as a crash', async () => {
    const s = storage();
    await s.write({ old: { channels: { a: 1 }, eTag: '*' } });
    expect(await readItem(s, 'old')).toBeUndefined();
    expect(await updateItem<string[]>(s, 'old', (v) => [...v, 'x'])).toBeUndefined();
    expect(await updateItem<string[]>(s, 'old', (v) => [...v, 'x'], { init: [] })).toEqual({
      value: ['x'],
      changed: true,
    });
  });

  it('two writers interleaved: the loser re-reads and re-applies, so both changes stay', async () => {
    const s = storage();
    await updateItem<number>(s, 'n', () => 0, { init: 0 });
    const results = await Promise.all(Array.from({ length: 20 }, () => updateItem<number>(s, 'n', (v) => v + 1)));
    expect(results.every((r) => r?.changed)).toBe(true);
    expect(await readItem<number>(s, 'n')).toBe(20);
  });
});

describe('MemoryStore', () => {
  it('refuses a write with a stale eTag as a conflict (412), as Azure Blob Storage does', async () => {
    const s = new MemoryStore();
    await s.write({ k: { n: 1, eTag: '*' } });
    const seen = (await s.read(['k'])).k as { eTag: string };
    await s.write({ k: { n: 2, eTag: seen.eTag } });
    await expect(s.write({ k: { n: 3, eTag: seen.eTag } })).rejects.toMatchObject({ statusCode: 412 });
    expect((await s.read(['k'])).k).toMatchObject({ n: 2 });
  });

  it('hands out copies: changing what was read changes nothing stored', async () => {
    const s = new MemoryStore();
    await s.write({ k: { list: [1], eTag: '*' } });
    ((await s.read(['k'])).k as { list: number[] }).list.push(2);
    expect((await s.read(['k'])).k).toMatchObject({ list: [1] });
  });
});

describe('IdIndex', () => {
  it('adds each id once and removes it; concurrent adds keep every id', async () => {
    const index = new IdIndex(new MemoryStore(), 'index');
    await Promise.all(['a', 'b', 'c', 'a'].map((id) => index.add(id)));
    expect((await index.ids()).sort()).toEqual(['a', 'b', 'c']);
    await index.remove('b');
    expect((await index.ids()).sort()).toEqual(['a', 'c']);
  });
});

/** A MemoryStore whose writes can be made to fail (a conflict, or storage down) and whose deletes can be lost. */
class FaultyStore implements KeyValueStore {
  readonly inner = new MemoryStore();
  writes = 0;
  /** Fails the next n writes with this error. */
  failNext: { count: number; error: () => Error } = { count: 0, error: () => new Error('unused') };
  loseDeletes = false;
  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }
  async write(changes: StoreItems): Promise<void> {
    this.writes++;
    if (this.failNext.count > 0) {
      this.failNext.count--;
      throw this.failNext.error();
    }
    await this.inner.write(changes);
  }
  async delete(keys: string[]): Promise<void> {
    if (!this.loseDeletes) await this.inner.delete(keys);
  }
}
const conflict = () =>
  Object.assign(new Error('The condition specified using HTTP conditional header(s) is not met.'), { statusCode: 412 });

describe('updateItem: what it returns and when it gives up', () => {
  it('a change that returns undefined leaves the item as it is, unwritten', async () => {
    const s = new FaultyStore();
    await writeItem(s, 'k', { n: 1 });
    const before = s.writes;
    expect(await updateItem<{ n: number }>(s, 'k', () => undefined)).toEqual({ value: { n: 1 }, changed: false });
    expect(s.writes).toBe(before);
  });

  it('a lost compare-and-swap is retried on the fresh value; the change is applied once', async () => {
    const s = new FaultyStore();
    await writeItem(s, 'k', 1);
    s.failNext = { count: 2, error: conflict };
    const seen: number[] = [];
    const result = await updateItem<number>(s, 'k', (v) => {
      seen.push(v);
      return v + 1;
    });
    expect(result).toEqual({ value: 2, changed: true });
    expect(seen).toEqual([1, 1, 1]);
    expect(await readItem(s, 'k')).toBe(2);
  });

  it('gives up after `attempts` lost rounds with ConcurrentUpdateError naming the key', async () => {
    const s = new FaultyStore();
    await writeItem(s, 'busy', 1);
    s.writes = 0;
    s.failNext = { count: 1_000, error: conflict };
    const err = await updateItem<number>(s, 'busy', (v) => v + 1, { attempts: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrentUpdateError);
    expect(err).toMatchObject({ name: 'ConcurrentUpdateError', message: 'busy changed concurrently too many times.' });
    expect(s.writes).toBe(3);
  });

  it('a storage failure that is not a conflict is not retried: it is thrown as it is', async () => {
    const s = new FaultyStore();
    await writeItem(s, 'k', 1);
    s.writes = 0;
    const down = new Error('connect ECONNREFUSED');
    s.failNext = { count: 1, error: () => down };
    await expect(updateItem<number>(s, 'k', (v) => v + 1)).rejects.toBe(down);
    expect(s.writes).toBe(1);
  });
});

describe('readItem / writeItem', () => {
  it('readItem: the value, or undefined when the item is absent', async () => {
    const s = new MemoryStore();
    expect(await readItem(s, 'nothing')).toBeUndefined();
    await writeItem(s, 'k', ['a']);
    expect(await readItem(s, 'k')).toEqual(['a']);
  });

  it('writeItem overwrites whatever is there, whoever wrote it last', async () => {
    const s = new MemoryStore();
    await writeItem(s, 'k', 1);
    await updateItem<number>(s, 'k', (v) => v + 1);
    await writeItem(s, 'k', 10);
    expect(await readItem(s, 'k')).toBe(10);
  });
});

describe('takeItem', () => {
  it('hands an item out once, and it is gone', async () => {
    const s = new MemoryStore();
    await s.write({ k: { payload: 'p', eTag: '*' } });
    expect(await takeItem<{ payload: string }>(s, 'k')).toMatchObject({ payload: 'p' });
    expect(await takeItem(s, 'k')).toBeUndefined();
    expect(await s.read(['k'])).toEqual({});
  });

  it('two takers at once: exactly one gets it', async () => {
    for (let round = 0; round < 5; round++) {
      const s = new MemoryStore();
      await s.write({ k: { payload: 'p', eTag: '*' } });
      const got = await Promise.all([takeItem(s, 'k'), takeItem(s, 'k'), takeItem(s, 'k')]);
      expect(got.filter(Boolean)).toHaveLength(1);
    }
  });

  it('an item already taken (its delete was lost, e.g. the instance died) is not handed out again', async () => {
    const s = new FaultyStore();
    s.loseDeletes = true;
    await s.write({ k: { payload: 'p', eTag: '*' } });
    expect(await takeItem(s, 'k')).toMatchObject({ payload: 'p' });
    expect(await takeItem(s, 'k')).toBeUndefined();
  });

  it('a storage failure that is not a conflict is thrown, not taken for someone else’s take', async () => {
    const s = new FaultyStore();
    await s.write({ k: { payload: 'p', eTag: '*' } });
    const down = new Error('connect ECONNREFUSED');
    s.failNext = { count: 1, error: () => down };
    await expect(takeItem(s, 'k')).rejects.toBe(down);
  });

  it('absent: undefined', async () => {
    expect(await takeItem(new MemoryStore(), 'none')).toBeUndefined();
  });
});

describe('leaseHeld', () => {
  const claimed = new Date('2026-03-02T10:00:00.000Z');
  const later = (ms: number) => new Date(claimed.getTime() + ms);

  it('no claim holds nothing', () => {
    expect(leaseHeld(undefined, claimed)).toBe(false);
  });

  it('a claim holds for its lease (default a minute) and lapses at its end', () => {
    expect(CLAIM_LEASE_MS).toBe(60_000);
    expect(leaseHeld(claimed.toISOString(), claimed)).toBe(true);
    expect(leaseHeld(claimed.toISOString(), later(59_999))).toBe(true);
    expect(leaseHeld(claimed.toISOString(), later(60_000))).toBe(false);
    expect(leaseHeld(claimed.toISOString(), later(4_999), 5_000)).toBe(true);
    expect(leaseHeld(claimed.toISOString(), later(5_000), 5_000)).toBe(false);
  });
});

describe('isConflict', () => {
  it.each([
    ['Blob 412', Object.assign(new Error('The condition specified … is not met.'), { statusCode: 412 })],
    ['409', Object.assign(new Error('Another write is in progress.'), { statusCode: 409 })],
    ['status 412', Object.assign(new Error('Failed.'), { status: 412 })],
    ['MemoryStorage eTag message', new Error('Storage: error writing "k" due to eTag conflict.')],
    ['precondition message', new Error('Precondition Failed')],
  ])('%s is a conflict', (_case, err) => {
    expect(isConflict(err)).toBe(true);
  });

  it.each([
    ['a 500', Object.assign(new Error('Server busy.'), { statusCode: 500 })],
    ['a 404 with status', Object.assign(new Error('Not found.'), { status: 404 })],
    ['a plain error', new Error('connect ECONNREFUSED')],
    ['a non-Error with statusCode 412', { statusCode: 412, message: 'etag' }],
    ['a string', 'eTag conflict'],
  ])('%s is not', (_case, err) => {
    expect(isConflict(err)).toBe(false);
  });
});

describe('jitter', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** Whether jitter(attempt) has resolved after `ms` of (fake) time. */
  async function resolvedAfter(attempt: number, ms: number): Promise<boolean> {
    vi.useFakeTimers();
    let done = false;
    void jitter(attempt).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(ms);
    vi.useRealTimers();
    return done;
  }

  it('waits a random part of 5 ms × 2^attempt, at most 200 ms', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    expect(await resolvedAfter(1, 8)).toBe(false);
    expect(await resolvedAfter(1, 10)).toBe(true);
    expect(await resolvedAfter(3, 36)).toBe(false);
    expect(await resolvedAfter(3, 40)).toBe(true);
    expect(await resolvedAfter(10, 180)).toBe(false);
    expect(await resolvedAfter(10, 200)).toBe(true);
  });

  it('a random part: from no wait at all', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    expect(await resolvedAfter(6, 0)).toBe(true);
  });
});

describe('MemoryStore, the storage contract', () => {
  it('a write without an eTag overwrites, as one with *', async () => {
    const s = new MemoryStore();
    await s.write({ k: { n: 1, eTag: '*' } });
    await s.write({ k: { n: 2 } });
    expect((await s.read(['k'])).k).toMatchObject({ n: 2 });
  });

  it('an eTag write to an item that is gone is a conflict (412) naming the key', async () => {
    const s = new MemoryStore();
    await s.write({ k: { n: 1, eTag: '*' } });
    const { eTag } = (await s.read(['k'])).k as { eTag: string };
    await s.delete(['k']);
    const err = await s.write({ k: { n: 2, eTag } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 412 });
    expect(isConflict(err)).toBe(true);
    expect((err as Error).message).toContain('k');
  });

  it('delete removes the items named, and only those', async () => {
    const s = new MemoryStore();
    await s.write({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
    await s.delete(['a', 'c', 'missing']);
    expect(Object.keys(await s.read(['a', 'b', 'c']))).toEqual(['b']);
  });

  it('every write gives the item a new eTag', async () => {
    const s = new MemoryStore();
    const tags = new Set<string>();
    for (let i = 0; i < 5; i++) {
      await s.write({ k: { n: i } });
      tags.add(((await s.read(['k'])).k as { eTag: string }).eTag);
    }
    expect(tags.size).toBe(5);
  });
});

describe('IdIndex, fresh', () => {
  it('an index never written holds no ids, and removing from it writes nothing', async () => {
    const s = new FaultyStore();
    const index = new IdIndex(s, 'index');
    expect(await index.ids()).toEqual([]);
    await index.remove('a');
    expect(s.writes).toBe(0);
  });
});
