import type { Activity } from 'botbuilder';
import { beforeEach, describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { cardActions, channelThread, visibleText } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * The channel activation feed through the real bot: a feed admin subscribes a channel, then every
 * activation (through the bot, or made directly in PIM as if in the portal) posts one card in a new
 * thread, and the same card is updated in place when the role is deactivated or expires.
 */

const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee } = demoUsers;
const SECURITY_FEED = '19:security-feed@thread.tacv2';
// A bot per test: each test subscribes and activates what it needs, so none meets the others' announcements.
const h = useBotHarness({
  config: { FEED_ADMIN_GROUP_ID: demoGroups.pimApprovers.id, WATCHER_INTERVAL_SECONDS: '0' },
  botPerTest: true,
});

async function inChannel(user: FixtureUser, text: string): Promise<string> {
  h.connector.reset();
  await h.say(user, `<at>PIM Bot</at> ${text}`, channelThread(SECURITY_FEED, demoTenant.tenantId, 'Security'));
  return h.connector.sentTexts().join('\n');
}

/** Feed posts: new threads created in the subscribed channel. */
function feedPosts() {
  return h.connector.calls.filter(
    (c) =>
      c.operation === 'createConversation' &&
      (c.body.channelData as { channel?: { id?: string } })?.channel?.id === SECURITY_FEED,
  );
}
function feedUpdates() {
  return h.connector.calls.filter((c) => c.operation === 'update' && c.conversationId.startsWith(`${SECURITY_FEED};`));
}
const postedText = (c: { body: Record<string, unknown> }) => visibleText(c.body.activity as Partial<Activity>);

/** Adele activates through the bot (typed, then confirmed on the card); the connector then holds what followed. */
async function activateInChat(text: string): Promise<void> {
  await h.say(adele, text);
  const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
  expect(confirm).toBeDefined();
  h.connector.reset();
  await h.submit(adele, confirm!.data!);
}

/** Nestor activates SharePoint Administrator straight in PIM (as in the portal). */
function activateInPortal(): void {
  h.stack.graph.activate({
    principalId: nestor.id,
    roleDefinitionId: demoRoles.sharePointAdministrator,
    duration: 'PT1H',
    justification: 'site collection cleanup',
  });
}

describe('subscriptions', () => {
  it('only feed admins may subscribe a channel; anyone may ask what it gets', async () => {
    // Graph down: the bot cannot tell who is an admin, and says so rather than refuse as if not one.
    h.stack.graph.injectFault({ kind: 'status', status: 503, count: 50, retryAfterSeconds: 120 });
    expect(await inChannel(megan, 'subscribe')).toMatch(
      /I could not check who may change this channel's subscription.*Nothing was changed/,
    );
    h.stack.graph.clearFaults();
    expect(await inChannel(megan, 'subscriptions')).not.toMatch(/Subscribed/);
    expect(await inChannel(lee, 'subscribe')).toMatch(/Only members of the PIM Approvers group can change/);
    expect(await inChannel(megan, 'subscriptions')).toMatch(/no subscription/);
    const subscribed = await inChannel(megan, 'subscribe');
    expect(subscribed).toMatch(/Subscribed: this channel gets every activation/);
    // What the channel will not see, said when it is set up (issue 13, finding 4).
    expect(subscribed).toMatch(/justifications and tickets stay out of the channel/);
    expect(await inChannel(nestor, 'subscriptions')).toMatch(/every activation/);
  });
});

describe('the feed', () => {
  beforeEach(async () => {
    expect(await inChannel(megan, 'subscribe')).toMatch(/Subscribed/);
  });

  it('an activation through the bot posts one card with who, what and until when, without why (no details)', async () => {
    await activateInChat('activate Exchange Administrator 2h INC-42 fix mailbox rules');
    expect(feedPosts()).toHaveLength(1);
    const text = postedText(feedPosts()[0]!);
    expect(text).toMatch(/Adele Vance/);
    expect(text).toMatch(/Exchange Administrator/);
    // The subscription did not opt in: neither the justification nor the ticket reaches the channel.
    const json = JSON.stringify(feedPosts()[0]!.body);
    expect(json).not.toMatch(/fix mailbox rules/);
    expect(json).not.toMatch(/INC-42/);
  });

  it('an activation made directly in PIM (as in the portal) is announced once by the watcher', async () => {
    h.connector.reset();
    activateInPortal();
    expect((await h.bot.watcher.tick()).announced).toBe(1);
    expect(feedPosts()).toHaveLength(1);
    const text = postedText(feedPosts()[0]!);
    expect(text).toMatch(/Nestor Wilke/);
    expect(text).toMatch(/SharePoint Administrator/);
    expect(text).toMatch(/Made outside PIM Bot/);
    expect((await h.bot.watcher.tick()).announced).toBe(0);
    expect(feedPosts()).toHaveLength(1);
  });

  it('deactivation through the bot updates the same card in place at once', async () => {
    await activateInChat('activate Exchange Administrator 2h INC-42 fix mailbox rules');
    expect(feedPosts()).toHaveLength(1);
    // PIM lets an activation be deactivated after 5 minutes.
    h.stack.clock.advance(6 * 60_000);
    h.connector.reset();
    await h.say(adele, 'deactivate exchange');
    expect(feedPosts()).toEqual([]);
    expect(
      feedUpdates()
        .map((u) => visibleText(u.body))
        .join('\n'),
    ).toMatch(/Deactivated/);
    // The watcher finds nothing left to end.
    expect((await h.bot.watcher.tick()).ended).toBe(0);
  });

  it('the end of a bot-made activation updates its card to Expired by the end job, without the watcher', async () => {
    await activateInChat('activate Exchange Administrator 1h INC-43 rotate connector certificate');
    expect(feedPosts()).toHaveLength(1);
    h.connector.reset();
    h.stack.clock.advance(3_600_000 + 1_000);
    await h.jobs.runDue();
    const updates = feedUpdates()
      .map((u) => visibleText(u.body))
      .join('\n');
    expect(updates).toMatch(/Expired/);
    expect(updates).toMatch(/Exchange Administrator/);
    expect(updates).not.toMatch(/rotate connector certificate/);
  });

  it('expiry (simulator clock past the end) updates the card to Expired', async () => {
    activateInPortal();
    expect((await h.bot.watcher.tick()).announced).toBe(1);
    h.connector.reset();
    h.stack.clock.advance(2 * 3_600_000);
    expect((await h.bot.watcher.tick()).ended).toBe(1);
    expect(feedPosts()).toEqual([]);
    const updates = feedUpdates()
      .map((u) => visibleText(u.body))
      .join('\n');
    expect(updates).toMatch(/Expired/);
    expect(updates).toMatch(/SharePoint Administrator/);
  });
});

describe('subscribe with details', () => {
  it('an admin opts the channel in; its next card shows the justification and ticket', async () => {
    const reply = await inChannel(megan, 'subscribe with details');
    expect(reply).toMatch(/Subscribed: this channel gets every activation/);
    expect(reply).toMatch(/also show the requester's justification and ticket/);
    expect(await inChannel(nestor, 'subscriptions')).toMatch(/justification and ticket/);
    await activateInChat('activate Exchange Administrator 1h INC-77 quarterly transport rule review');
    expect(feedPosts()).toHaveLength(1);
    const text = postedText(feedPosts()[0]!);
    expect(text).toMatch(/quarterly transport rule review/);
    expect(text).toMatch(/INC-77/);
  });
});

describe('feed times', () => {
  it('the feed card gives times relative to the post and in UTC (a channel has readers in many zones)', async () => {
    await inChannel(megan, 'subscribe');
    await activateInChat('activate User Administrator 2h INC-44 reset a locked-out account');
    const activation = h.stack.graph
      .snapshot()
      .activations.find(
        (a) => a.principalId === adele.id && a.isActive === true && a.roleDefinitionId === demoRoles.userAdministrator,
      );
    const end = new Date(activation!.endDateTime as string);
    const post = feedPosts().find((p) => postedText(p).includes('User Administrator'));
    expect(post).toBeDefined();
    const text = postedText(post!);
    // ECMA-402, en-GB: "HH:MM UTC" and the relative forms (Intl.RelativeTimeFormat short, NumberFormat units).
    const utc = (at: Date) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'UTC',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
        timeZoneName: 'short',
      }).format(at);
    expect(text).toContain(`(${utc(end)})`);
    const hours = new Intl.NumberFormat('en-GB', { style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(2);
    const minutes = new Intl.NumberFormat('en-GB', { style: 'unit', unit: 'minute', unitDisplay: 'short' }).format(59);
    const hour = new Intl.NumberFormat('en-GB', { style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(1);
    // Posted right after the activation: it ends in 2 hours (or 1 hr 59 min when a minute turned meanwhile).
    expect(text).toMatch(new RegExp(`in (${hours}|${hour} ${minutes}) \\(${utc(end)}\\)`));
    const ago = new Intl.RelativeTimeFormat('en-GB', { style: 'short', numeric: 'auto' });
    expect(text).toMatch(
      new RegExp(`(${ago.format(0, 'minute')}|${ago.format(-1, 'minute')}) \\(\\d\\d:\\d\\d UTC\\)`),
    );
  });
});
