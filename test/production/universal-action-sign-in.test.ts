import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoTenant } from '../../simulators/tenant/demo-tenant';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';

// Universal Actions in production mode: a click from a user the bot has no token for is answered with
// a loginRequest (HTTP 401 in the invoke response) carrying the tokenExchangeResource; Teams then
// resends the action with the SSO token in value.authentication.token.
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/enable-sso-for-your-adaptive-cards-universal-actions
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

describe('production mode: Universal Action sign-in', () => {
  it('asks Teams to sign the user in, then runs the action with the SSO token through to Graph', async ({ expect }) => {
    const adele = stack.teamsUser(demoTenant.users.find((u) => u.displayName === 'Adele Vance')!.id);
    const graphCallsBefore = stack.local.graph.calls().length;
    // "Deactivate now" on Global Administrator, which Adele does not hold: the bot reads her active list first.
    const response = await stack.driver.universalAction(
      adele,
      { target: 'role:62e90394-69f5-4237-9190-012177145e10:/' },
      'deactivate',
    );
    expect(response.loginRequest).toMatchObject({
      connectionName: OAUTH_CONNECTION,
      tokenExchangeResource: { uri: stack.local.botApp.identifierUris[0] },
    });
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body);
    const graphCalls = stack.local.graph.calls().length - graphCallsBefore;
    console.log(
      `universal action after loginRequest: invoke ${response.status}, ${graphCalls} Graph call(s) with the user's token`,
    );
    expect(text).toContain('Nothing is active for you right now.');
    expect(graphCalls).toBeGreaterThan(0);
  });

  it('signed in with the button instead (no SSO): Teams resends the action with the magic code, which the bot redeems', async ({
    expect,
  }) => {
    const megan = stack.teamsUser(demoTenant.users.find((u) => u.displayName === 'Megan Bowen')!.id);
    const graphCallsBefore = stack.local.graph.calls().length;
    const response = await stack.driver.universalActionAfterSignInLink(
      megan,
      { target: 'role:62e90394-69f5-4237-9190-012177145e10:/' },
      'deactivate',
    );
    expect(response.loginRequest).toMatchObject({ connectionName: OAUTH_CONNECTION });
    // The second answer is the action's, not another request to sign in.
    const body = response.body as { type?: string; statusCode?: number } | undefined;
    expect(body?.type).not.toBe('application/vnd.microsoft.activity.loginRequest');
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).toContain('Nothing is active for you right now.');
    expect(stack.local.graph.calls().length - graphCallsBefore).toBeGreaterThan(0);
  });
});
