import { describe, expect, it } from 'vitest';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { PimRequestStore, REQUEST_INDEX_KEYS } from '../../src/requests/pim-request-store';
import type { KeyValueStore, StoreItems } from '../../src/store/key-value-store';
import { MemoryStore } from '../../src/store/memory-store';

/** The tracked requests: one record each, changed with compare-and-swap, and the two indexes that follow them. */

const ROLE = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const request = (id: string, overrides: Partial<PimRequest> = {}): PimRequest =>
  newRequest({
    id,
    target: { kind: 'role', roleDefinitionId: ROLE, directoryScopeId: '/', displayName: 'Exchange Administrator' },
    requester: { aadObjectId: 'adele', name: 'Adele Vance' },
    durationMinutes: 60,
    requestedAt: '2026-11-22T09:00:00.000Z',
    status: 'active',
    activeFrom: '2026-11-22T09:00:00.000Z',
    activeUntil: '2026-11-22T10:00:00.000Z',
    ...overrides,
  });

describe('PimRequestStore', () => {
  it("a request the watcher recorded first becomes the bot's, keeping the channel copies already posted", async () => {
    const store = new PimRequestStore(new MemoryStore());
    const posted = {
      channelId: '19:general',
      message: { conversation: {}, activityId: 'm1' },
      shows: 'active' as const,
      security: false,
    };
    await store.create(
      request('r1', {
        source: 'external',
        feed: { urgent: false, copies: [posted], posting: {}, announcedAt: '2026-11-22T09:00:01.000Z' },
      }),
    );
    const chat = { conversation: { conversation: { id: 'a:adele' } }, statusMessageId: 's1' };
    await store.create(request('r1', { source: 'bot', chat }));
    const record = await store.get('r1');
    expect(record?.source).toBe('bot');
    expect(record?.chat).toEqual(chat);
    expect(record?.feed?.copies).toEqual([posted]);
    expect((await store.withOpenFeed()).map((r) => r.id)).toEqual(['r1']);
  });

  it('indexes follow the status: pending approval, and announced activations until every copy shows the end', async () => {
    const store = new PimRequestStore(new MemoryStore());
    await store.create(request('p1', { status: 'pendingApproval' }));
    await store.create(request('a1', { feed: { urgent: false, copies: [], posting: {}, announcedAt: 'x' } }));
    expect((await store.pendingApproval()).map((r) => r.id)).toEqual(['p1']);
    expect((await store.withOpenFeed()).map((r) => r.id)).toEqual(['a1']);
    await store.update('p1', (r) => ({ ...r, status: 'approved' }));
    await store.update('a1', (r) => ({ ...r, status: 'expired' }));
    expect(await store.pendingApproval()).toEqual([]);
    expect(await store.withOpenFeed()).toEqual([]);
  });

  it('"first time" is per role whatever its scope (and per group and access)', async () => {
    const store = new PimRequestStore(new MemoryStore());
    const at = new Date('2026-11-22T09:00:00Z');
    await store.rememberAsked(
      'Adele',
      { kind: 'role', roleDefinitionId: ROLE, directoryScopeId: '/administrativeUnits/paris' },
      at,
    );
    expect(await store.askedBefore('adele', { kind: 'role', roleDefinitionId: ROLE, directoryScopeId: '/' })).toBe(
      true,
    );
    expect(await store.askedBefore('adele', { kind: 'group', groupId: ROLE, accessId: 'member' })).toBe(false);
  });

  it('an index that cannot be written does not fail the change that was made: it is reported, and re-added later', async () => {
    const memory = new MemoryStore();
    let refuseIndex = true;
    const storage: KeyValueStore = {
      read: (keys) => memory.read(keys),
      delete: (keys) => memory.delete(keys),
      async write(changes: StoreItems) {
        if (refuseIndex && Object.keys(changes).some((k) => k === REQUEST_INDEX_KEYS.feedOpen))
          throw Object.assign(new Error('the index blob is busy'), { statusCode: 503 });
        return memory.write(changes);
      },
    };
    const reported: string[] = [];
    const store = new PimRequestStore(storage, (_err, id) => reported.push(id));
    await store.create(request('a1', { feed: { urgent: false, copies: [], posting: {}, announcedAt: 'x' } }));
    expect((await store.get('a1'))?.feed).toBeDefined();
    expect(reported).toEqual(['a1']);
    expect(await store.withOpenFeed()).toEqual([]);
    refuseIndex = false;
    await store.followFeed('a1');
    expect((await store.withOpenFeed()).map((r) => r.id)).toEqual(['a1']);
  });
});
