import { MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { UserPreferencesStore } from '../../src/store/user-preferences-store';
import { CountingStorage } from '../support/counting-storage';

const USER = '3e9a0b1c-2d4f-4a6b-8c7d-0000000000b2';

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
});
