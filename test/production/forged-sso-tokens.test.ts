import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { type ProductionStack, startProductionStack } from '../support/production-stack';
import type { TeamsUser } from '../support/teams-driver';

// Tampered sign-ins on the production path: a Universal Action resent with a token that is not the
// clicking user's own SSO token for this bot. Each must be answered like a click without a token (the
// 401 loginRequest) and reach Graph as nobody. What a valid token is: signed by the tenant's keys, for
// the bot (aud), of the activity's own user (oid = from.aadObjectId); learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

const LOGIN_REQUEST = 'application/vnd.microsoft.activity.loginRequest';

async function clickWith(user: TeamsUser, token: string) {
  const before = stack.local.graph.calls().length;
  const response = await stack.driver.post({
    ...stack.driver.personalSubmit(user, {}),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: {
      action: {
        type: 'Action.Execute',
        verb: 'deactivate',
        data: { pimbot: 'deactivate', target: 'role:62e90394-69f5-4237-9190-012177145e10:/' },
      },
      trigger: 'manual',
      authentication: { token },
    },
  });
  const graphCalls = stack.local.graph
    .calls()
    .slice(before)
    .filter((c) => c.callerKind === 'user');
  return { type: (response.body as { type?: string } | undefined)?.type, graphCalls: graphCalls.length };
}

describe('production mode: forged SSO tokens on a card action', () => {
  it("refuses another user's token, a forged signature and a token for another app", async ({ expect }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    const lee = stack.teamsUser(demoUsers.noAccess.id);
    const adeleToken = await stack.local.authority.issueTeamsSsoToken({
      userId: adele.aadObjectId,
      clientId: stack.botAppId,
    });
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ ...decodeJwt(adeleToken), oid: lee.aadObjectId, sub: lee.aadObjectId })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .sign(privateKey);
    const otherAppToken = await new SignJWT({ ...decodeJwt(adeleToken), aud: 'api://botid-someone-else' })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .sign(privateKey);
    const outcomes = {
      "another user's token": await clickWith(lee, adeleToken),
      'forged signature': await clickWith(lee, forged),
      'token for another app': await clickWith(adele, otherAppToken),
    };
    console.log(`forged SSO tokens on a card action: ${JSON.stringify(outcomes)}`);
    for (const outcome of Object.values(outcomes)) expect(outcome).toEqual({ type: LOGIN_REQUEST, graphCalls: 0 });
    // The same click with the user's own token does run (the check is not refusing everything).
    const own = await clickWith(adele, adeleToken);
    expect(own.type).not.toBe(LOGIN_REQUEST);
    expect(own.graphCalls).toBeGreaterThan(0);
  });
});
