import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ChannelSubscriptionStore,
  filtersMatch,
  MAX_FILTERS,
  normalizeFilters,
} from '../../src/notifications/channel-subscriptions';

/**
 * Which channels get the activation feed: subscribe (with role/group name filters), unsubscribe, list,
 * and which subscriptions want a given role or group.
 */

const SECURITY = '19:security@thread.tacv2';
const EXCHANGE_TEAM = '19:exchange@thread.tacv2';
const HELPDESK = '19:helpdesk@thread.tacv2';
const isaiah = { aadObjectId: '5a1c2d3e-4f6b-4c8d-8e9f-0000000000d4', name: 'Isaiah Langer' };
const reference = (channelId: string) => ({
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversation: { id: channelId, isGroup: true, conversationType: 'channel', tenantId: 'contoso', name: '' },
});

let storage: MemoryStorage;
let store: ChannelSubscriptionStore;
let clock: Date;

beforeEach(() => {
  storage = new MemoryStorage();
  clock = new Date('2030-03-04T09:00:00Z');
  store = new ChannelSubscriptionStore(storage, () => clock);
});

describe('ChannelSubscriptionStore', () => {
  it('subscribes a channel with filters and remembers who did it and how to post there', async () => {
    const subscribed = await store.subscribe(EXCHANGE_TEAM, {
      filters: ['Exchange Administrator', 'SharePoint'],
      by: isaiah,
      reference: reference(EXCHANGE_TEAM),
    });
    expect(subscribed).toEqual({
      channelId: EXCHANGE_TEAM,
      filters: ['Exchange Administrator', 'SharePoint'],
      by: isaiah,
      reference: reference(EXCHANGE_TEAM),
      subscribedAt: '2030-03-04T09:00:00.000Z',
    });
    expect(await store.get(EXCHANGE_TEAM)).toEqual(subscribed);
    expect(await store.get(HELPDESK)).toBeUndefined();
  });

  it('lists every subscribed channel, oldest first', async () => {
    await store.subscribe(SECURITY, { filters: [], by: isaiah, reference: reference(SECURITY) });
    clock = new Date('2030-03-04T10:00:00Z');
    await store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    expect((await store.list()).map((s) => s.channelId)).toEqual([SECURITY, HELPDESK]);
  });

  it('subscribing again replaces the filters', async () => {
    await store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    await store.subscribe(HELPDESK, { filters: ['User Administrator'], by: isaiah, reference: reference(HELPDESK) });
    expect((await store.list()).map((s) => s.filters)).toEqual([['User Administrator']]);
  });

  it('unsubscribe stops the feed in that channel only', async () => {
    await store.subscribe(SECURITY, { filters: [], by: isaiah, reference: reference(SECURITY) });
    await store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    expect(await store.unsubscribe(HELPDESK)).toBe(true);
    expect(await store.unsubscribe(HELPDESK)).toBe(false);
    expect((await store.list()).map((s) => s.channelId)).toEqual([SECURITY]);
  });

  describe('matching(targetName)', () => {
    beforeEach(async () => {
      await store.subscribe(SECURITY, { filters: [], by: isaiah, reference: reference(SECURITY) });
      await store.subscribe(EXCHANGE_TEAM, {
        filters: ['exchange administrator'],
        by: isaiah,
        reference: reference(EXCHANGE_TEAM),
      });
      await store.subscribe(HELPDESK, { filters: ['RAG', 'Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    });

    const matching = async (name: string) => (await store.matching(name)).map((s) => s.channelId);

    it('no filters: every role and group', async () => {
      expect(await matching('Global Reader')).toEqual([SECURITY]);
    });

    it('a filter matches the exact name, case-insensitively', async () => {
      expect(await matching('Exchange Administrator')).toEqual([SECURITY, EXCHANGE_TEAM]);
      expect(await matching('EXCHANGE ADMINISTRATOR')).toEqual([SECURITY, EXCHANGE_TEAM]);
    });

    it('a filter matches as a name prefix', async () => {
      expect(await matching('RAG - Helpdesk Admins')).toEqual([SECURITY, HELPDESK]);
      expect(await matching('Helpdesk Administrator')).toEqual([SECURITY, HELPDESK]);
    });

    it('a filter never matches the middle of a name', async () => {
      expect(await matching('Exchange Recipient Administrator')).toEqual([SECURITY]);
      expect(await matching('Teams Helpdesk')).toEqual([SECURITY]);
    });
  });

  it('keeps concurrent subscriptions from two channels (compare-and-swap)', async () => {
    await Promise.all([
      store.subscribe(SECURITY, { filters: [], by: isaiah, reference: reference(SECURITY) }),
      store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) }),
      new ChannelSubscriptionStore(storage).subscribe(EXCHANGE_TEAM, {
        filters: ['Exchange'],
        by: isaiah,
        reference: reference(EXCHANGE_TEAM),
      }),
    ]);
    expect((await store.list()).map((s) => s.channelId).sort()).toEqual([EXCHANGE_TEAM, HELPDESK, SECURITY].sort());
  });

  it('retries when another writer changed the document between its read and write', async () => {
    await store.subscribe(EXCHANGE_TEAM, { filters: ['Exchange'], by: isaiah, reference: reference(EXCHANGE_TEAM) });
    let interfered = false;
    const racy: Storage = {
      read: (keys) => storage.read(keys),
      delete: (keys) => storage.delete(keys),
      write: async (changes: StoreItems) => {
        if (!interfered) {
          interfered = true;
          await new ChannelSubscriptionStore(storage).subscribe(SECURITY, {
            filters: [],
            by: isaiah,
            reference: reference(SECURITY),
          });
        }
        return storage.write(changes);
      },
    };
    await new ChannelSubscriptionStore(racy).subscribe(HELPDESK, {
      filters: ['Helpdesk'],
      by: isaiah,
      reference: reference(HELPDESK),
    });
    expect(interfered).toBe(true);
    expect((await store.list()).map((s) => s.channelId).sort()).toEqual([EXCHANGE_TEAM, HELPDESK, SECURITY].sort());
  });
});

describe('filters', () => {
  it('are trimmed, whitespace-collapsed, deduplicated (case-insensitively), a trailing * dropped', () => {
    expect(normalizeFilters(['  Exchange   Administrator ', 'exchange administrator', 'Global*', ' ', '*'])).toEqual([
      'Exchange Administrator',
      'Global',
    ]);
  });

  it('are bounded in number and length', () => {
    expect(() => normalizeFilters(Array.from({ length: MAX_FILTERS + 1 }, (_, i) => `role ${i}`))).toThrow(RangeError);
    expect(() => normalizeFilters(['x'.repeat(300)])).toThrow(RangeError);
  });

  it('match by exact name or prefix; [] matches everything', () => {
    expect(filtersMatch([], 'Anything')).toBe(true);
    expect(filtersMatch(['Global'], 'Global Administrator')).toBe(true);
    expect(filtersMatch(['global  administrator'], 'Global Administrator')).toBe(true);
    expect(filtersMatch(['Global Administrator'], 'Global Reader')).toBe(false);
  });
});
