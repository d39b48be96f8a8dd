import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConnectorCall } from '../../simulators/botframework/bot-connector';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { browse } from '../support/browser';
import { exchangeResourceId } from '../support/oauth-card';
import {
  OAUTH_CONNECTION,
  type ProductionStack,
  PUBLIC_BASE_URL,
  startProductionStack,
} from '../support/production-stack';
import type { TeamsUser } from '../support/teams-driver';

// Activation with step-up in production mode (the playground runs it in test/bot/step-up*.test.ts): the user's
// Teams SSO sign-in did not use MFA (amr pwd), so PIM refuses the activation (MfaRule) or asks for an
// authentication context (AcrsValidationFailed). The bot retries silently with the claims; Entra cannot grant
// them on-behalf-of (interaction_required, AADSTS50076), so the bot sends a sign-in card whose link opens its own
// step-up page at PUBLIC_BASE_URL; the browser goes through the authority's /authorize and back to /auth/callback,
// and the bot resumes the activation with the stronger token.
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow (error response with claims),
// https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-how-to-change-default-settings
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

const callsIn = (conversationId: string | undefined): ConnectorCall[] =>
  stack.connector.calls.filter((c) => c.conversationId === conversationId);
const actionsIn = (conversationId: string | undefined) =>
  callsIn(conversationId).flatMap((c) => cardActions(c.body as Partial<Activity>));
const statusText = (conversationId: string | undefined) => {
  const updates = callsIn(conversationId).filter((c) => c.operation === 'update');
  return visibleText(updates[updates.length - 1]?.body);
};

/** Asks, signs in by SSO with a password-only sign-in, confirms; returns the step-up sign-in link the bot sent. */
async function activateWithoutMfa(user: TeamsUser, text: string) {
  const message = stack.driver.personalMessage(user, text);
  const conversationId = message.conversation?.id;
  await stack.driver.post(message);
  const card = await stack.connector.waitFor((c) => c.conversationId === conversationId && !!exchangeResourceId(c));
  const passwordOnly = await stack.local.authority.issueTeamsSsoToken({
    userId: user.aadObjectId,
    clientId: stack.botAppId,
    amr: ['pwd'],
  });
  const exchanged = await stack.driver.tokenExchange(
    user,
    exchangeResourceId(card) ?? '',
    OAUTH_CONNECTION,
    passwordOnly,
  );
  if (exchanged.status !== 200) throw new Error(`the exchange was refused: ${exchanged.status}`);
  await stack.connector.waitFor(() => actionsIn(conversationId).some((a) => a.data?.pimbot === 'confirm'));
  const confirm = actionsIn(conversationId).find((a) => a.data?.pimbot === 'confirm')?.data ?? {};
  const graphBefore = stack.local.graph.calls().length;
  await stack.driver.post(stack.driver.personalSubmit(user, confirm));
  await stack.connector.waitFor(() => actionsIn(conversationId).some((a) => a.type === 'Action.OpenUrl'));
  const signInUrl = actionsIn(conversationId).find((a) => a.type === 'Action.OpenUrl')?.url ?? '';
  return { conversationId, signInUrl, graphBefore };
}

/** The user's browser, reaching the bot's public URL through its front door (here: the bot's own port). */
const viaFrontDoor = (url: string) =>
  url.startsWith(PUBLIC_BASE_URL) ? `${stack.bot.url}${url.slice(PUBLIC_BASE_URL.length)}` : url;

describe('production mode: activation with step-up', () => {
  it('MFA: PIM refuses the password-only token, the user signs in with MFA from the card, the activation completes', async ({
    expect,
  }) => {
    const megan = stack.teamsUser(demoUsers.approver.id);
    const { conversationId, signInUrl, graphBefore } = await activateWithoutMfa(
      megan,
      'activate Exchange Administrator 2h INC-51 rotate connectors',
    );
    // Before the step-up nothing is active: PIM refused the first POST.
    const refusedPosts = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.method === 'POST' && c.principalId === megan.aadObjectId);
    expect(signInUrl.startsWith(`${PUBLIC_BASE_URL}/auth/start?state=`)).toBe(true);
    expect(stack.local.graph.snapshot().activations.filter((a) => a.principalId === megan.aadObjectId)).toEqual([]);

    const page = await browse(signInUrl, { rewriteUrl: viaFrontDoor });
    expect(page.status).toBe(200);
    await stack.connector.waitFor(() => /Active until/.test(statusText(conversationId)));
    const posts = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.method === 'POST' && c.principalId === megan.aadObjectId);
    const active = stack.local.graph
      .snapshot()
      .activations.filter((a) => a.principalId === megan.aadObjectId && a.isActive === true);
    console.log(
      `step-up (MFA) in production mode: ${refusedPosts.length} POST(s) refused before the sign-in, ` +
        `${posts.length} in all, statuses ${JSON.stringify(posts.map((p) => p.status))}, ${active.length} active`,
    );
    expect(refusedPosts.length).toBeGreaterThan(0);
    expect(refusedPosts.every((p) => p.status >= 400)).toBe(true);
    expect(posts.filter((p) => p.status < 300)).toHaveLength(1);
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ roleDefinitionId: demoRoles.exchangeAdministrator });
  });

  it('authentication context: the same step-up, then the request waits for approval', async ({ expect }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    const { conversationId, signInUrl } = await activateWithoutMfa(
      adele,
      'activate Privileged Role Administrator 1h INC-9 delegate PIM settings',
    );
    expect(stack.local.graph.snapshot().requests.filter((r) => r.principalId === adele.aadObjectId)).toEqual([]);
    expect((await browse(signInUrl, { rewriteUrl: viaFrontDoor })).status).toBe(200);
    await stack.connector.waitFor(() => /Waiting for approval/.test(statusText(conversationId)));
    expect(stack.local.graph.snapshot().requests.find((r) => r.principalId === adele.aadObjectId)).toMatchObject({
      status: 'PendingApproval',
      roleDefinitionId: demoRoles.privilegedRoleAdministrator,
    });
  });
});
