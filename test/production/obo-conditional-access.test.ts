import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConnectorCall } from '../../simulators/botframework/bot-connector';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { browse } from '../support/browser';
import { exchangeResourceId, oauthCardIn } from '../support/oauth-card';
import {
  OAUTH_CONNECTION,
  type ProductionStack,
  PUBLIC_BASE_URL,
  startProductionStack,
} from '../support/production-stack';
import type { TeamsUser } from '../support/teams-driver';

// Conditional Access on the bot's own on-behalf-of exchange: a policy requires MFA for Microsoft Graph, the user's
// Teams SSO sign-in did not use it, so Entra refuses the exchange with a claims challenge
// (learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow, "Error response example": "The middle-tier
// service should surface this error to the client application so that the client application can provide the user
// interaction to satisfy the Conditional Access policy … acquire a new token from the token issuer, by presenting the
// claims challenge"; the captured answer of AzureAD/microsoft-authentication-library-for-js#5491). Signing in to
// Teams again cannot satisfy it (the same SSO token comes back), so the bot offers its step-up sign-in: the
// authorize request carries that challenge plus client capability CP1 (`xms_cc`, learn.microsoft.com/entra/
// identity-platform/claims-challenge), the user signs in with MFA, and the request goes on with that Graph token.
const POLICY_ID = '9ab03e19-ed42-4168-b6b7-7001fb3e933a';
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

const callsIn = (conversationId: string | undefined): ConnectorCall[] =>
  stack.connector.calls.filter((c) => c.conversationId === conversationId);
const textsIn = (conversationId: string | undefined) => callsIn(conversationId).map((c) => visibleText(c.body));
const viaFrontDoor = (url: string) =>
  url.startsWith(PUBLIC_BASE_URL) ? `${stack.bot.url}${url.slice(PUBLIC_BASE_URL.length)}` : url;

/** Types `text`, answers the OAuth card with a password-only SSO token; returns the conversation and its calls so far. */
async function askSignedInWithoutMfa(user: TeamsUser, text: string) {
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
  return conversationId;
}

/** The step-up card's link, once the bot sent it. */
async function stepUpLink(conversationId: string | undefined): Promise<{ url: string; text: string }> {
  const call = await stack.connector.waitFor(
    (c) =>
      c.conversationId === conversationId &&
      cardActions(c.body as Partial<Activity>).some((a) => a.type === 'Action.OpenUrl'),
  );
  const url = cardActions(call.body as Partial<Activity>).find((a) => a.type === 'Action.OpenUrl')?.url ?? '';
  return { url, text: visibleText(call.body) };
}

/** Opens the link as the user's browser does; returns the `claims` the authorize request carried. */
async function signInAtStepUp(url: string): Promise<Record<string, unknown>> {
  let claims = '';
  const page = await browse(url, {
    rewriteUrl: (hop) => {
      const parsed = new URL(hop);
      if (parsed.pathname.endsWith('/oauth2/v2.0/authorize')) claims = parsed.searchParams.get('claims') ?? '';
      return viaFrontDoor(hop);
    },
  });
  if (page.status !== 200) throw new Error(`the step-up sign-in ended with HTTP ${page.status}`);
  return JSON.parse(claims) as Record<string, unknown>;
}

describe('production mode: Conditional Access on the on-behalf-of exchange', () => {
  it('the user gets the step-up sign-in instead of the Teams sign-in again, signs in with MFA, and the request goes through', async ({
    expect,
  }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    stack.local.authority.addConditionalAccessPolicy({ id: POLICY_ID, userIds: [adele.aadObjectId] });
    const graphBefore = stack.local.graph.calls().length;
    const conversationId = await askSignedInWithoutMfa(adele, 'roles');

    const link = await stepUpLink(conversationId);
    expect(link.url.startsWith(`${PUBLIC_BASE_URL}/auth/start?state=`)).toBe(true);
    expect(link.text).toMatch(/Conditional Access requires a stronger sign-in/);
    // One OAuth card only: the bot did not sign her out to send Teams' sign-in again.
    expect(callsIn(conversationId).filter((c) => !!oauthCardIn(c))).toHaveLength(1);
    // Nothing reached Graph for her: the exchange was refused.
    const beforeStepUp = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.principalId === adele.aadObjectId);
    expect(beforeStepUp).toEqual([]);

    const claims = await signInAtStepUp(link.url);
    // The challenge Entra sent, as it sent it, with CP1 declared beside it.
    expect(claims).toEqual({
      access_token: { capolids: { essential: true, values: [POLICY_ID] }, xms_cc: { values: ['cp1'] } },
    });
    await stack.connector.waitFor(
      (c) => c.conversationId === conversationId && /Roles you can activate/.test(visibleText(c.body)),
    );
    expect(textsIn(conversationId).some((t) => /you are signed in\. Carrying on with your request/.test(t))).toBe(true);
    const reads = stack.local.graph
      .calls()
      .slice(graphBefore)
      .filter((c) => c.principalId === adele.aadObjectId);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.status === 200)).toBe(true);

    // Her next turn (the Token Service still holds the password-only token) uses the step-up's Graph token: no new
    // sign-in card of either kind.
    const next = stack.driver.personalMessage(adele, 'active');
    const sentBefore = callsIn(conversationId).length;
    await stack.driver.post(next);
    await stack.connector.waitFor(
      (c) => c.conversationId === conversationId && callsIn(conversationId).indexOf(c) >= sentBefore,
    );
    const after = callsIn(conversationId).slice(sentBefore);
    console.log(
      `Conditional Access on OBO: ${reads.length} Graph read(s) after the step-up, all 200; next turn sent ${after.length} message(s): ${JSON.stringify(after.map((c) => visibleText(c.body).slice(0, 60)))}`,
    );
    expect(after.some((c) => !!oauthCardIn(c))).toBe(false);
    expect(
      after.flatMap((c) => cardActions(c.body as Partial<Activity>)).some((a) => a.type === 'Action.OpenUrl'),
    ).toBe(false);
  });

  it('the documented answer (interaction_required, polids, AADSTS50079) leads to the same step-up with its claims', async ({
    expect,
  }) => {
    const nestor = stack.teamsUser(demoUsers.secondApprover.id);
    stack.local.authority.addConditionalAccessPolicy({
      id: POLICY_ID,
      userIds: [nestor.aadObjectId],
      answer: 'documented',
      code: 50079,
    });
    const conversationId = await askSignedInWithoutMfa(nestor, 'roles');
    const link = await stepUpLink(conversationId);
    const claims = await signInAtStepUp(link.url);
    expect(claims).toEqual({
      access_token: { polids: { essential: true, values: [POLICY_ID] }, xms_cc: { values: ['cp1'] } },
    });
    await stack.connector.waitFor(
      (c) => c.conversationId === conversationId && /Roles you can activate/.test(visibleText(c.body)),
    );
  });

  it("a card button under the same policy says a stronger sign-in is needed and where to start it, in the clicker's language", async ({
    expect,
  }) => {
    const megan = stack.teamsUser(demoUsers.approver.id);
    stack.local.authority.addConditionalAccessPolicy({ id: POLICY_ID, userIds: [megan.aadObjectId] });
    const passwordOnly = await stack.local.authority.issueTeamsSsoToken({
      userId: megan.aadObjectId,
      clientId: stack.botAppId,
      amr: ['pwd'],
    });
    // Approve on an approval card, with the SSO token Teams attaches after a loginRequest (Universal Actions).
    const click = (locale: string) =>
      stack.driver.post({
        ...stack.driver.personalMessage(megan, ''),
        type: 'invoke',
        name: 'adaptiveCard/action',
        locale,
        text: undefined,
        value: {
          action: { type: 'Action.Execute', verb: 'approve', data: { requestId: 'r-1', comment: '' } },
          trigger: 'manual',
          authentication: { token: passwordOnly },
        },
      });
    const english = await click('en-US');
    const german = await click('de-DE');
    const text = (answer: { body: unknown }) =>
      visibleText({
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: (answer.body as { value?: unknown }).value,
          },
        ],
      });
    expect(english.status).toBe(200);
    expect(text(english)).toMatch(/A stronger sign-in is needed/);
    expect(text(english)).toMatch(/Type "pending" or "roles" in your chat with PIM Bot/);
    expect(text(german)).toMatch(/Eine stärkere Anmeldung ist erforderlich/);
  });
});
