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
      subscription: {
        channelId: EXCHANGE_TEAM,
        filters: ['Exchange Administrator', 'SharePoint'],
        by: isaiah,
        reference: reference(EXCHANGE_TEAM),
        subscribedAt: '2030-03-04T09:00:00.000Z',
      },
      added: ['Exchange Administrator', 'SharePoint'],
      already: [],
      unchanged: false,
    });
    expect(await store.get(EXCHANGE_TEAM)).toEqual(subscribed.subscription);
    expect(await store.get(HELPDESK)).toBeUndefined();
  });

  it('lists every subscribed channel, oldest first', async () => {
    await store.subscribe(SECURITY, { filters: [], by: isaiah, reference: reference(SECURITY) });
    clock = new Date('2030-03-04T10:00:00Z');
    await store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    expect((await store.list()).map((s) => s.channelId)).toEqual([SECURITY, HELPDESK]);
  });

  it('subscribing again adds to the filters; a filter it has already stays once (any case)', async () => {
    await store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    const again = await store.subscribe(HELPDESK, {
      filters: ['helpdesk', 'User Administrator'],
      by: isaiah,
      reference: reference(HELPDESK),
    });
    expect(again).toMatchObject({ added: ['User Administrator'], already: ['helpdesk'], unchanged: false });
    expect((await store.list()).map((s) => s.filters)).toEqual([['Helpdesk', 'User Administrator']]);
    const same = await store.subscribe(HELPDESK, { filters: ['HELPDESK'], by: isaiah, reference: reference(HELPDESK) });
    expect(same).toMatchObject({ added: [], unchanged: true });
    expect((await store.list()).map((s) => s.filters)).toEqual([['Helpdesk', 'User Administrator']]);
  });

  it('no filters means every activation; a role added to "every activation" changes nothing', async () => {
    await store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    await store.subscribe(HELPDESK, { filters: [], by: isaiah, reference: reference(HELPDESK) });
    expect((await store.get(HELPDESK))?.filters).toEqual([]);
    const more = await store.subscribe(HELPDESK, { filters: ['Exchange'], by: isaiah, reference: reference(HELPDESK) });
    expect(more).toMatchObject({ added: [], already: ['Exchange'], unchanged: true });
    expect((await store.get(HELPDESK))?.filters).toEqual([]);
  });

  it('details: true opts in, false opts out, not saying keeps what the channel had', async () => {
    const sub = (details?: boolean) =>
      store.subscribe(HELPDESK, {
        filters: ['Helpdesk'],
        by: isaiah,
        reference: reference(HELPDESK),
        ...(details === undefined ? {} : { details }),
      });
    await sub();
    expect((await store.get(HELPDESK))?.details).toBeUndefined();
    await sub(true);
    expect((await store.get(HELPDESK))?.details).toBe(true);
    expect((await sub()).unchanged).toBe(true);
    expect((await store.get(HELPDESK))?.details).toBe(true);
    await sub(false);
    expect((await store.get(HELPDESK))?.details).toBeUndefined();
  });

  it('unsubscribe with names removes those; the last one gone ends the subscription (never "every activation")', async () => {
    await store.subscribe(HELPDESK, { filters: ['Helpdesk', 'RAG'], by: isaiah, reference: reference(HELPDESK) });
    const one = await store.unsubscribe(HELPDESK, ['rag', 'Exchange']);
    expect(one).toMatchObject({ removed: ['RAG'], notFollowed: ['Exchange'], after: { filters: ['Helpdesk'] } });
    const none = await store.unsubscribe(HELPDESK, ['Exchange']);
    expect(none).toMatchObject({ removed: [], notFollowed: ['Exchange'], after: { filters: ['Helpdesk'] } });
    const last = await store.unsubscribe(HELPDESK, ['Helpdesk']);
    expect(last.removed).toEqual(['Helpdesk']);
    expect(last.after).toBeUndefined();
    expect(await store.get(HELPDESK)).toBeUndefined();
    expect(await store.matching('Helpdesk Administrator')).toEqual([]);
  });

  it('unsubscribe stops the feed in that channel only', async () => {
    await store.subscribe(SECURITY, { filters: [], by: isaiah, reference: reference(SECURITY) });
    await store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) });
    expect((await store.unsubscribe(HELPDESK)).before?.filters).toEqual(['Helpdesk']);
    expect((await store.unsubscribe(HELPDESK)).before).toBeUndefined();
    expect((await store.list()).map((s) => s.channelId)).toEqual([SECURITY]);
  });

  it('keeps both of two concurrent additions to one channel (compare-and-swap)', async () => {
    await Promise.all([
      store.subscribe(HELPDESK, { filters: ['Helpdesk'], by: isaiah, reference: reference(HELPDESK) }),
      new ChannelSubscriptionStore(storage).subscribe(HELPDESK, {
        filters: ['RAG'],
        by: isaiah,
        reference: reference(HELPDESK),
      }),
    ]);
    expect(new Set((await store.get(HELPDESK))?.filters)).toEqual(new Set(['Helpdesk', 'RAG']));
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

describe("the channel's language (issue 15)", () => {
  const input = (locale?: string) => ({ filters: [], by: isaiah, reference: reference(SECURITY), locale });

  it("keeps the subscriber's locale; another subscribe in another language changes it even when nothing else does", async () => {
    expect((await store.subscribe(SECURITY, input('de-DE'))).subscription.locale).toBe('de-DE');
    expect((await store.get(SECURITY))?.locale).toBe('de-DE');
    const again = await store.subscribe(SECURITY, input('en-US'));
    expect(again.unchanged).toBe(true);
    expect((await store.get(SECURITY))?.locale).toBe('en-US');
  });

  it('a subscribe without a locale keeps the one kept; none at all stays none (English); junk is not kept', async () => {
    await store.subscribe(SECURITY, input('de-AT'));
    await store.subscribe(SECURITY, input());
    expect((await store.get(SECURITY))?.locale).toBe('de-AT');
    await store.subscribe(HELPDESK, { ...input('<b>de</b>'), reference: reference(HELPDESK) });
    expect((await store.get(HELPDESK))?.locale).toBeUndefined();
  });
});
