import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConnectorCall } from '../../simulators/botframework/bot-connector';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions, visibleText } from '../support/bot-harness';
import { exchangeResourceId } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';
import type { TeamsDriver, TeamsUser } from '../support/teams-driver';

// A user whose session ends after they signed in: the bot must not act with what it had, but ask them to sign
// in again (the OAuth card), and act once they have.
// - Sign out at the Token Service: `DELETE api/usertoken/SignOut` (botbuilder's UserTokenClient.signOutUser)
//   removes the token the connection kept; the bot reads the token from the Token Service on each turn
//   (OAuthPrompt.getUserToken), so the next turn finds none and sends the sign-in card.
// - Sessions revoked in Entra (Graph user: revokeSignInSessions, learn.microsoft.com/graph/api/user-revokesigninsessions:
//   "requiring the user to sign in again to all applications"): a token issued before the revocation is no
//   grant any more, Entra answers invalid_grant AADSTS50173 ("The provided grant has expired due to it being
//   revoked, a fresh auth token is needed", learn.microsoft.com/entra/identity-platform/reference-error-codes).
//   Teams' cached SSO token is refused at the exchange (412, the sign-in card stays), a fresh sign-in works.
// - Revoked in Entra while the Token Service still hands out the stored token (it keeps it until it expires): the
//   bot's own on-behalf-of exchange is refused (AADSTS50173). The bot signs the user out at the Token Service and
//   sends the OAuth card in that turn, so Teams re-does SSO at once, and the request goes on after it.
// - Graph's continuous access evaluation of the revocation (401 with a claims challenge, FIDELITY.md of the Graph
//   simulator) reaches an instance that still has the session cached: the claims refresh is refused the same way,
//   the cached session is dropped, and the same re-sign-in follows.
let stack: ProductionStack;

beforeAll(async () => {
  stack = await startProductionStack();
});

afterAll(async () => {
  await stack?.close();
});

const callsIn = (conversationId: string | undefined): ConnectorCall[] =>
  stack.connector.calls.filter((c) => c.conversationId === conversationId);
const confirmData = (calls: ConnectorCall[]) =>
  calls.flatMap((c) => cardActions(c.body as Partial<Activity>)).find((a) => a.data?.pimbot === 'confirm')?.data;
const graphCallsOf = (userId: string, since: number) =>
  stack.local.graph
    .calls()
    .slice(since)
    .filter((c) => c.principalId?.toLowerCase() === userId.toLowerCase());
const activeFor = (userId: string) =>
  stack.local.graph.snapshot().activations.filter((a) => a.principalId === userId && a.isActive === true);

/** Types `text` (to the stack's bot, or another instance's `driver`) and waits for the bot's next message carrying an OAuth card; its exchange id. */
async function sendExpectingSignIn(
  user: TeamsUser,
  text: string,
  driver: TeamsDriver = stack.driver,
): Promise<{ conversationId?: string; exchangeId: string }> {
  const message = driver.personalMessage(user, text);
  const conversationId = message.conversation?.id;
  const before = callsIn(conversationId).length;
  if ((await driver.post(message)).status !== 200) throw new Error('the message was not accepted');
  const card = await stack.connector.waitFor(
    (c) =>
      c.conversationId === conversationId && !!exchangeResourceId(c) && callsIn(conversationId).indexOf(c) >= before,
  );
  return { conversationId, exchangeId: exchangeResourceId(card) ?? '' };
}

/** The user's first sign-in: `roles`, the OAuth card, Teams' SSO answer, the list (from no stored token, whatever ran before). */
async function signIn(user: TeamsUser, ssoToken?: string): Promise<void> {
  await (await stack.userTokenClient()).signOutUser(user.id, OAUTH_CONNECTION, 'msteams');
  const { conversationId, exchangeId } = await sendExpectingSignIn(user, 'roles');
  const answer = await stack.driver.tokenExchange(user, exchangeId, OAUTH_CONNECTION, ssoToken);
  if (answer.status !== 200) throw new Error(`sign-in refused: ${answer.status}`);
  await stack.connector.waitFor(
    (c) => c.conversationId === conversationId && /Roles you can activate/.test(visibleText(c.body)),
  );
}

/** After the exchange resumed the activation: confirm it, wait for the Active card. */
async function confirmActivation(
  user: TeamsUser,
  conversationId: string | undefined,
  since: number,
  driver: TeamsDriver = stack.driver,
) {
  await stack.connector.waitFor(() => !!confirmData(callsIn(conversationId).slice(since)));
  const confirm = confirmData(callsIn(conversationId).slice(since)) ?? {};
  expectStatus(await driver.post(driver.personalSubmit(user, confirm)), 200);
  return stack.connector.waitFor(
    (c) => c.conversationId === conversationId && c.operation === 'update' && /Active until/.test(visibleText(c.body)),
  );
}

/** Resolves once the wall clock (what tokens' iat is read from) is in a later whole second than `second`. */
function untilSecondAfter(second: number): Promise<void> {
  const due = (second + 1) * 1000 - Date.now();
  return due > 0 ? new Promise((resolve) => setTimeout(resolve, due)) : Promise.resolve();
}

function expectStatus(response: { status: number }, status: number): void {
  if (response.status !== status) throw new Error(`expected HTTP ${status}, got ${response.status}`);
}

/** An on-behalf-of request for Graph with `assertion`, as the bot's app makes it (PimSessions). */
async function oboForGraph(assertion: string): Promise<{ status: number; error?: string; errorCode?: number }> {
  const response = await fetch(`${stack.local.authority.url}/${stack.local.fixture.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: stack.local.botApp.clientId,
      client_secret: stack.local.botApp.clientSecret,
      assertion,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  const body = (await response.json()) as { error?: string; error_codes?: number[] };
  return { status: response.status, error: body.error, errorCode: body.error_codes?.[0] };
}

const textsIn = (calls: ConnectorCall[]) => calls.map((c) => visibleText(c.body));

describe('production mode: a revoked session', () => {
  it('signed out at the Token Service: the next activation asks to sign in again, nothing reaches Graph before, then it activates', async ({
    expect,
  }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    await signIn(adele);
    const tokens = await stack.userTokenClient();
    expect((await tokens.getUserToken(adele.id, OAUTH_CONNECTION, 'msteams', ''))?.token).toBeTruthy();

    await tokens.signOutUser(adele.id, OAUTH_CONNECTION, 'msteams');
    expect(await tokens.getUserToken(adele.id, OAUTH_CONNECTION, 'msteams', '')).toBeUndefined();
    const graphBefore = stack.local.graph.calls().length;
    const exchangesBefore = stack.tokenService.exchanges.length;

    const asked = await sendExpectingSignIn(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
    const sinceCard = callsIn(asked.conversationId).length;
    const graphWhileSignedOut = graphCallsOf(adele.aadObjectId, graphBefore);
    expect(graphWhileSignedOut).toEqual([]);
    expect(confirmData(callsIn(asked.conversationId).slice(sinceCard - 1))).toBeUndefined();

    expect((await stack.driver.tokenExchange(adele, asked.exchangeId, OAUTH_CONNECTION)).status).toBe(200);
    const activeCard = await confirmActivation(adele, asked.conversationId, sinceCard);
    // This test's activation (Adele may hold another test's, e.g. User Administrator, when they ran first).
    const active = activeFor(adele.aadObjectId).filter((a) => a.roleDefinitionId === demoRoles.exchangeAdministrator);
    console.log(
      `signed out at the Token Service: sign-in card again, ${graphWhileSignedOut.length} Graph call(s) before the new sign-in, ` +
        `${stack.tokenService.exchanges.length - exchangesBefore} exchange call(s) for the new sign-in, then "${visibleText(activeCard.body).slice(0, 50)}…"`,
    );
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ roleDefinitionId: demoRoles.exchangeAdministrator });
    // Two exchanges of the one SSO token: TeamsSSOTokenExchangeMiddleware's, then OAuthPrompt's own (botbuilder 4.23).
    const ok = { userId: adele.id, connectionName: OAUTH_CONNECTION, ok: true };
    expect(stack.tokenService.exchanges.slice(exchangesBefore)).toEqual([ok, ok]);
  });

  it("sessions revoked in Entra: Teams' cached SSO token is refused with AADSTS50173 (412), a fresh sign-in activates", async ({
    expect,
  }) => {
    const megan = stack.teamsUser(demoUsers.approver.id);
    // What the Teams client holds for Megan and hands out until it expires (an hour).
    const cachedSso = await stack.local.authority.issueTeamsSsoToken({
      userId: megan.aadObjectId,
      clientId: stack.botAppId,
      amr: ['pwd', 'mfa'],
    });
    await signIn(megan, cachedSso);
    const tokens = await stack.userTokenClient();
    const kept = (await tokens.getUserToken(megan.id, OAUTH_CONNECTION, 'msteams', ''))?.token ?? '';
    expect(await oboForGraph(kept)).toMatchObject({ status: 200 });

    // An admin revokes Megan's sessions (lost device); the connection's token goes too.
    stack.local.authority.revokeSignInSessions(megan.aadObjectId);
    await tokens.signOutUser(megan.id, OAUTH_CONNECTION, 'msteams');
    // Negative: the token the bot had is no grant any more; a bot that kept it could not act with it.
    const withKept = await oboForGraph(kept);
    expect(withKept).toEqual({ status: 400, error: 'invalid_grant', errorCode: 50173 });

    const graphBefore = stack.local.graph.calls().length;
    const exchangesBefore = stack.tokenService.exchanges.length;
    const asked = await sendExpectingSignIn(megan, 'activate Exchange Administrator 1h INC-7 check the queue');
    const sinceCard = callsIn(asked.conversationId).length;
    const refused = await stack.driver.tokenExchange(megan, asked.exchangeId, OAUTH_CONNECTION, cachedSso);
    expect(refused.status).toBe(412);
    expect(callsIn(asked.conversationId)).toHaveLength(sinceCard);
    const graphWhileRevoked = graphCallsOf(megan.aadObjectId, graphBefore);
    expect(graphWhileRevoked).toEqual([]);

    // The user signs in again (the card's button): Teams has a token issued after the revocation.
    const fresh = await stack.driver.tokenExchange(megan, asked.exchangeId, OAUTH_CONNECTION);
    expect(fresh.status).toBe(200);
    const activeCard = await confirmActivation(megan, asked.conversationId, sinceCard);
    const exchanges = stack.tokenService.exchanges.slice(exchangesBefore);
    console.log(
      `sessions revoked: old connection token on-behalf-of ${JSON.stringify(withKept)}, cached SSO token ${refused.status}, ` +
        `exchanges ${JSON.stringify(exchanges.map((e) => e.errorCode ?? e.ok))}, ${graphWhileRevoked.length} Graph call(s) before the fresh sign-in, ` +
        `then "${visibleText(activeCard.body).slice(0, 50)}…"`,
    );
    // The refusal stops at the middleware (412); the fresh token is exchanged by the middleware and OAuthPrompt.
    const ok = { userId: megan.id, connectionName: OAUTH_CONNECTION, ok: true };
    expect(exchanges).toEqual([
      { userId: megan.id, connectionName: OAUTH_CONNECTION, ok: false, error: 'invalid_grant', errorCode: 50173 },
      ok,
      ok,
    ]);
    expect(activeFor(megan.aadObjectId)).toHaveLength(1);
  });

  it('revoked in Entra, the Token Service still holding the token: an instance without the session signs the user out, shows the sign-in card in that turn, and the activation goes on after SSO', async ({
    expect,
  }) => {
    const nestor = stack.teamsUser(demoUsers.secondApprover.id);
    await signIn(nestor);
    const tokens = await stack.userTokenClient();
    const stored = (await tokens.getUserToken(nestor.id, OAUTH_CONNECTION, 'msteams', ''))?.token ?? '';
    stack.local.authority.revokeSignInSessions(nestor.aadObjectId);
    // What production showed: the Token Service still hands out the token, which is no grant any more.
    expect((await tokens.getUserToken(nestor.id, OAUTH_CONNECTION, 'msteams', ''))?.token).toBe(stored);
    expect(await oboForGraph(stored)).toEqual({ status: 400, error: 'invalid_grant', errorCode: 50173 });

    // Another instance, with no session of Nestor's in memory, takes his next message.
    const other = await stack.startBot();
    const graphBefore = stack.local.graph.calls().length;
    const signOutsBefore = stack.tokenService.signOuts.length;
    const asked = await sendExpectingSignIn(
      nestor,
      'activate SharePoint Administrator 2h INC-51 restore the site owners',
      other.driver,
    );
    const sinceCard = callsIn(asked.conversationId).length;
    const graphBeforeSignIn = graphCallsOf(nestor.aadObjectId, graphBefore);
    const signOuts = stack.tokenService.signOuts.slice(signOutsBefore);
    expect(signOuts).toEqual([{ userId: nestor.id, connectionName: OAUTH_CONNECTION, channelId: 'msteams' }]);
    expect(graphBeforeSignIn).toEqual([]);
    const sentBeforeCard = textsIn(callsIn(asked.conversationId).slice(sinceCard - 1));
    expect(sentBeforeCard.join(' ')).not.toMatch(/no longer valid|went wrong/i);

    // Teams answers the card with SSO (the driver mints a token issued after the revocation).
    expect((await other.driver.tokenExchange(nestor, asked.exchangeId, OAUTH_CONNECTION)).status).toBe(200);
    const activeCard = await confirmActivation(nestor, asked.conversationId, sinceCard, other.driver);
    console.log(
      `revoked in Entra, stored token still served: ${signOuts.length} SignOut, ${graphBeforeSignIn.length} Graph call(s) ` +
        `before the new sign-in, then "${visibleText(activeCard.body).slice(0, 50)}…"`,
    );
    expect(
      activeFor(nestor.aadObjectId).filter((a) => a.roleDefinitionId === demoRoles.sharePointAdministrator),
    ).toHaveLength(1);
    expect(stack.tokenService.signOuts.slice(signOutsBefore)).toHaveLength(1);
  });

  it('revoked in Entra and in Graph (CAE): an instance with the session cached drops it on the 401, signs the user out, shows the sign-in card in that turn, and the activation goes on after SSO', async ({
    expect,
  }) => {
    const adele = stack.teamsUser(demoUsers.requester.id);
    // `roles` after the sign-in: this instance now holds Adele's session (her Graph token, in memory).
    await signIn(adele);
    stack.local.authority.revokeSignInSessions(adele.aadObjectId);
    stack.local.graph.revokeSessions(adele.aadObjectId);
    const revokedAt = Math.floor(Date.now() / 1000);
    // She comes back a minute later: past the bot's one-minute eligibility cache (ActivationService), so her
    // `activate` asks Graph with the cached token; the authority's tokens from now on are issued after the revocation.
    stack.local.clock.advance(61_000);

    const graphBefore = stack.local.graph.calls().length;
    const signOutsBefore = stack.tokenService.signOuts.length;
    const asked = await sendExpectingSignIn(adele, 'activate User Administrator 1h INC-52 reset a locked account');
    const sinceCard = callsIn(asked.conversationId).length;
    const graphBeforeSignIn = graphCallsOf(adele.aadObjectId, graphBefore).map((c) => c.status);
    const signOuts = stack.tokenService.signOuts.slice(signOutsBefore);
    expect(signOuts).toEqual([{ userId: adele.id, connectionName: OAUTH_CONNECTION, channelId: 'msteams' }]);
    // The cached token reached Graph and was refused (CAE); nothing was answered or done with it.
    expect(graphBeforeSignIn.length).toBeGreaterThan(0);
    expect(graphBeforeSignIn.every((status) => status === 401)).toBe(true);
    const sentBeforeCard = textsIn(callsIn(asked.conversationId).slice(sinceCard - 1));
    expect(sentBeforeCard.join(' ')).not.toMatch(/no longer valid|went wrong|sign in again/i);

    // Graph reads a token's issue time from its iat, in whole seconds (RFC 7519), as CAE does: a token minted in
    // the revocation's own second cannot be told from one minted before it. Teams' fresh SSO token must come
    // from a later second, as it would for a user coming back.
    await untilSecondAfter(revokedAt);
    expect((await stack.driver.tokenExchange(adele, asked.exchangeId, OAUTH_CONNECTION)).status).toBe(200);
    const activeCard = await confirmActivation(adele, asked.conversationId, sinceCard);
    console.log(
      `revoked in Entra and Graph, session cached: Graph answered ${JSON.stringify(graphBeforeSignIn)} to the old token, ` +
        `${signOuts.length} SignOut, then "${visibleText(activeCard.body).slice(0, 50)}…"`,
    );
    expect(activeFor(adele.aadObjectId).filter((a) => a.roleDefinitionId === demoRoles.userAdministrator)).toHaveLength(
      1,
    );
    expect(stack.tokenService.signOuts.slice(signOutsBefore)).toHaveLength(1);
  });
});
