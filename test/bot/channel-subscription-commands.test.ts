import { type Activity, MemoryStorage, TestAdapter } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelSubscriptionCommands } from '../../src/bot/channel-subscription-commands';
import { readSubscriptionArgs } from '../../src/commands/subscription-args';
import { ChannelSubscriptionStore } from '../../src/notifications/channel-subscriptions';
import { demoGroups, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
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
    const reply = await sayInChannel('Exchange, Global Administrator with details', demoTenant.tenantId);
    expect(await store.get(CHANNEL)).toMatchObject({ filters: ['Exchange', 'Global Administrator'], details: true });
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

describe('readSubscriptionArgs: the subscribe variants of the deploy guide, and the opt-in', () => {
  it.each([
    ['', { filters: [], details: false }],
    ['all roles', { filters: [], details: false }],
    ['everything', { filters: [], details: false }],
    ['Global Administrator, Exchange', { filters: ['Global Administrator', 'Exchange'], details: false }],
    [
      'Global Administrator; Exchange and Helpdesk',
      { filters: ['Global Administrator', 'Exchange', 'Helpdesk'], details: false },
    ],
    ['with details', { filters: [], details: true }],
    ['all roles with details', { filters: [], details: true }],
    ['Exchange, Global Administrator with details', { filters: ['Exchange', 'Global Administrator'], details: true }],
    ['Exchange, with details.', { filters: ['Exchange'], details: true }],
    ['Exchange (with details)', { filters: ['Exchange'], details: true }],
    ['With Details: Exchange', { filters: ['Exchange'], details: true }],
    ['Exchange without details', { filters: ['Exchange'], details: false }],
    // A role whose name merely contains the words is a filter, not the opt-in.
    ['Details Reader', { filters: ['Details Reader'], details: false }],
  ])('%j', (args, expected) => {
    expect(readSubscriptionArgs(args)).toEqual(expected);
  });
});
