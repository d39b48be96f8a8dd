import { type Activity, type ConversationReference, MemoryStorage } from 'botbuilder';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ActivationFeed } from '../../src/notifications/activation-feed';
import { ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { PimRequestStore } from '../../src/requests/pim-request-store';
import { readItem, writeItem } from '../../src/store/compare-and-swap';
import { ConversationReferenceStore } from '../../src/teams/conversation-references';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { assertValidCard, factsOf } from '../cards/card-validation';
import { RecordingMessenger } from './recording-messenger';

/**
 * Issue 13, finding 4: a justification and a ticket are written for PIM and the approvers. A channel's feed card
 * leaves them out unless its subscription opted in (`subscribe … with details`); subscriptions stored before the
 * option existed have no flag and get no details. The strings below are distinctive so that finding them anywhere
 * in the card's JSON (not just in a fact) counts.
 */

const NOW = new Date('2030-03-04T14:31:00Z');
const JUSTIFICATION = 'Zanzibar-quokka rotation 7731';
const TICKET = 'QZX-884211';
const PLAIN = '19:plain@thread.tacv2';
const DETAILED = '19:detailed@thread.tacv2';
const SECURITY = '19:security@thread.tacv2';
const { requester: adele, breakGlass, admin: isaiah } = demoUsers;

const reference = (channelId: string): Partial<ConversationReference> => ({
  channelId: 'msteams',
  serviceUrl: 'https://smba.example/emea/',
  bot: { id: '28:pimbot', name: 'PIM Bot' },
  conversation: { id: channelId, isGroup: true, conversationType: 'channel', tenantId: 'contoso', name: '' },
});

const activation = (id: string, principal = adele): PimRequest =>
  newRequest({
    id,
    requester: { aadObjectId: principal.id, name: principal.displayName, upn: principal.userPrincipalName },
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
    justification: JUSTIFICATION,
    ticket: { ticketNumber: TICKET, ticketSystem: 'ServiceNow' },
    source: 'bot',
  });

let storage: MemoryStorage;
let subscriptions: ChannelSubscriptionStore;
let messenger: RecordingMessenger;
let feed: ActivationFeed;

const json = (activity: Partial<Activity> | undefined): string => JSON.stringify(activity ?? {});
const cardOf = (activity: Partial<Activity> | undefined): unknown => activity?.attachments?.[0]?.content;

async function subscribe(channelId: string, details?: boolean): Promise<void> {
  await subscriptions.subscribe(channelId, {
    filters: [],
    by: { aadObjectId: isaiah.id, name: isaiah.displayName },
    reference: reference(channelId),
    ...(details === undefined ? {} : { details }),
  });
}

beforeEach(() => {
  storage = new MemoryStorage();
  subscriptions = new ChannelSubscriptionStore(storage);
  messenger = new RecordingMessenger(new ConversationReferenceStore(storage), NOW);
  feed = new ActivationFeed({
    requests: new PimRequestStore(storage),
    subscriptions,
    messenger,
    logger: pino({ level: 'silent' }),
    securityChannelId: SECURITY,
    breakGlassIds: [breakGlass.id],
    now: () => NOW,
  });
});

describe('feed cards and the justification', () => {
  it('a default subscription: the card keeps role, who, when, until and approval, and has neither justification nor ticket', async () => {
    await subscribe(PLAIN);
    await feed.announce(activation('req-1'));
    const post = messenger.postsIn(PLAIN)[0]?.activity;
    assertValidCard(cardOf(post));
    const text = json(post);
    console.log(
      `default subscription: justification in card JSON ${text.includes(JUSTIFICATION)}, ticket ${text.includes(TICKET)}`,
    );
    expect(text).not.toContain(JUSTIFICATION);
    expect(text).not.toContain(TICKET);
    expect(text).not.toContain('Zanzibar');
    expect(Object.keys(factsOf(cardOf(post), 'feed-facts'))).toEqual([
      'Who',
      'Scope',
      'Duration',
      'Start',
      'End',
      'Approval',
    ]);
    expect(text).toContain('Exchange Administrator');
    expect(text).toContain(adele.displayName);
  });

  it('a subscription "with details": the card shows the justification and the ticket', async () => {
    await subscribe(DETAILED, true);
    await feed.announce(activation('req-2'));
    const card = cardOf(messenger.postsIn(DETAILED)[0]?.activity);
    expect(factsOf(card, 'feed-facts')).toMatchObject({
      Justification: JUSTIFICATION,
      Ticket: `${TICKET} (ServiceNow)`,
    });
  });

  it('one activation, two channels: only the one that opted in shows details, also when the card is updated', async () => {
    await subscribe(PLAIN);
    await subscribe(DETAILED, true);
    await feed.announce(activation('req-3'));
    await feed.ended('req-3', 'expired', new Date('2030-03-04T16:30:00Z'));
    const updateIn = (channelId: string) =>
      messenger.updates.find((u) => String(u.message.conversation.conversation?.id).startsWith(`${channelId};`));
    expect(json(messenger.postsIn(PLAIN)[0]?.activity)).not.toContain(JUSTIFICATION);
    expect(json(updateIn(PLAIN)?.activity)).not.toContain(JUSTIFICATION);
    expect(json(updateIn(PLAIN)?.activity)).toContain('Expired');
    expect(json(messenger.postsIn(DETAILED)[0]?.activity)).toContain(JUSTIFICATION);
    expect(json(updateIn(DETAILED)?.activity)).toContain(JUSTIFICATION);
  });

  it('a subscription stored before the option existed (no flag, or a flag that is not true) gets no details', async () => {
    await subscribe(PLAIN);
    // The stored document as an older version wrote it, and one with a junk flag.
    const doc = (await readItem<Record<string, Record<string, unknown>>>(storage, 'feed/subscriptions')) ?? {};
    const { details: _none, ...legacy } = doc[PLAIN] ?? {};
    await writeItem(storage, 'feed/subscriptions', {
      [PLAIN]: legacy,
      [DETAILED]: { ...legacy, channelId: DETAILED, reference: reference(DETAILED), details: 'yes' },
    });
    await feed.announce(activation('req-4'));
    expect(messenger.posts).toHaveLength(2);
    for (const post of messenger.posts) expect(json(post.activity)).not.toContain(JUSTIFICATION);
  });

  it('re-subscribing "without details" turns them off for later updates of cards already posted', async () => {
    await subscribe(DETAILED, true);
    await feed.announce(activation('req-5'));
    await subscribe(DETAILED, false);
    await feed.ended('req-5', 'deactivated', new Date('2030-03-04T15:00:00Z'));
    expect(json(messenger.updates[0]?.activity)).toContain('Deactivated');
    expect(json(messenger.updates[0]?.activity)).not.toContain(JUSTIFICATION);
  });

  it("the security channel's urgent card has no details unless that channel itself subscribed with them", async () => {
    await subscribe(DETAILED, true);
    await feed.announce(activation('req-6', breakGlass));
    expect(json(messenger.postsIn(SECURITY)[0]?.activity)).not.toContain(JUSTIFICATION);
    expect(json(messenger.postsIn(DETAILED)[0]?.activity)).toContain(JUSTIFICATION);
  });
});
