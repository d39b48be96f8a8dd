import { type Activity, MemoryStorage, TestAdapter } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelSubscriptionCommands } from '../../src/bot/channel-subscription-commands';
import { ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import { SubscriptionNames } from '../../src/notifications/subscription-names';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { channelThread, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';
import { type PimTestStack, startPimTestStack } from '../support/pim-stack';

/**
 * `subscribe … with details` (issue 13, finding 4): the admin's words are read into filters and the opt-in, and
 * only a channel of a team in an allowed tenant may opt in. Real turns (botbuilder's TestAdapter), the feed admin
 * check against the Graph simulator, the subscriptions on a memory store.
 */

const { approver: megan } = demoUsers;
const CHANNEL = '19:ops@thread.tacv2';
const OTHER_TENANT = '0d8f5a8e-1c2b-4e7f-9a3d-6b5c4e3f2a1b';

let t: PimTestStack;
let store: ChannelSubscriptionStore;

beforeAll(async () => {
  t = await startPimTestStack();
});
afterAll(async () => t?.close());
beforeEach(() => {
  t.stack.graph.loadFixture(demoTenant);
  store = new ChannelSubscriptionStore(new MemoryStorage());
});
afterEach(() => {
  expect(t.violations, t.contractReport()).toEqual([]);
});

/** Megan (a feed admin) says `text` in the channel of a team in `tenantId`; resolves with the bot's one reply. */
async function sayInChannel(text: string, tenantId: string): Promise<Partial<Activity>> {
  const commands = new ChannelSubscriptionCommands({
    store,
    names: new SubscriptionNames({ roleNames: async () => [], groupNames: async () => [] }),
    directory: t.directory(),
    adminGroupId: demoGroups.pimApprovers.id,
    allowedTenantIds: [demoTenant.tenantId],
  });
  const replies: Partial<Activity>[] = [];
  const adapter = new TestAdapter(async (context) => {
    await commands.handle(context, { type: 'subscribe', args: text }, pino({ level: 'silent' }));
  });
  await adapter
    .send({
      type: 'message',
      text,
      channelId: 'msteams',
      from: { id: `29:${megan.id}`, aadObjectId: megan.id, name: megan.displayName },
      conversation: { id: `${CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true, tenantId, name: '' },
      channelData: { channel: { id: CHANNEL }, tenant: { id: tenantId } },
    })
    .assertReply((reply) => {
      replies.push(reply);
    });
  return replies[0] ?? {};
}

describe('subscribe … with details', () => {
  it('in a channel of the bot’s own tenant: stored, and the reply says the cards show justification and ticket', async () => {
    const reply = await sayInChannel('exch admin, GA with details', demoTenant.tenantId);
    expect(await store.get(CHANNEL)).toMatchObject({
      filters: ['Exchange Administrator', 'Global Administrator'],
      details: true,
    });
    expect(reply.text).toMatch(/justification and ticket/);
    expect(reply.textFormat).toBe('plain');
  });

  it('in a channel of another tenant: refused, nothing stored, and the reply says why and what to do', async () => {
    const reply = await sayInChannel('with details', OTHER_TENANT);
    console.log(`opt-in from another tenant: stored ${JSON.stringify(await store.get(CHANNEL))}`);
    expect(await store.get(CHANNEL)).toBeUndefined();
    expect(reply.text).toMatch(/own Microsoft Entra tenant/);
    expect(reply.text).toMatch(/Nothing was changed/);
  });

  it('in another tenant without details: the cards come without justifications, and the reply says so', async () => {
    const reply = await sayInChannel('', OTHER_TENANT);
    expect(await store.get(CHANNEL)).toMatchObject({ filters: [] });
    expect((await store.get(CHANNEL))?.details).toBeUndefined();
    expect(reply.text).toMatch(/justifications and tickets stay out of the channel/);
    // Not offered where it would be refused.
    expect(reply.text).not.toMatch(/with details/);
  });

  it('a channel whose two tenant fields disagree may not opt in', async () => {
    const commands = new ChannelSubscriptionCommands({
      store,
      names: new SubscriptionNames({ roleNames: async () => [], groupNames: async () => [] }),
      directory: t.directory(),
      adminGroupId: demoGroups.pimApprovers.id,
      allowedTenantIds: [demoTenant.tenantId],
    });
    const adapter = new TestAdapter(async (context) => {
      await commands.handle(context, { type: 'subscribe', args: 'with details' }, pino({ level: 'silent' }));
    });
    await adapter
      .send({
        type: 'message',
        text: 'subscribe with details',
        channelId: 'msteams',
        from: { id: `29:${megan.id}`, aadObjectId: megan.id, name: megan.displayName },
        conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: OTHER_TENANT, name: '' },
        channelData: { channel: { id: CHANNEL }, tenant: { id: demoTenant.tenantId } },
      })
      .assertReply((reply) => expect(reply.text).toMatch(/own Microsoft Entra tenant/));
    expect(await store.get(CHANNEL)).toBeUndefined();
  });
});

/**
 * The commands through the real bot over HTTP (capture connector, Graph simulator): add, duplicate, remove one,
 * remove all, list, unknown and ambiguous names, who may change, and what the feed then posts. Each test has its
 * own channel.
 */
describe('subscribe / unsubscribe / subscriptions in a channel (HTTP)', () => {
  const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee } = demoUsers;
  const SECURITY = '19:subs-security@thread.tacv2';
  /** A custom role of the tenant: not a built-in name, so only reading the tenant's roles makes it known. */
  const CUSTOM_ROLE = { id: '7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b', displayName: 'Contoso Mailbox Auditor' };
  const storage = new MemoryStorage();
  let channels = 0;
  const h = useBotHarness({
    config: {
      FEED_ADMIN_GROUP_ID: demoGroups.pimApprovers.id,
      WATCHER_INTERVAL_SECONDS: '0',
      WATCHED_GROUP_IDS: demoGroups.helpdeskBundle.id,
      SECURITY_CHANNEL_ID: SECURITY,
    },
    options: { storage },
    tenant: {
      ...demoTenant,
      roleDefinitions: [
        ...demoTenant.roleDefinitions,
        { ...CUSTOM_ROLE, description: 'Reads mailbox audit logs.', isBuiltIn: false, templateId: CUSTOM_ROLE.id },
      ],
    },
  });

  /** A channel of its own for each test. */
  const newChannel = () => `19:subs-${++channels}@thread.tacv2`;
  /** What the bot keeps for the channel (read from the bot's own storage). */
  const stored = (channel: string) => new ChannelSubscriptionStore(storage).get(channel);

  /** `user` @mentions the bot in `channel`; resolves with the bot's replies there. */
  async function say(user: FixtureUser, channel: string, text: string): Promise<string> {
    h.connector.reset();
    await h.say(user, `<at>PIM Bot</at> ${text}`, channelThread(channel, demoTenant.tenantId, 'Ops'));
    return h.connector.sentTexts().join('\n');
  }

  it('subscribe adds to the filters; a name typed the way activate takes it ("GA", "exch admin") is the role', async () => {
    const channel = newChannel();
    expect(await say(megan, channel, 'subscribe exch admin, GA')).toMatch(
      /^Subscribed: this channel gets every activation of Exchange Administrator and Global Administrator\./,
    );
    const added = await say(megan, channel, 'subscribe SharePoint Administrator');
    expect(added).toMatch(
      /every activation of Exchange Administrator, Global Administrator and SharePoint Administrator\./,
    );
    expect((await stored(channel))?.filters).toEqual([
      'Exchange Administrator',
      'Global Administrator',
      'SharePoint Administrator',
    ]);
  });

  it('subscribing twice to the same role keeps one filter and says nothing changed', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Teams Administrator');
    const again = await say(megan, channel, 'subscribe teams administrator');
    expect(again).toMatch(/^Nothing changed: this channel already gets every activation of Teams Administrator\./);
    expect(again).toMatch(/Teams Administrator was already there/);
    const mixed = await say(megan, channel, 'subscribe Teams Administrator, Global Reader');
    expect(mixed).toMatch(/every activation of Teams Administrator and Global Reader\. \(Teams Administrator was/);
    expect((await stored(channel))?.filters).toEqual(['Teams Administrator', 'Global Reader']);
  });

  it('two admins adding roles at the same moment both keep theirs (compare-and-swap)', async () => {
    const channel = newChannel();
    await Promise.all([
      say(megan, channel, 'subscribe Security Reader'),
      say(nestor, channel, 'subscribe Reports Reader'),
    ]);
    expect(new Set((await stored(channel))?.filters)).toEqual(new Set(['Security Reader', 'Reports Reader']));
  });

  it('unsubscribe <role> removes that one; the rest stays', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Global Administrator, Exchange Administrator, Global Reader');
    expect(await say(nestor, channel, 'unsubscribe GA')).toBe(
      'Unsubscribed from Global Administrator: this channel still gets every activation of Exchange Administrator and Global Reader.',
    );
    expect((await stored(channel))?.filters).toEqual(['Exchange Administrator', 'Global Reader']);
    // A name the channel does not follow changes nothing, and the reply says what it follows.
    expect(await say(megan, channel, 'unsubscribe Teams Administrator')).toBe(
      'This channel does not follow "Teams Administrator"; it follows Exchange Administrator and Global Reader. Nothing was changed.',
    );
    // Removing the last one ends the subscription: the channel then gets nothing, not "every activation".
    await say(megan, channel, 'unsubscribe exchange administrator');
    expect(await say(megan, channel, 'unsubscribe global reader')).toMatch(
      /^Unsubscribed from Global Reader: that was the last one, so this channel no longer gets activations\./,
    );
    expect(await stored(channel)).toBeUndefined();
  });

  it('unsubscribe alone removes them all', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Global Administrator, Exchange Administrator with details');
    expect(await say(megan, channel, 'unsubscribe')).toBe('Unsubscribed: this channel no longer gets activations.');
    expect(await stored(channel)).toBeUndefined();
    expect(await say(nestor, channel, 'subscriptions')).toMatch(/^This channel has no subscription\./);
    expect(await say(megan, channel, 'unsubscribe')).toBe('This channel had no subscription. Nothing was changed.');
  });

  it('subscriptions lists the filters and whether cards show details, for anyone in the channel', async () => {
    const channel = newChannel();
    expect(await say(lee, channel, 'subscriptions')).toMatch(/^This channel has no subscription\. An admin can say/);
    await say(megan, channel, 'subscribe Global Administrator, Exchange Administrator');
    const plain = await say(lee, channel, 'subscriptions');
    expect(plain).toMatch(/^This channel gets every activation of Global Administrator and Exchange Administrator\./);
    expect(plain).toMatch(/justifications and tickets stay out of the channel/);
    expect(plain).toMatch(/"unsubscribe <name>" removes one/);
    // Opting in with a role already there keeps the filters; adding a role later (not saying) keeps the opt-in.
    await say(megan, channel, 'subscribe Global Administrator with details');
    await say(megan, channel, 'subscribe Global Reader');
    const detailed = await say(lee, channel, 'subscriptions');
    expect(detailed).toMatch(/every activation of Global Administrator, Exchange Administrator and Global Reader\./);
    expect(detailed).toMatch(/Cards also show the requester's justification and ticket\./);
  });

  it('the security channel says it gets break-glass activations whatever it follows', async () => {
    expect(await say(lee, SECURITY, 'subscriptions')).toMatch(
      /no subscription\. It is also the security channel: every activation by an emergency access \(break-glass\) account gets an urgent card here/,
    );
  });

  it('an unknown name changes nothing and suggests the closest roles', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Global Reader');
    // The suggestions are the activation's "did you mean" (src/activation/target-suggestions), closest first.
    expect(await say(megan, channel, 'subscribe Exchnge Administratr, Teams Administrator')).toMatch(
      /^I don't know a role or group called "Exchnge Administratr"\. Did you mean Exchange Administrator, Exchange Recipient Administrator or [^?]+\? Nothing was changed\.$/,
    );
    expect(await say(megan, channel, 'subscribe Frobnicator')).toMatch(
      /^I don't know a role or group called "Frobnicator"\. Use the name Entra shows .* Nothing was changed\.$/,
    );
    // Several roles fit: the bot asks which rather than guess.
    expect(await say(megan, channel, 'subscribe Exchange')).toBe(
      '"Exchange" could be Exchange Administrator or Exchange Recipient Administrator: say which one. Nothing was changed.',
    );
    expect((await stored(channel))?.filters).toEqual(['Global Reader']);
  });

  it('a custom role of the tenant and a watched PIM for Groups group can be subscribed by name', async () => {
    const channel = newChannel();
    expect(await say(megan, channel, 'subscribe mailbox auditor, RAG helpdesk admins')).toMatch(
      /^Subscribed: this channel gets every activation of Contoso Mailbox Auditor and RAG - Helpdesk Admins\./,
    );
  });

  it('when Graph cannot list the roles, nothing changes and the reply says to try again', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Global Reader');
    // The names are read again after five minutes (the admin check is still remembered).
    h.stack.clock.advance(5 * 60_000 + 1_000);
    h.stack.graph.injectFault({ kind: 'status', status: 503, count: 50, retryAfterSeconds: 120 });
    try {
      expect(await say(megan, channel, 'subscribe Teams Administrator')).toBe(
        "I could not read the tenant's role names (Microsoft Graph did not answer). Nothing was changed; try again in a minute.",
      );
    } finally {
      h.stack.graph.clearFaults();
    }
    expect((await stored(channel))?.filters).toEqual(['Global Reader']);
  });

  it('adding a role to a channel that gets every activation changes nothing and says how to narrow it', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe');
    expect(await say(megan, channel, 'subscribe Global Administrator')).toMatch(
      /^This channel already gets every activation, Global Administrator included\. Nothing was changed\. To get only some roles, say "unsubscribe"/,
    );
    expect(await say(megan, channel, 'unsubscribe Global Administrator')).toMatch(
      /^This channel gets every activation, not a list of roles.*Nothing was changed/,
    );
    expect((await stored(channel))?.filters).toEqual([]);
  });

  it('only feed admins may change it: anyone else is refused and nothing changes', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe Global Administrator, Exchange Administrator');
    for (const text of ['unsubscribe', 'unsubscribe GA', 'subscribe Teams Administrator']) {
      expect(await say(lee, channel, text)).toMatch(/^Only members of the PIM Approvers group can change/);
    }
    expect((await stored(channel))?.filters).toEqual(['Global Administrator', 'Exchange Administrator']);
  });

  it('the feed then posts only for the remaining filters: a removed role posts nothing in the channel', async () => {
    const channel = newChannel();
    await say(megan, channel, 'subscribe SharePoint Administrator, Exchange Administrator');
    await say(megan, channel, 'unsubscribe SharePoint Administrator');
    const postsHere = () =>
      h.connector.calls.filter(
        (c) =>
          c.operation === 'createConversation' &&
          (c.body.channelData as { channel?: { id?: string } })?.channel?.id === channel,
      );

    h.connector.reset();
    h.stack.graph.activate({
      principalId: nestor.id,
      roleDefinitionId: demoRoles.sharePointAdministrator,
      duration: 'PT1H',
      justification: 'site collection cleanup',
    });
    expect((await h.bot.watcher.tick()).announced).toBe(1);
    expect(postsHere()).toEqual([]);

    h.connector.reset();
    h.stack.graph.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.exchangeAdministrator,
      duration: 'PT1H',
      justification: 'mailbox rules',
    });
    expect((await h.bot.watcher.tick()).announced).toBe(1);
    expect(postsHere()).toHaveLength(1);
    expect(visibleText(postsHere()[0]!.body.activity as Partial<Activity>)).toMatch(/Exchange Administrator/);
  });
});
