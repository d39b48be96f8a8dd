import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { exchangeResourceId } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';

// The OAuth connection configured with Graph scopes, as most samples do, instead of the bot's own API
// (docs/deploy-to-your-tenant.md section 7 says not to): the Token Service's exchange succeeds, but the
// token it hands the bot is addressed to Graph, not to the bot, so the bot cannot use it as its
// on-behalf-of assertion. The bot must refuse it (SsoTokenVerifier: wrong audience) and act for nobody.
// The counterpart with the deploy guide's scope is sso-activation.test.ts.
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack({ connectionScopes: 'https://graph.microsoft.com/User.Read' });
});

afterAll(async () => {
  await stack?.close();
});

describe('production mode: an OAuth connection with Graph scopes', () => {
  it('exchanges the SSO token, but the bot takes no Graph token for a sign-in and activates nothing', async ({
    expect,
  }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    const message = stack.driver.personalMessage(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
    const conversationId = message.conversation?.id;
    await stack.driver.post(message);
    const oauth = await stack.connector.waitFor((c) => c.conversationId === conversationId && !!exchangeResourceId(c));
    const graphBefore = stack.local.graph.calls().length;
    const exchanged = await stack.driver.tokenExchange(adele, exchangeResourceId(oauth) ?? '', OAUTH_CONNECTION);
    // Whatever the bot says after the exchange: no confirmation card, a request to sign in.
    const after = await stack.connector.waitFor(
      (c) => c.conversationId === conversationId && c !== oauth && !exchangeResourceId(c),
    );
    const userCalls = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.principalId === adele.aadObjectId);
    const confirm = cardActions(after.body as Partial<Activity>).some((a) => a.data?.pimbot === 'confirm');
    console.log(
      `connection with Graph scopes: exchange ${exchanged.status} (${JSON.stringify(stack.tokenService.exchanges)}), ` +
        `bot answered "${visibleText(after.body).slice(0, 80)}", ${userCalls.length} Graph call(s) as the user`,
    );
    // The exchange itself succeeded (botbuilder's middleware and OAuthPrompt each exchange once).
    expect(stack.tokenService.exchanges.length).toBeGreaterThan(0);
    expect(stack.tokenService.exchanges.every((e) => e.ok && e.userId === adele.id)).toBe(true);
    expect(confirm).toBe(false);
    expect(visibleText(after.body)).toMatch(/sign in/i);
    expect(userCalls).toEqual([]);
  });
});
