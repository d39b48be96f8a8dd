import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConnectorCall } from '../../simulators/botframework/bot-connector';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { exchangeResourceId } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';
import type { TeamsUser } from '../support/teams-driver';

// A role activation in production mode, the way a Teams user does it: the bot has no token for the user,
// sends the OAuth card; Teams answers with signin/tokenExchange and the SSO token; the Token Service
// exchanges it on-behalf-of for the connection's scope (the bot's own API, deploy guide section 7); the
// bot reads that token back (GetToken) on each turn and exchanges it on-behalf-of for Graph.
// https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

function teamsUser(id: string): TeamsUser {
  return stack.teamsUser(id);
}
function callsIn(conversationId: string | undefined): ConnectorCall[] {
  return stack.connector.calls.filter((c) => c.conversationId === conversationId);
}
function confirmData(conversationId: string | undefined): Record<string, unknown> | undefined {
  return callsIn(conversationId)
    .flatMap((c) => cardActions(c.body as Partial<Activity>))
    .find((a) => a.data?.pimbot === 'confirm')?.data;
}
const activeFor = (userId: string) =>
  stack.local.graph.snapshot().activations.filter((a) => a.principalId === userId && a.isActive === true);

/** The user types the command; returns the conversation and the OAuth card's token exchange id. */
async function askWithoutToken(user: TeamsUser, text: string) {
  const message = stack.driver.personalMessage(user, text);
  const conversationId = message.conversation?.id;
  if ((await stack.driver.post(message)).status !== 200) throw new Error('the message was not accepted');
  const card = await stack.connector.waitFor((c) => c.conversationId === conversationId && !!exchangeResourceId(c));
  return { conversationId, exchangeId: exchangeResourceId(card) ?? '' };
}

describe('production mode: activation after Teams SSO', () => {
  it('signs the user in silently, confirms, and activates the role: the Active card', async ({ expect }) => {
    const adele = teamsUser(demoUsers.requester.id);
    const { conversationId, exchangeId } = await askWithoutToken(
      adele,
      'activate Exchange Administrator 2h INC-42 fix mailbox rules',
    );
    expect(confirmData(conversationId)).toBeUndefined();

    const exchanged = await stack.driver.tokenExchange(adele, exchangeId, OAUTH_CONNECTION);
    expect(exchanged.status).toBe(200);
    // The dialog resumes after the exchange with the command the user typed: the confirmation card.
    await stack.connector.waitFor((c) => c.conversationId === conversationId && !!confirmData(conversationId));
    const confirm = confirmData(conversationId);
    expect(JSON.stringify(confirm)).not.toContain('token');

    const graphCallsBefore = stack.local.graph.calls().length;
    expect((await stack.driver.post(stack.driver.personalSubmit(adele, confirm ?? {}))).status).toBe(200);
    const activeCard = await stack.connector.waitFor(
      (c) =>
        c.conversationId === conversationId && c.operation === 'update' && /Active until/.test(visibleText(c.body)),
    );
    const active = activeFor(adele.aadObjectId);
    const graphCalls = stack.local.graph.calls().slice(graphCallsBefore);
    console.log(
      `sso activation: exchange ${exchanged.status} (${stack.tokenService.exchanges.filter((e) => e.ok).length} ok at the Token Service), ` +
        `${graphCalls.length} Graph call(s) on confirm, ${active.length} active assignment(s), card: ${visibleText(activeCard.body).slice(0, 60)}…`,
    );
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ roleDefinitionId: demoRoles.exchangeAdministrator });
    // The activation went to Graph with Adele's delegated token (on-behalf-of), not the app's.
    expect(
      graphCalls.some((c) => c.method === 'POST' && c.principalId === adele.aadObjectId && c.callerKind === 'user'),
    ).toBe(true);
  });

  it('an expired SSO token is answered 412 and nothing runs; a fresh one completes the same sign-in', async ({
    expect,
  }) => {
    const nestor = teamsUser(demoUsers.secondApprover.id);
    const { conversationId, exchangeId } = await askWithoutToken(nestor, 'roles');
    const expired = await stack.local.authority.issueTeamsSsoToken({
      userId: nestor.aadObjectId,
      clientId: stack.botAppId,
      lifetimeSeconds: -60,
    });
    const refused = await stack.driver.tokenExchange(nestor, exchangeId, OAUTH_CONNECTION, expired);
    const repliesAfterRefusal = callsIn(conversationId).length;
    const tokenService = stack.tokenService.exchanges.filter((e) => e.userId === nestor.id);
    console.log(
      `expired SSO token in a sign-in: invoke ${refused.status}, token service ${JSON.stringify(tokenService)}`,
    );
    // 412: Teams then shows the OAuth card's sign-in button (bot-sso-code, "token exchange failure").
    expect(refused.status).toBe(412);
    expect(tokenService).toEqual([
      // AADSTS500133: the assertion is not within its valid time range.
      { userId: nestor.id, connectionName: OAUTH_CONNECTION, ok: false, error: 'invalid_grant', errorCode: 500133 },
    ]);
    expect(repliesAfterRefusal).toBe(1);

    const fresh = await stack.driver.tokenExchange(nestor, exchangeId, OAUTH_CONNECTION);
    expect(fresh.status).toBe(200);
    const list = await stack.connector.waitFor((c) => c.conversationId === conversationId && !exchangeResourceId(c));
    expect(visibleText(list.body)).toMatch(/Roles you can activate/);
  });

  it('a signed-in user deactivates by typing, without signing in again: the token comes back from the Token Service', async ({
    expect,
  }) => {
    const megan = teamsUser(demoUsers.approver.id);
    const { conversationId, exchangeId } = await askWithoutToken(
      megan,
      'activate Exchange Administrator 1h INC-7 check the queue',
    );
    await stack.driver.tokenExchange(megan, exchangeId, OAUTH_CONNECTION);
    await stack.connector.waitFor((c) => c.conversationId === conversationId && !!confirmData(conversationId));
    await stack.driver.post(stack.driver.personalSubmit(megan, confirmData(conversationId) ?? {}));
    expect(activeFor(megan.aadObjectId)).toHaveLength(1);
    const exchangesBefore = stack.tokenService.exchanges.length;
    const sentBefore = callsIn(conversationId).length;

    // PIM refuses to deactivate within 5 minutes of activation.
    stack.local.clock.advance(6 * 60_000);
    const typed = stack.driver.personalMessage(megan, 'deactivate exchange');
    await stack.driver.post(typed);
    const done = await stack.connector.waitFor(
      (c) => c.conversationId === conversationId && /is deactivated/.test(visibleText(c.body)),
    );
    const since = callsIn(conversationId).slice(sentBefore);
    console.log(
      `sso deactivate: "${visibleText(done.body).slice(0, 60)}", new OAuth cards ${since.filter((c) => exchangeResourceId(c)).length}, ` +
        `new exchanges ${stack.tokenService.exchanges.length - exchangesBefore}, active left ${activeFor(megan.aadObjectId).length}`,
    );
    expect(visibleText(done.body)).toMatch(/Exchange Administrator is deactivated/);
    expect(since.filter((c) => exchangeResourceId(c))).toEqual([]);
    expect(stack.tokenService.exchanges.length).toBe(exchangesBefore);
    expect(activeFor(megan.aadObjectId)).toEqual([]);
  });
});
