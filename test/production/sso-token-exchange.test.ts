import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoTenant } from '../../simulators/tenant/demo-tenant';
import type { ConnectorCall } from '../../simulators/botframework/bot-connector';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';

// Teams SSO in production mode: the bot has no token for the user, so it sends the OAuth card with a
// tokenExchangeResource; Teams answers with a signin/tokenExchange invoke carrying the SSO token, which
// TeamsSSOTokenExchangeMiddleware exchanges at the Token Service (OAuthUrl), which asks Entra on behalf
// of the user. https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';

function oauthCard(
  call: ConnectorCall,
): { tokenExchangeResource?: { id?: string; uri?: string }; connectionName?: string } | undefined {
  const attachments = (call.body.attachments ?? []) as { contentType?: string; content?: unknown }[];
  return attachments.find((a) => a.contentType === OAUTH_CARD)?.content as never;
}

function user(name: string) {
  return stack.teamsUser(demoTenant.users.find((u) => u.displayName === name)!.id);
}

describe('production mode: Teams SSO through the Token Service', () => {
  it('asks a user without a token to sign in with an OAuth card, and exchanges the SSO token Teams sends', async ({
    expect,
  }) => {
    const adele = user('Adele Vance');
    const message = stack.driver.personalMessage(adele, 'active');
    expect((await stack.driver.post(message)).status).toBe(200);

    const card = await stack.connector.waitFor((c) => c.conversationId === message.conversation?.id && !!oauthCard(c));
    const resource = oauthCard(card)?.tokenExchangeResource;
    expect(resource?.uri).toBe(stack.local.botApp.identifierUris[0]);
    const answer = await stack.driver.tokenExchange(adele, resource?.id ?? '', OAUTH_CONNECTION);
    expect(answer.status).toBe(200);
    expect(stack.tokenService.exchanges).toContainEqual({
      userId: adele.id,
      connectionName: OAUTH_CONNECTION,
      ok: true,
    });
  });

  it('answers 412 to an expired SSO token, so that Teams shows the sign-in card', async ({ expect }) => {
    const megan = user('Megan Bowen');
    const expired = await stack.local.authority.issueTeamsSsoToken({
      userId: megan.aadObjectId,
      clientId: stack.botAppId,
      lifetimeSeconds: -60,
    });
    const answer = await stack.driver.tokenExchange(megan, 'exchange-expired', OAUTH_CONNECTION, expired);
    const refused = stack.tokenService.exchanges.filter((e) => e.userId === megan.id);
    console.log(
      `sso exchange with an expired token: invoke ${answer.status}, token service: ${JSON.stringify(refused)}`,
    );
    expect(answer.status).toBe(412);
    expect(answer.body).toMatchObject({ id: 'exchange-expired', connectionName: OAUTH_CONNECTION });
    expect(refused).toEqual([
      { userId: megan.id, connectionName: OAUTH_CONNECTION, ok: false, error: 'invalid_grant', errorCode: 500133 },
    ]);
  });

  it('serves bots only: a call without the bot token is refused', async ({ expect }) => {
    const url = `${stack.tokenService.url}/api/usertoken/GetToken?userId=29%3Ax&connectionName=${OAUTH_CONNECTION}&channelId=msteams`;
    expect((await fetch(url)).status).toBe(401);
  });
});
