import { type Activity, TeamsSSOTokenExchangeMiddleware, TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createStorage } from '../../src/teams/bot-storage';
import { tokenExchangeDedupeStorage } from '../../src/teams/token-exchange-dedupe-storage';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';

// The middleware's contract (botbuilder teamsSSOTokenExchangeMiddleware.js, and
// https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code):
// every client gets an invoke response, exactly one exchange per value.id reaches the bot, the
// others are answered 200 without reaching it.
const CONNECTION = 'PimBotSso';
const USER = '29:1-adele';
const SSO_TOKEN = 'sso-token-from-teams';

let azurite: TestAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

function tokenExchangeInvoke(exchangeId: string): Partial<Activity> {
  return {
    type: 'invoke',
    name: 'signin/tokenExchange',
    channelId: 'msteams',
    from: { id: USER, name: 'Adele Vance' },
    recipient: { id: '28:bot', name: 'PIM Bot' },
    conversation: { id: 'a:1-personal-chat', isGroup: false, conversationType: 'personal', name: '' },
    value: { id: exchangeId, connectionName: CONNECTION, token: SSO_TOKEN },
  };
}

/** One bot instance: its own adapter (which can exchange the SSO token) and middleware on the shared container. */
async function botInstance(container: string): Promise<{ adapter: TestAdapter }> {
  const config = { connectionString: azurite.connectionString, container };
  const botStorage = await createStorage(config);
  const adapter = new TestAdapter();
  adapter.addExchangeableToken(CONNECTION, 'msteams', USER, SSO_TOKEN, 'connection-token');
  const account = { kind: 'connectionString' as const, connectionString: azurite.connectionString };
  adapter.use(
    new TeamsSSOTokenExchangeMiddleware(tokenExchangeDedupeStorage(botStorage, account, container), CONNECTION),
  );
  return { adapter };
}

describe('the SSO token exchange dedupe on Blob Storage (Azurite)', () => {
  it('lets exactly one of two instances handle the same exchange, and answers the other 200', async ({ expect }) => {
    const container = uniqueName('state');
    const instances = await Promise.all([botInstance(container), botInstance(container)]);
    const reachedBot: number[] = [0, 0];
    const exchangeId = `exchange-${uniqueName('id')}`;
    await Promise.all(
      instances.map(({ adapter }, i) =>
        adapter.processActivity(tokenExchangeInvoke(exchangeId), async () => {
          reachedBot[i] = (reachedBot[i] ?? 0) + 1;
        }),
      ),
    );
    const total = reachedBot.reduce((a, b) => a + b, 0);
    const answered = instances.flatMap(({ adapter }) => adapter.activeQueue.filter((a) => a.type === 'invokeResponse'));
    console.log(
      `sso token exchange dedupe on Azurite: ${total} of 2 instances handled the exchange, ${answered.length} answered 200 by the middleware`,
    );
    expect(total).toBe(1);
    expect(answered).toHaveLength(1);
    expect(answered[0]?.value).toMatchObject({ status: 200 });
  });

  it('lets a new exchange (another value.id) through after one was handled', async ({ expect }) => {
    const container = uniqueName('state');
    const instance = await botInstance(container);
    let reached = 0;
    for (const id of ['first', 'second']) {
      await instance.adapter.processActivity(tokenExchangeInvoke(`${id}-${uniqueName('id')}`), async () => {
        reached++;
      });
    }
    expect(reached).toBe(2);
  });

  it('answers 412 with the connection name when the token cannot be exchanged, before any dedupe', async ({
    expect,
  }) => {
    const container = uniqueName('state');
    const instance = await botInstance(container);
    let reached = 0;
    const refused = {
      ...tokenExchangeInvoke('refused'),
      value: { id: 'refused', connectionName: CONNECTION, token: 'not-exchangeable' },
    };
    await instance.adapter.processActivity(refused, async () => {
      reached++;
    });
    const response = instance.adapter.activeQueue.find((a) => a.type === 'invokeResponse');
    expect(reached).toBe(0);
    expect(response?.value).toMatchObject({ status: 412, body: { id: 'refused', connectionName: CONNECTION } });
  });
});
