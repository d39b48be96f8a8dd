import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { readItem, updateItem } from '../../src/store/compare-and-swap';
import { IdIndex } from '../../src/store/id-index';
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
