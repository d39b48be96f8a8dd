import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConnectorCall } from '../../simulators/botframework/bot-connector';
import { demoGroups, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { exchangeResourceId } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';

// The activation feed in production mode: a feed admin @mentions the bot with "subscribe" in a team
// channel (no sign-in needed: the bot checks her group membership app-only), then a user activates a
// role after Teams SSO, and the feed card reaches the channel through the connector with the bot token.
const CHANNEL = '19:ops-prod@thread.tacv2';
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack({ env: { FEED_ADMIN_GROUP_ID: demoGroups.pimApprovers.id } });
});

afterAll(async () => {
  await stack?.close();
});

const inChannel = (c: ConnectorCall) =>
  c.conversationId.startsWith(CHANNEL) ||
  (c.body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === CHANNEL;

describe('production mode: channel subscription and the activation feed', () => {
  it("a feed admin subscribes a channel; a user's activation after SSO is posted there", async ({ expect }) => {
    const megan = stack.teamsUser(demoUsers.approver.id);
    const subscribe = stack.driver.channelMention(megan, CHANNEL, 'subscribe');
    expect((await stack.driver.post(subscribe)).status).toBe(200);
    const confirmed = await stack.connector.waitFor((c) => c.conversationId === subscribe.conversation?.id);
    expect(visibleText(confirmed.body)).toMatch(/^Subscribed/);

    const adele = stack.teamsUser(demoUsers.requester.id);
    const ask = stack.driver.personalMessage(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
    const chat = ask.conversation?.id;
    await stack.driver.post(ask);
    const oauth = await stack.connector.waitFor((c) => c.conversationId === chat && !!exchangeResourceId(c));
    await stack.driver.tokenExchange(adele, exchangeResourceId(oauth) ?? '', OAUTH_CONNECTION);
    const confirmCall = await stack.connector.waitFor(
      (c) => c.conversationId === chat && cardActions(c.body).some((a) => a.data?.pimbot === 'confirm'),
    );
    const confirm = cardActions(confirmCall.body).find((a) => a.data?.pimbot === 'confirm')?.data ?? {};
    await stack.driver.post(stack.driver.personalSubmit(adele, confirm));

    const feedPost = await stack.connector.waitFor(
      (c) =>
        inChannel(c) && c.conversationId !== subscribe.conversation?.id && /Adele Vance/.test(JSON.stringify(c.body)),
      10_000,
    );
    console.log(
      `production feed: subscribe answered "${visibleText(confirmed.body).slice(0, 50)}…", feed post ${feedPost.operation} by bot ${feedPost.botAppId === stack.botAppId ? 'token of this bot' : feedPost.botAppId}`,
    );
    expect(feedPost.botAppId).toBe(stack.botAppId);
    expect(JSON.stringify(feedPost.body)).toMatch(/Exchange Administrator/);
  });
});
