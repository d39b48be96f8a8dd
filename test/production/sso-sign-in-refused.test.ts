import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions } from '../support/bot-harness';
import { oauthCardIn } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';

// A user who declined consent to the bot's app: Entra refuses the Token Service's on-behalf-of exchange
// with consent_required (AADSTS65001), the bot answers the signin/tokenExchange invoke 412, and Teams falls
// back to the OAuth card's sign-in button ("userconsentrequired … handled by the Teams client via the OAuth
// card fallback flow": learn.microsoft.com/microsoftteams/platform/teams-sdk/teams/user-authentication/troubleshooting-sso;
// consent → 412 PreconditionFailed: microsoft/Agents-for-python#380).
// Nothing the user asked for reaches Graph.
const lee = demoUsers.noAccess;
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack({ usersWithoutConsent: [lee.id] });
});

afterAll(async () => {
  await stack?.close();
});

describe('production mode: the token exchange refused', () => {
  it('a user who declined consent gets the sign-in card, and nothing runs for them', async ({ expect }) => {
    const user = stack.teamsUser(lee.id);
    const message = stack.driver.personalMessage(user, 'roles');
    const conversationId = message.conversation?.id;
    await stack.driver.post(message);
    const cardCall = await stack.connector.waitFor((c) => c.conversationId === conversationId && !!oauthCardIn(c));
    const card = oauthCardIn(cardCall);
    const graphBefore = stack.local.graph.calls().length;

    const answer = await stack.driver.tokenExchange(user, card?.tokenExchangeResource?.id ?? '', OAUTH_CONNECTION);
    const refusals = stack.tokenService.exchanges.filter((e) => e.userId === user.id);
    const graphCalls = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.principalId === lee.id);
    const after = stack.connector.calls.filter((c) => c.conversationId === conversationId);
    console.log(
      `consent declined: exchange invoke ${answer.status}, token service ${JSON.stringify(refusals)}, ` +
        `${graphCalls.length} Graph call(s) for the user, ${after.length} message(s) in the chat (the OAuth card)`,
    );
    expect(answer.status).toBe(412);
    expect(refusals).toEqual([
      { userId: user.id, connectionName: OAUTH_CONNECTION, ok: false, error: 'invalid_grant', errorCode: 65001 },
    ]);
    // What Teams shows on a 412: the OAuth card's sign-in button, a link to the Token Service's sign-in page.
    const signIn = card?.buttons?.find((b) => b.type === 'signin');
    expect(signIn?.value).toMatch(new RegExp(`^${stack.tokenService.url}/api/oauth/signin\\?`));
    expect(card?.connectionName).toBe(OAUTH_CONNECTION);
    expect(graphCalls).toEqual([]);
    expect(after).toHaveLength(1);
    expect(after.flatMap((c) => cardActions(c.body))).toEqual([]);
  });

  it('another user of the same tenant, who consented, is signed in silently', async ({ expect }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    const message = stack.driver.personalMessage(adele, 'roles');
    await stack.driver.post(message);
    const cardCall = await stack.connector.waitFor(
      (c) => c.conversationId === message.conversation?.id && !!oauthCardIn(c),
    );
    const answer = await stack.driver.tokenExchange(
      adele,
      oauthCardIn(cardCall)?.tokenExchangeResource?.id ?? '',
      OAUTH_CONNECTION,
    );
    expect(answer.status).toBe(200);
    await stack.connector.waitFor((c) => c.conversationId === message.conversation?.id && !oauthCardIn(c));
  });
});
