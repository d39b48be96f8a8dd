import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoTenant } from '../../simulators/tenant/demo-tenant';
import { type ProductionStack, startProductionStack } from '../support/production-stack';

// Production mode end to end for the channel leg: activities signed as the Bot Connector signs them
// (OpenID metadata + keys endorsed for "msteams", from ToBotFromChannelOpenIdMetadataUrl) reach the
// bot, and its reply reaches the connector with a bot token; anything else is refused before a turn.
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

const repliesTo = (conversationId: string) =>
  stack.connector.calls.filter((c) => c.conversationId === conversationId && c.operation !== 'createConversation');

describe('production mode: the Bot Connector leg', () => {
  it('answers a signed Teams message through the connector, with its bot token', async ({ expect }) => {
    const adele = stack.teamsUser(demoTenant.users.find((u) => u.displayName === 'Adele Vance')!.id);
    const message = stack.driver.personalMessage(adele, 'help');
    const response = await stack.driver.post(message);
    const reply = await stack.connector.waitFor((c) => c.conversationId === message.conversation?.id);
    expect(response.status).toBe(200);
    expect(reply).toMatchObject({ botAppId: stack.botAppId, body: { type: 'message' } });
  });

  it('refuses activities without a valid channel token, before any turn', async ({ expect }) => {
    const adele = stack.teamsUser(demoTenant.users.find((u) => u.displayName === 'Adele Vance')!.id);
    const base = stack.driver.personalMessage(adele, 'help');
    const attempts = {
      'no token': await stack.driver.post(
        { ...base, conversation: { ...base.conversation!, id: 'a:none' } },
        { token: null },
      ),
      // The key is endorsed for msteams only (the JWKS' endorsements): another channel may not use it.
      'key not endorsed for the channel': await stack.driver.post({
        ...base,
        channelId: 'webchat',
        conversation: { ...base.conversation!, id: 'a:webchat' },
      }),
      // The token names another serviceUrl than the activity (the serviceurl claim).
      'other serviceUrl': await stack.driver.post(
        { ...base, conversation: { ...base.conversation!, id: 'a:other-service' } },
        {
          token: await stack.channel.channelToken({ botAppId: stack.botAppId, serviceUrl: 'https://evil.example/' }),
        },
      ),
      'another bot': await stack.driver.post(
        { ...base, conversation: { ...base.conversation!, id: 'a:another-bot' } },
        {
          token: await stack.channel.channelToken({
            botAppId: '00000000-0000-4000-8000-0000000000ff',
            serviceUrl: stack.connector.serviceUrl,
          }),
        },
      ),
      expired: await stack.driver.post(
        { ...base, conversation: { ...base.conversation!, id: 'a:expired' } },
        {
          token: await stack.channel.channelToken({
            botAppId: stack.botAppId,
            serviceUrl: stack.connector.serviceUrl,
            lifetimeSeconds: -600,
          }),
        },
      ),
    };
    const statuses = Object.fromEntries(Object.entries(attempts).map(([k, v]) => [k, v.status]));
    const turns = ['a:none', 'a:webchat', 'a:other-service', 'a:another-bot', 'a:expired'].flatMap(repliesTo).length;
    console.log(`production inbound: refused ${JSON.stringify(statuses)}; replies sent for them: ${turns}`);
    expect(statuses).toEqual({
      'no token': 401,
      'key not endorsed for the channel': 401,
      'other serviceUrl': 401,
      'another bot': 401,
      expired: 401,
    });
    expect(turns).toBe(0);
  });
});
