import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { UserPreferencesStore } from '../../src/store/user-preferences-store';
import { MemoryStore } from '../../src/store/memory-store';
import { CountingStorage } from '../support/counting-storage';

const USER = '3e9a0b1c-2d4f-4a6b-8c7d-0000000000b2';
const OTHER = '3e9a0b1c-2d4f-4a6b-8c7d-0000000000c3';

/** CountingStorage, counting reads too: the store promises one read and no write for a turn that changes nothing. */
class ReadCountingStorage extends CountingStorage {
  reads = 0;
  override async read(keys: string[]) {
    this.reads++;
    return super.read(keys);
  }
}

describe('UserPreferencesStore', () => {
  it('keeps what the client reported and writes only when it changed', async () => {
    const storage = new CountingStorage();
    const store = new UserPreferencesStore(storage);
    await store.remember(USER, { timeZone: 'Europe/Berlin', locale: 'de-DE' });
    const writes = storage.writes;
    expect(writes).toBeGreaterThan(0);
    await store.remember(USER, { timeZone: 'Europe/Berlin', locale: 'de-DE' });
    await store.remember(USER.toUpperCase(), { timeZone: 'Europe/Berlin' });
    expect(storage.writes).toBe(writes);
    expect(await store.get(USER)).toEqual({ timeZone: 'Europe/Berlin', locale: 'de-DE' });

    await store.remember(USER, { timeZone: 'America/New_York' });
    expect(storage.writes).toBe(writes + 1);
    expect(await store.get(USER)).toEqual({ timeZone: 'America/New_York', locale: 'de-DE' });
  });

  it('ignores zones Intl does not know and tags that are not locales (client data is not trusted)', async () => {
    const store = new UserPreferencesStore(new MemoryStorage());
    await store.remember(USER, { timeZone: 'Mars/Olympus_Mons', locale: '<b>x</b>' });
    expect(await store.get(USER)).toBeUndefined();
    await store.remember(USER, { timeZone: 'Asia/Tokyo', locale: 'en-GB' });
    await store.remember(USER, { timeZone: '', locale: 'x'.repeat(100) });
    expect(await store.get(USER)).toEqual({ timeZone: 'Asia/Tokyo', locale: 'en-GB' });
  });

  it('two instances remembering at once: both land, neither is lost (compare-and-swap)', async () => {
    const storage = new MemoryStorage();
    const a = new UserPreferencesStore(storage);
    const b = new UserPreferencesStore(storage);
    await Promise.all([a.remember(USER, { timeZone: 'Asia/Tokyo' }), b.remember(USER, { locale: 'ja-JP' })]);
    expect(await a.get(USER)).toEqual({ timeZone: 'Asia/Tokyo', locale: 'ja-JP' });
  });

  it('a turn that reports what is kept costs one read and no write; reporting nothing costs nothing', async () => {
    const storage = new ReadCountingStorage();
    const store = new UserPreferencesStore(storage);
    await store.remember(USER, { timeZone: 'Asia/Tokyo', locale: 'ja-JP' });
    const { reads, writes } = storage;
    await store.remember(USER, { timeZone: 'Asia/Tokyo', locale: 'ja-JP' });
    await store.remember(USER, { timeZone: 'Asia/Tokyo' });
    await store.remember(USER, { locale: 'ja-JP' });
    expect(storage.reads - reads).toBe(3);
    expect(storage.writes).toBe(writes);
    await store.remember(USER, {});
    await store.remember(USER, { timeZone: 'Nowhere/Else' });
    expect(storage.reads - reads).toBe(3);
  });

  it('each user has their own record, at prefs/user/<object id in lower case>', async () => {
    const storage = new MemoryStore();
    const store = new UserPreferencesStore(storage);
    await store.remember(USER.toUpperCase(), { timeZone: 'Asia/Tokyo' });
    await store.remember(OTHER, { timeZone: 'Europe/Paris' });
    expect(await store.get(USER)).toEqual({ timeZone: 'Asia/Tokyo' });
    expect(await store.get(USER.toUpperCase())).toEqual({ timeZone: 'Asia/Tokyo' });
    expect(await store.get(OTHER)).toEqual({ timeZone: 'Europe/Paris' });
    expect(Object.keys(await storage.read([`prefs/user/${USER}`]))).toEqual([`prefs/user/${USER}`]);
  });

  it('nobody (no object id) has preferences', async () => {
    const store = new UserPreferencesStore(new MemoryStore());
    expect(await store.get(undefined)).toBeUndefined();
    expect(await store.get('')).toBeUndefined();
  });

  it('locale tags: a language alone and up to four subtags are kept; what is not a string is not', async () => {
    const store = new UserPreferencesStore(new MemoryStore());
    await store.remember(USER, { locale: 'de' });
    expect(await store.get(USER)).toEqual({ locale: 'de' });
    await store.remember(USER, { locale: 'zh-Hant-TW' });
    expect(await store.get(USER)).toEqual({ locale: 'zh-Hant-TW' });
    await store.remember(USER, { locale: ['en-GB'] as unknown as string });
    await store.remember(USER, { locale: 'en-a-b-c-d-e' });
    expect(await store.get(USER)).toEqual({ locale: 'zh-Hant-TW' });
  });
});
