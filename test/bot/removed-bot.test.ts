import { type Activity, MemoryStorage } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { ConversationReferenceStore } from '../../src/teams/conversation-references';
import { cardActions } from '../support/bot-harness';
import type { CapturedCall } from '../support/capture-connector';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * An approver who removes or blocks PIM Bot: Teams refuses every later send into their old 1:1 chat (403
 * MessageWritesBlocked / BotNotInConversationRoster, ../shared/teams/TEAMS-AND-LOCAL-STACK.md §5). The bot
 * forgets that chat, on the uninstall event or on the first refusal, and reaches the approver through a new
 * 1:1 chat instead of failing the same send until the delivery job gives up.
 */
const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
const storage = new MemoryStorage();
const refs = new ConversationReferenceStore(storage);
const h = useBotHarness({ knownUsers: [megan, nestor], options: { storage } });

async function requestGlobalAdmin(): Promise<void> {
  await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
  const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
  expect(confirm).toBeDefined();
  await h.submit(adele, confirm!.data!);
  await h.jobs.runDue();
}

const isApprovalCard = (call: CapturedCall) => cardActions(call.body).some((a) => a.verb === 'approve');
const opensChatWith = (call: CapturedCall, userId: string) =>
  call.operation === 'createConversation' &&
  ((call.body.members ?? []) as Array<{ aadObjectId?: string }>).some((m) => m.aadObjectId === userId);

/** Megan's approval card as delivered: the conversation it went to and whether it got there. */
function megansCards() {
  const opened = h.connector.calls.filter((c) => opensChatWith(c, megan.id)).map((c) => c.conversationId);
  return h.connector.calls
    .filter((c) => (c.operation === 'send' || c.operation === 'reply') && isApprovalCard(c))
    .filter((c) => c.conversationId === h.personalConversationId(megan) || opened.includes(c.conversationId))
    .map((c) => ({ inOldChat: c.conversationId === h.personalConversationId(megan), failed: c.failedWith }));
}

describe('an approver removed PIM Bot', () => {
  it('on the uninstall event the bot forgets her chat, and her next card goes through a new 1:1 chat', async () => {
    expect(await refs.user(megan.id)).toBeDefined();
    const status = await h.say(megan, '', {
      type: 'installationUpdate',
      action: 'remove',
      text: undefined,
    } as Partial<Activity>);
    expect(status).toBe(200);
    expect(await refs.user(megan.id)).toBeUndefined();
    expect(await refs.user(nestor.id)).toBeDefined();

    await requestGlobalAdmin();
    expect(megansCards()).toEqual([{ inOldChat: false, failed: undefined }]);
  });

  it('a 403 MessageWritesBlocked from her old chat: forgotten, and the card goes through a new 1:1 chat', async () => {
    h.connector.failNext(
      403,
      'MessageWritesBlocked',
      (call) => call.operation !== 'createConversation' && call.conversationId === h.personalConversationId(megan),
    );
    await requestGlobalAdmin();
    expect(megansCards()).toEqual([
      { inOldChat: true, failed: 403 },
      { inOldChat: false, failed: undefined },
    ]);
    expect(await refs.user(megan.id)).toBeUndefined();
    // Nestor's chat was fine: his card went where it always goes.
    const nestors = h.connector.calls.filter(
      (c) => c.conversationId === h.personalConversationId(nestor) && isApprovalCard(c),
    );
    expect(nestors.map((c) => c.failedWith)).toEqual([undefined]);
  });

  it('another refusal (a 502 from the connector) is not taken for a removed bot: the chat is kept', async () => {
    h.connector.failNext(
      502,
      'ServiceError',
      (call) => call.operation !== 'createConversation' && call.conversationId === h.personalConversationId(megan),
    );
    await requestGlobalAdmin();
    expect(await refs.user(megan.id)).toBeDefined();
    expect(h.connector.calls.some((c) => opensChatWith(c, megan.id))).toBe(false);
  });
});

describe('the bot removed from a team', () => {
  it('forgets the channel it was told about', async () => {
    const channelId = '19:ops@thread.tacv2';
    const channelActivity = (extra: Partial<Activity>): Partial<Activity> => ({
      type: 'conversationUpdate',
      channelId: 'msteams',
      serviceUrl: h.connector.serviceUrl,
      from: { id: `29:${megan.id}`, aadObjectId: megan.id, name: megan.displayName },
      recipient: { id: '28:pim-bot', name: 'PIM Bot' },
      conversation: {
        id: channelId,
        conversationType: 'channel',
        tenantId: demoTenant.tenantId,
        isGroup: true,
        name: 'Ops',
      },
      channelData: { channel: { id: channelId }, team: { id: channelId }, tenant: { id: demoTenant.tenantId } },
      ...extra,
    });
    await h.post(channelActivity({ membersAdded: [{ id: '28:pim-bot', name: 'PIM Bot' }] }));
    expect(await refs.channel(channelId)).toBeDefined();
    await h.post(channelActivity({ type: 'installationUpdate', action: 'remove' }));
    expect(await refs.channel(channelId)).toBeUndefined();
  });
});
