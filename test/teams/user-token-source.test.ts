import { type Activity, TestAdapter, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { TeamsSsoTokenSource } from '../../src/teams/user-token-source';

/** Production sign-in for card actions (Universal Actions), with a fake of botbuilder's UserTokenClient. */

function invokeContext(value: unknown): TurnContext {
  const adapter = new TestAdapter();
  const activity: Partial<Activity> = {
    type: 'invoke',
    name: 'adaptiveCard/action',
    channelId: 'msteams',
    from: { id: '29:megan', name: 'Megan', aadObjectId: 'megan' },
    conversation: { id: 'a:1', isGroup: false, conversationType: 'personal', name: '' },
    recipient: { id: '28:bot', name: 'PIM Bot' },
    value,
  };
  const context = new TurnContext(adapter, activity as Activity);
  const key = Symbol('UserTokenClient');
  Object.defineProperty(adapter, 'UserTokenClientKey', { value: key });
  context.turnState.set(key, {
    async getSignInResource(connectionName: string) {
      return {
        signInLink: `https://token.botframework.example/signin?connection=${connectionName}`,
        tokenExchangeResource: { id: 'x', uri: 'api://botid-1234', providerId: 'p' },
      };
    },
    async getUserToken() {
      return undefined;
    },
  });
  return context;
}

describe('Teams SSO for card actions', () => {
  it('uses the SSO token Teams sends with the action after a sign-in request', async () => {
    const source = new TeamsSsoTokenSource('PimBotSso');
    const context = invokeContext({ action: { verb: 'approve' }, authentication: { token: 'sso-token-from-teams' } });
    expect(await source.getUserAssertion(context)).toBe('sso-token-from-teams');
  });

  it('asks Teams to sign the user in (401 loginRequest with the OAuth connection and token exchange resource)', async () => {
    const source = new TeamsSsoTokenSource('PimBotSso');
    const response = await source.loginRequest(invokeContext({ action: { verb: 'approve' } }));
    expect(response?.status).toBe(401);
    expect(response?.body).toMatchObject({
      statusCode: 401,
      type: 'application/vnd.microsoft.activity.loginRequest',
      value: {
        connectionName: 'PimBotSso',
        tokenExchangeResource: { uri: 'api://botid-1234' },
        buttons: [{ type: 'signin', value: 'https://token.botframework.example/signin?connection=PimBotSso' }],
      },
    });
  });
});
