import { type Activity, type ConversationReference, MemoryStorage } from 'botbuilder';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { BREAK_GLASS_TITLE, EXTERNAL_SOURCE_TEXT, NO_APPROVAL_TEXT } from '../../cards';
import { ActivationFeed, type ActivationFeedOptions, FeedDeliveryError } from '../../src/notifications/activation-feed';
import { ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import { ConversationReferenceStore } from '../../src/teams/conversation-references';
import { RecordingMessenger } from './recording-messenger';
import { demoGroups, demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { assertValidCard, factsOf, findById, hasId } from '../cards/card-validation';

/**
 * The activation feed: one card per activation in every channel that wants it (new thread), posted
 * once, updated in place when the activation ends; break-glass activations also go, urgent, to the
 * security channel.
 */

const SECURITY = '19:security@thread.tacv2';
const EXCHANGE_TEAM = '19:exchange@thread.tacv2';
const HELPDESK = '19:helpdesk@thread.tacv2';
const EVERYTHING = '19:everything@thread.tacv2';
const NOW = new Date('2030-03-04T14:31:00Z');
const { requester: adele, breakGlass, admin: isaiah, approver: megan } = demoUsers;

const reference = (channelId: string): Partial<ConversationReference> => ({
  channelId: 'msteams',
  serviceUrl: 'https://smba.example/emea/',
  bot: { id: '28:pimbot', name: 'PIM Bot' },
  conversation: { id: channelId, isGroup: true, conversationType: 'channel', tenantId: 'contoso', name: '' },
});

const cardOf = (activity: Partial<Activity>): unknown => activity.attachments?.[0]?.content;

const exchangeActivation: PimRequest = newRequest({
  id: 'req-exchange-1',
  requester: { aadObjectId: adele.id, name: adele.displayName, upn: adele.userPrincipalName },
  target: {
    kind: 'role',
    roleDefinitionId: demoRoles.exchangeAdministrator,
    directoryScopeId: '/',
    displayName: 'Exchange Administrator',
  },
  durationMinutes: 120,
  requestedAt: '2030-03-04T14:29:00Z',
  status: 'active',
  activeFrom: '2030-03-04T14:30:00Z',
  activeUntil: '2030-03-04T16:30:00Z',
  justification: 'fix mailbox rules',
  ticket: { ticketNumber: 'INC-42', ticketSystem: 'ServiceNow' },
  approval: {
    approvalId: 'req-exchange-1',
    approvers: [{ aadObjectId: megan.id, name: megan.displayName }],
    hints: [],
    copies: [],
    decision: { by: { aadObjectId: megan.id, name: 'Megan Bowen' }, at: '2030-03-04T14:30:00Z' },
  },
  source: 'bot',
});

const helpdeskGroupActivation: PimRequest = newRequest({
  id: 'req-helpdesk-1',
  requester: { aadObjectId: adele.id, name: adele.displayName },
  target: {
    kind: 'group',
    groupId: demoGroups.helpdeskBundle.id,
    accessId: 'member',
    displayName: 'RAG - Helpdesk Admins',
  },
  durationMinutes: 60,
  requestedAt: '2030-03-04T14:30:00Z',
  status: 'active',
  activeFrom: '2030-03-04T14:30:00Z',
  activeUntil: '2030-03-04T15:30:00Z',
  source: 'external',
});

const breakGlassActivation: PimRequest = newRequest({
  id: 'req-breakglass-1',
  requester: { aadObjectId: breakGlass.id, name: breakGlass.displayName, upn: breakGlass.userPrincipalName },
  target: {
    kind: 'role',
    roleDefinitionId: demoRoles.globalAdministrator,
    directoryScopeId: '/',
    displayName: 'Global Administrator',
  },
  durationMinutes: 60,
  requestedAt: '2030-03-04T03:12:00Z',
  status: 'active',
  activeFrom: '2030-03-04T03:12:00Z',
  activeUntil: '2030-03-04T04:12:00Z',
  source: 'external',
});

let storage: MemoryStorage;
let requests: PimRequestStore;
let subscriptions: ChannelSubscriptionStore;
let refs: ConversationReferenceStore;
let messenger: RecordingMessenger;
let feed: ActivationFeed;

function newFeed(overrides: Partial<ActivationFeedOptions> = {}): ActivationFeed {
  return new ActivationFeed({
    requests,
    subscriptions,
    messenger,
    logger: pino({ level: 'silent' }),
    securityChannelId: SECURITY,
    breakGlassIds: [breakGlass.id.toUpperCase()],
    now: () => NOW,
    ...overrides,
  });
}

async function subscribe(channelId: string, filters: string[]): Promise<void> {
  await subscriptions.subscribe(channelId, {
    filters,
    by: { aadObjectId: isaiah.id, name: isaiah.displayName },
    reference: reference(channelId),
  });
}

beforeEach(async () => {
  storage = new MemoryStorage();
  requests = new PimRequestStore(storage);
  subscriptions = new ChannelSubscriptionStore(storage);
  refs = new ConversationReferenceStore(storage);
  messenger = new RecordingMessenger(refs, NOW);
  feed = newFeed();
  await subscribe(EXCHANGE_TEAM, ['Exchange']);
  await subscribe(HELPDESK, ['RAG - Helpdesk', 'Helpdesk Administrator']);
  await subscribe(EVERYTHING, []);
});

describe('announce', () => {
  it('posts one card, as a new thread, in each channel whose filters match, and nowhere else', async () => {
    await feed.announce(exchangeActivation);
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, EXCHANGE_TEAM].sort());
    const post = messenger.postsIn(EXCHANGE_TEAM)[0];
    expect(post?.via).toEqual(reference(EXCHANGE_TEAM));

    const card = cardOf(post?.activity ?? {});
    assertValidCard(card);
    expect(findById(card, 'feed-target').text).toBe('Exchange Administrator');
    expect(findById(card, 'feed-state').text).toBe('Active');
    expect(factsOf(card, 'feed-facts')).toEqual({
      Who: 'Adele Vance (adele@contoso.example)',
      Scope: 'Directory (tenant-wide)',
      Duration: '2 hours',
      // A channel has readers in many time zones (issue 15): relative to now (14:31), then UTC. CLDR en-GB
      // short forms (Intl.RelativeTimeFormat / NumberFormat unit 'short', ListFormat 'unit' 'narrow').
      Start: '1 min ago (14:30 UTC)',
      End: 'in 1 hr 59 mins (16:30 UTC)',
      // No Justification, no Ticket: the subscription did not opt in (see feed-details.test.ts).
      Approval: 'Approved by Megan Bowen',
    });
  });

  it('a group activation goes to the channels filtering on the group name', async () => {
    await feed.announce(helpdeskGroupActivation);
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, HELPDESK].sort());
    const card = cardOf(messenger.postsIn(HELPDESK)[0]?.activity ?? {});
    expect(findById(card, 'feed-title').text).toBe('Group activation');
    expect(factsOf(card, 'feed-facts')).toMatchObject({
      Scope: 'Group membership',
      Duration: '1 hour',
      Approval: EXTERNAL_SOURCE_TEXT,
    });
  });

  it('announcing the same activation again posts nothing new', async () => {
    await feed.announce(exchangeActivation);
    await feed.announce(exchangeActivation);
    await newFeed().announce({ ...exchangeActivation, justification: 'changed' });
    expect(messenger.posts).toHaveLength(2);
  });

  it('two announces of the same activation at the same time still post once per channel', async () => {
    await Promise.all([feed.announce(exchangeActivation), newFeed().announce(exchangeActivation)]);
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, EXCHANGE_TEAM].sort());
  });

  it('a channel subscribed later gets the activation when it is announced again; the others do not', async () => {
    await feed.announce(exchangeActivation);
    await subscribe(SECURITY, ['Exchange Administrator']);
    await feed.announce(exchangeActivation);
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, EXCHANGE_TEAM, SECURITY].sort());
  });

  it('no matching channel: nothing is posted or remembered', async () => {
    await subscriptions.unsubscribe(EVERYTHING);
    await feed.announce({
      ...exchangeActivation,
      target: { ...exchangeActivation.target, displayName: 'Global Reader' },
    });
    expect(messenger.posts).toEqual([]);
    expect(await requests.get(exchangeActivation.id)).toBeUndefined();
  });

  it('a failed post is reported, and only that channel is tried again by the next announce', async () => {
    messenger.failing.add(EXCHANGE_TEAM);
    const error = await feed.announce(exchangeActivation).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FeedDeliveryError);
    expect((error as FeedDeliveryError).channelIds).toEqual([EXCHANGE_TEAM]);
    expect(messenger.posts.map((p) => p.channelId)).toEqual([EVERYTHING]);

    messenger.failing.clear();
    await feed.announce(exchangeActivation);
    expect(messenger.posts.map((p) => p.channelId)).toEqual([EVERYTHING, EXCHANGE_TEAM]);
  });

  it('without a subscription reference, posts through the channel reference the bot remembered', async () => {
    await subscriptions.unsubscribe(EVERYTHING);
    await subscriptions.unsubscribe(EXCHANGE_TEAM);
    await subscriptions.unsubscribe(HELPDESK);
    await refs.rememberChannel(SECURITY, reference(SECURITY));
    await feed.announce(breakGlassActivation);
    expect(messenger.posts.map((p) => [p.channelId, p.via])).toEqual([[SECURITY, reference(SECURITY)]]);
  });

  it('without a bot-made source or approver the card says no approval was needed', async () => {
    const { approval: _none, ...withoutApproval } = exchangeActivation;
    await feed.announce(withoutApproval);
    expect(factsOf(cardOf(messenger.posts[0]?.activity ?? {}), 'feed-facts').Approval).toBe(NO_APPROVAL_TEXT);
  });

  it('rejects an activation without a key', async () => {
    await expect(feed.announce({ ...exchangeActivation, id: '' })).rejects.toThrow(TypeError);
  });
});

describe('break-glass accounts', () => {
  it('an activation goes, urgent, to the security channel even though no filter there matches it', async () => {
    await subscriptions.unsubscribe(EVERYTHING);
    await feed.announce(breakGlassActivation);
    const posts = messenger.postsIn(SECURITY);
    expect(posts).toHaveLength(1);
    // The security channel has no subscription: its post goes through another channel's reference.
    expect(posts[0]?.via).toEqual(reference(EXCHANGE_TEAM));
    const card = cardOf(posts[0]?.activity ?? {});
    assertValidCard(card);
    expect(findById(card, 'feed-header').style).toBe('attention');
    expect(findById(card, 'feed-title').text).toBe(BREAK_GLASS_TITLE);
    expect(hasId(card, 'feed-urgent')).toBe(true);
    expect((await requests.get(breakGlassActivation.id))?.feed?.copies.map((c) => [c.channelId, c.security])).toEqual([
      [SECURITY, true],
    ]);
  });

  it('every copy is urgent, and the security channel gets one copy even when it is also subscribed', async () => {
    await subscribe(SECURITY, []);
    await feed.announce(breakGlassActivation);
    expect(messenger.posts.map((p) => p.channelId).sort()).toEqual([EVERYTHING, SECURITY].sort());
    for (const post of messenger.posts)
      expect(findById(cardOf(post.activity), 'feed-title').text).toBe(BREAK_GLASS_TITLE);
  });

  it('other accounts never go to the security channel unless it subscribed', async () => {
    await feed.announce(exchangeActivation);
    expect(messenger.postsIn(SECURITY)).toEqual([]);
    expect(findById(cardOf(messenger.posts[0]?.activity ?? {}), 'feed-title').text).toBe('Role activation');
  });

  it('without a security channel, break-glass activations go only where subscriptions say', async () => {
    feed = newFeed({ securityChannelId: undefined });
    await subscriptions.unsubscribe(EVERYTHING);
    await feed.announce(breakGlassActivation);
    expect(messenger.posts).toEqual([]);
  });
});

describe('ended', () => {
  it('updates every copy in place: same messages, new state', async () => {
    await feed.announce(exchangeActivation);
    await feed.ended(exchangeActivation.id, 'deactivated', new Date('2030-03-04T15:02:00Z'));

    expect(messenger.posts).toHaveLength(2);
    expect(messenger.updates.map((u) => u.message.activityId).sort()).toEqual(
      messenger.posts.map((p) => p.message.activityId).sort(),
    );
    for (const update of messenger.updates) {
      const card = cardOf(update.activity);
      assertValidCard(card);
      expect(findById(card, 'feed-state').text).toBe('Deactivated');
      expect(factsOf(card, 'feed-facts')['Deactivated at']).toBe('15:02 UTC');
    }
    expect((await requests.get(exchangeActivation.id))?.feed?.copies.every((c) => c.shows === 'deactivated')).toBe(
      true,
    );
  });

  it('expired: the card says so and keeps the planned end', async () => {
    await feed.announce(exchangeActivation);
    await feed.ended(exchangeActivation.id, 'expired', new Date('2030-03-04T16:30:00Z'));
    const card = cardOf(messenger.updates[0]?.activity ?? {});
    expect(findById(card, 'feed-state').text).toBe('Expired');
    expect(factsOf(card, 'feed-facts')).toMatchObject({ End: '16:30 UTC' });
    expect(factsOf(card, 'feed-facts')).not.toHaveProperty('Deactivated at');
  });

  it('is idempotent, and the first end wins', async () => {
    await feed.announce(exchangeActivation);
    await feed.ended(exchangeActivation.id, 'expired', new Date('2030-03-04T16:30:00Z'));
    await feed.ended(exchangeActivation.id, 'expired', new Date('2030-03-04T16:30:00Z'));
    await feed.ended(exchangeActivation.id, 'deactivated', new Date('2030-03-04T16:40:00Z'));
    expect(messenger.updates).toHaveLength(2);
    expect((await requests.get(exchangeActivation.id))?.status).toBe('expired');
  });

  it('an ended activation is not posted to channels that subscribe afterwards', async () => {
    await feed.announce(exchangeActivation);
    await feed.ended(exchangeActivation.id, 'expired', new Date('2030-03-04T16:30:00Z'));
    await subscribe(SECURITY, []);
    await feed.announce(exchangeActivation);
    expect(messenger.postsIn(SECURITY)).toEqual([]);
  });

  it('unknown keys are ignored', async () => {
    await feed.ended('never-announced', 'expired', new Date());
    expect(messenger.updates).toEqual([]);
  });

  it('a failed update is reported and retried by the next call; the activation stays open until then', async () => {
    await feed.announce(exchangeActivation);
    messenger.failing.add(EXCHANGE_TEAM);
    await expect(feed.ended(exchangeActivation.id, 'expired', new Date('2030-03-04T16:30:00Z'))).rejects.toThrow(
      FeedDeliveryError,
    );
    expect(messenger.updates.map((u) => u.message.activityId)).toEqual([
      messenger.postsIn(EVERYTHING)[0]?.message.activityId,
    ]);
    expect((await feed.open()).map((r) => [r.id, r.status])).toEqual([[exchangeActivation.id, 'expired']]);

    messenger.failing.clear();
    await feed.ended(exchangeActivation.id, 'expired', new Date('2030-03-04T16:30:00Z'));
    expect(messenger.updates.map((u) => u.message.activityId)).toEqual([
      messenger.postsIn(EVERYTHING)[0]?.message.activityId,
      messenger.postsIn(EXCHANGE_TEAM)[0]?.message.activityId,
    ]);
    expect(await feed.open()).toEqual([]);
  });
});

describe('open', () => {
  it('lists announced activations until they ended and every card shows it', async () => {
    await feed.announce(exchangeActivation);
    await feed.announce(helpdeskGroupActivation);
    expect((await feed.open()).map((r) => r.id)).toEqual([exchangeActivation.id, helpdeskGroupActivation.id]);
    await feed.ended(exchangeActivation.id, 'deactivated', new Date('2030-03-04T15:00:00Z'));
    expect((await feed.open()).map((r) => r.id)).toEqual([helpdeskGroupActivation.id]);
  });
});
