import type { AddressInfo } from 'node:net';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import restify from 'restify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EntraAppConfig } from '../../src/config';
import { AccessTokenCredential } from '../../src/identity/claims-credential';
import { onBehalfOfCredential } from '../../src/identity/graph-credentials';
import { registerStepUpRoutes, type StepUpSignedIn, StepUpSessions } from '../../src/identity/step-up';
import { IdTokenError, IdTokenVerifier } from '../../src/identity/step-up/id-token';
import { createLogger } from '../../src/observability/logger';
import { GraphTransport } from '../../src/pim/graph-transport';
import { PimClient } from '../../src/pim/pim-client';
import { PimError } from '../../src/pim/pim-error';
import type { PimTargetRef } from '../../src/pim/pim-types';
import { ManualClock } from '../../simulators/clock';
import { demoBotApplication } from '../../simulators/demo-app';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { testCertificateAuthority } from '../support/local-ca';
import { TEST_RETRY } from '../support/pim-stack';

/**
 * The step-up sign-in end to end over HTTP: the bot's /auth/start and /auth/callback on a real restify
 * server, the local Entra authority's /authorize and token endpoint over HTTPS, and the Graph simulator
 * checking the resulting token against PIM's authentication-context rule. The test plays the browser.
 */

const { requester: adele, approver: megan } = demoUsers;
const ACRS_C1 = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const TEN_MINUTES = 10 * 60 * 1000;

const privilegedRoleAdmin: PimTargetRef = {
  kind: 'role',
  roleDefinitionId: demoRoles.privilegedRoleAdministrator,
  directoryScopeId: '/',
  displayName: 'Privileged Role Administrator',
};
const activation = {
  target: privilegedRoleAdmin,
  durationMinutes: 60,
  justification: 'grant access',
  ticket: { ticketNumber: 'CHG-1042', ticketSystem: 'ServiceNow' },
};

let server: restify.Server;
let botUrl: string;
let stack: LocalStack;
let entra: EntraAppConfig;
let clock: ManualClock;
let sessions: StepUpSessions;
const signedIn: StepUpSignedIn[] = [];
let failResume = false;
const logLines: string[] = [];
/** Every secret-ish value seen in the flow: none may appear in a log line. */
const secrets = new Set<string>();

beforeAll(async () => {
  server = restify.createServer({ name: 'pim-bot-step-up-test', handleUncaughtExceptions: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  stack = await startLocalStack({
    ca: testCertificateAuthority(),
    botApp: demoBotApplication([`${botUrl}/auth/callback`]),
  });
  entra = {
    tenantId: stack.fixture.tenantId,
    clientId: stack.botApp.clientId,
    clientSecret: stack.botApp.clientSecret,
    authorityHost: stack.authority.url,
  };
  secrets.add(stack.botApp.clientSecret);
  clock = new ManualClock();
  sessions = new StepUpSessions({ publicBaseUrl: botUrl, clock });
  registerStepUpRoutes(server, {
    entra,
    publicBaseUrl: botUrl,
    sessions,
    logger: createLogger('debug', { write: (line: string) => void logLines.push(line) }),
    async onSignedIn(result) {
      secrets.add(result.accessToken.token);
      if (failResume) throw new Error('the bot could not resume (test)');
      signedIn.push(result);
    },
  });
});

afterAll(async () => {
  expect(logLines.length).toBeGreaterThan(5);
  for (const line of logLines) {
    for (const secret of secrets) expect(line).not.toContain(secret);
  }
  await stack?.close();
  if (server) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.server.closeAllConnections();
    });
  }
});

beforeEach(() => {
  signedIn.length = 0;
  failResume = false;
  stack.graph.loadFixture(demoTenant);
});

interface BrowserResponse {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

/** One browser navigation, without following redirects. */
async function navigate(url: string | URL): Promise<BrowserResponse> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), headers: res.headers, text: await res.text() };
}

async function begin(overrides: Partial<Parameters<StepUpSessions['begin']>[0]> = {}) {
  const started = await sessions.begin({
    userAadObjectId: adele.id,
    loginHint: adele.userPrincipalName,
    claims: ACRS_C1,
    resumeKey: 'conversation-1/activation-42',
    ...overrides,
  });
  secrets.add(started.state);
  return started;
}

/** What the authority's response_mode=form_post page would make the browser post, and where. */
interface FormPost {
  action: string;
  fields: URLSearchParams;
}

function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
}

/** Reads the auto-submitting form of the authority's form_post page. */
function formOf(html: string): FormPost {
  const action = html.match(/<form method="POST" action="([^"]*)"/)?.[1];
  expect(action, 'a form_post page').toBeDefined();
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields.append(decodeHtml(m[1] ?? ''), decodeHtml(m[2] ?? ''));
  }
  return { action: decodeHtml(action ?? ''), fields };
}

/** The browser submitting a form (application/x-www-form-urlencoded), as the form_post page does. */
async function submit(form: FormPost): Promise<BrowserResponse> {
  const res = await fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.fields.toString(),
    redirect: 'manual',
  });
  return { status: res.status, location: res.headers.get('location'), headers: res.headers, text: await res.text() };
}

/** start → authority (optionally tampered with) → the form it posts back to the callback, not yet posted. */
async function throughAuthority(startUrl: string, tamper?: (authorize: URL) => void) {
  const start = await navigate(startUrl);
  expect(start.status).toBe(302);
  const authorize = new URL(start.location ?? '');
  tamper?.(authorize);
  const authority = await navigate(authorize);
  expect(authority.status).toBe(200);
  const form = formOf(authority.text);
  const code = form.fields.get('code');
  if (code) secrets.add(code);
  return { authorize, form };
}

function stateOf(startUrl: string): string {
  return new URL(startUrl).searchParams.get('state') ?? '';
}

describe('step-up sign-in: the happy path', () => {
  it('redirects to /authorize with PKCE S256, the claims challenge plus CP1, login_hint and prompt=login', async () => {
    const { startUrl, state } = await begin();
    expect(startUrl).toBe(`${botUrl}/auth/start?state=${state}`);
    expect(Buffer.from(state, 'base64url')).toHaveLength(32);

    const start = await navigate(startUrl);
    expect(start.status).toBe(302);
    expect(start.headers.get('cache-control')).toBe('no-store');
    const authorize = new URL(start.location ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${stack.authority.url}/${stack.fixture.tenantId}/oauth2/v2.0/authorize`,
    );
    const q = authorize.searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      client_id: stack.botApp.clientId,
      response_type: 'code',
      response_mode: 'form_post',
      redirect_uri: `${botUrl}/auth/callback`,
      scope: 'https://graph.microsoft.com/.default openid profile',
      state,
      code_challenge_method: 'S256',
      login_hint: adele.userPrincipalName,
      prompt: 'login',
    });
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(q.has('code_verifier')).toBe(false);
    expect(JSON.parse(q.get('claims') ?? '')).toEqual({
      access_token: { acrs: { essential: true, value: 'c1' }, xms_cc: { values: ['cp1'] } },
    });
  });

  it('comes back with a token meeting the challenge for the same user, and that token activates a c1-protected role', async () => {
    // Without the step-up, PIM refuses: the Teams sign-in (MFA, no authentication context) is not enough.
    const sso = await stack.authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: entra.clientId,
      amr: ['pwd', 'mfa'],
    });
    const before = await pimFor(onBehalfOfCredential(entra, sso))
      .activate(activation)
      .catch((e: unknown) => e);
    expect(before).toBeInstanceOf(PimError);
    expect((before as PimError).kind).toBe('StepUpRequired');
    expect(JSON.parse((before as PimError).claims ?? 'null')).toEqual(JSON.parse(ACRS_C1));

    const { startUrl } = await begin({ claims: (before as PimError).claims ?? '' });
    const { form } = await throughAuthority(startUrl);
    expect(form.action).toBe(`${botUrl}/auth/callback`);
    expect(form.fields.get('state')).toBe(stateOf(startUrl));

    const page = await submit(form);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You&#39;re signed in. Go back to Teams; your request continues.');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    expect(signedIn).toHaveLength(1);
    const [result] = signedIn;
    expect(result?.resumeKey).toBe('conversation-1/activation-42');
    expect(result?.userAadObjectId).toBe(adele.id);
    expect(page.text).not.toContain(result?.accessToken.token);
    const claims = decodeJwt(result?.accessToken.token ?? '');
    expect(claims).toMatchObject({ oid: adele.id, tid: stack.fixture.tenantId, aud: 'https://graph.microsoft.com' });
    expect(claims.acrs).toContain('c1');
    // The authority upper-cases client capabilities, as Entra echoes them.
    expect(claims.xms_cc).toContain('CP1');
    expect(claims.amr).toContain('mfa');
    expect(result?.accessToken.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60 * 1000);

    const request = await pimFor(new AccessTokenCredential(result!.accessToken)).activate(activation);
    expect(request.status).toBe('PendingApproval');
  });
});

describe('step-up sign-in: what is refused', () => {
  it('a replayed state: the callback works once, and the start link is gone after it', async () => {
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl);
    expect((await submit(form)).status).toBe(200);
    expect(signedIn).toHaveLength(1);

    const replay = await submit(form);
    expect(replay.status).toBe(400);
    expect(replay.text).toMatch(/expired or was already used/);
    expect(replay.text).toMatch(/Go back to Teams and ask PIM Bot again/);
    expect((await navigate(startUrl)).status).toBe(400);
    expect(signedIn).toHaveLength(1);
  });

  it('an expired session: the start link after 10 minutes', async () => {
    const { startUrl } = await begin();
    clock.advance(TEN_MINUTES - 1000);
    expect((await navigate(startUrl)).status).toBe(302);
    clock.advance(1000);
    const expired = await navigate(startUrl);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('This sign-in link has expired');
  });

  it('an expired session: a callback arriving after 10 minutes resumes nothing', async () => {
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl);
    clock.advance(TEN_MINUTES);
    const late = await submit(form);
    expect(late.status).toBe(400);
    expect(signedIn).toHaveLength(0);
  });

  it('a different user completing the flow (login_hint tampered with): 403, nothing resumed, state used up', async () => {
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl, (authorize) =>
      authorize.searchParams.set('login_hint', megan.userPrincipalName),
    );
    const page = await submit(form);
    expect(page.status).toBe(403);
    expect(page.text).toContain('sign in with the account you use in Teams');
    expect(signedIn).toHaveLength(0);
    expect(logLines.some((l) => l.includes('completed by a different account') && l.includes(megan.id))).toBe(true);
    expect((await submit(form)).status).toBe(400);
  });

  it('the authority posting back error=access_denied: a friendly page, no stack trace', async () => {
    const { startUrl } = await begin();
    const state = stateOf(startUrl);
    const page = await submit({
      action: `${botUrl}/auth/callback`,
      fields: new URLSearchParams({
        error: 'access_denied',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        state,
      }),
    });
    expect(page.status).toBe(400);
    expect(page.text).toContain('The sign-in was cancelled or refused');
    expect(page.text).toContain('Error code: AADSTS65004.');
    expect(page.text).not.toContain('User declined');
    expect(page.text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
    expect(signedIn).toHaveLength(0);
    expect((await navigate(startUrl)).status).toBe(400);
  });

  it('a real error redirect from the authority (a resource it does not know): a friendly page', async () => {
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl, (authorize) =>
      authorize.searchParams.set('scope', 'https://management.azure.com/.default openid'),
    );
    expect(form.fields.get('error')).toBe('invalid_resource');
    const page = await submit(form);
    expect(page.status).toBe(400);
    expect(page.text).toContain('did not recognise the permissions PIM Bot asked for');
    expect(page.text).toContain('AADSTS500011');
    expect(signedIn).toHaveLength(0);
  });

  it('a code that does not redeem (tampered with): a friendly page naming the AADSTS code', async () => {
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl);
    form.fields.set('code', 'not-a-code');
    const page = await submit(form);
    expect(page.status).toBe(502);
    expect(page.text).toContain('could not finish the sign-in');
    expect(page.text).toContain('invalid_grant, AADSTS9002313');
    expect(signedIn).toHaveLength(0);
  });

  it('unknown and missing states', async () => {
    expect((await navigate(`${botUrl}/auth/start?state=not-a-state`)).status).toBe(400);
    expect((await navigate(`${botUrl}/auth/start`)).status).toBe(400);
    expect((await navigate(`${botUrl}/auth/callback?code=abc&state=not-a-state`)).status).toBe(400);
    expect((await navigate(`${botUrl}/auth/callback`)).status).toBe(400);
    const post = (body: string) =>
      submit({ action: `${botUrl}/auth/callback`, fields: new URLSearchParams(body) }).then((r) => r.status);
    expect(await post('code=abc&state=not-a-state')).toBe(400);
    expect(await post('')).toBe(400);
  });

  it('the bot failing to resume: a friendly 500 page without the error or the token', async () => {
    failResume = true;
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl);
    const page = await submit(form);
    expect(page.status).toBe(500);
    expect(page.text).toContain('could not continue your request');
    expect(page.text).not.toContain('the bot could not resume');
    expect(page.text).not.toContain('eyJ');
  });
});

/**
 * Issue 13, finding 9: the callback page must not say what a crafted link wants it to say, the code must
 * never travel in a URL, and who signed in comes from a verified id_token.
 */
describe('step-up sign-in: issue 13 finding 9', () => {
  const SPOOF = 'Your account is locked. Call the helpdesk on +1 555 0100 and read them your one-time code';

  it('spoofed error text is not reflected, by GET or by POST, known code or not', async () => {
    const attempts = [
      { error: SPOOF, error_description: SPOOF },
      { error: 'access_denied', error_description: `AADSTS65004: ${SPOOF}` },
      { error: 'server_error<b>', error_description: '<a href="https://evil.example">sign in here</a>' },
    ];
    let reflected = 0;
    let pages = 0;
    for (const fields of attempts) {
      const { startUrl } = await begin();
      const withState = { ...fields, state: stateOf(startUrl) };
      const byGet = await navigate(`${botUrl}/auth/callback?${new URLSearchParams(withState)}`);
      const byPost = await submit({ action: `${botUrl}/auth/callback`, fields: new URLSearchParams(withState) });
      for (const page of [byGet, byPost]) {
        pages++;
        expect(page.status).toBe(400);
        if (/locked|helpdesk|evil\.example|sign in here|&#60;b&#62;|<b>/i.test(page.text)) reflected++;
      }
    }
    console.log(
      `[issue 13 / finding 9] spoofed error pages: ${pages} served, ${reflected} reflected the sender's text`,
    );
    expect(pages).toBe(attempts.length * 2); // every attempt served, by GET and by POST
    expect(reflected).toBe(0);
    expect(signedIn).toHaveLength(0);
  });

  it('the authorize request asks for response_mode=form_post, and the authority answers with a form, not a URL', async () => {
    const { startUrl } = await begin();
    const { authorize, form } = await throughAuthority(startUrl);
    expect(authorize.searchParams.get('response_mode')).toBe('form_post');
    expect(form.fields.get('code')).toBeTruthy();
    expect(form.action).toBe(`${botUrl}/auth/callback`);
    expect(form.action).not.toContain('code=');
  });

  it('a GET callback with a valid code and state is never redeemed: the same form still works once posted', async () => {
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl);
    const leaked = await navigate(`${botUrl}/auth/callback?${form.fields}`);
    expect(leaked.status).toBe(400);
    expect(leaked.text).toContain('only accepts the sign-in answer Microsoft Entra ID posts back');
    expect(signedIn).toHaveLength(0);
    // Codes are single-use: had the GET redeemed it, this post would fail with invalid_grant.
    const posted = await submit(form);
    expect(posted.status).toBe(200);
    expect(signedIn).toHaveLength(1);
    console.log(
      `[issue 13 / finding 9] GET callback with a live code: HTTP ${leaked.status}, redemptions 0; the posted form afterwards: HTTP ${posted.status}`,
    );
  });

  it('an id_token for another sign-in (nonce tampered with on the way to the authority) is refused', async () => {
    const { startUrl } = await begin();
    const { form } = await throughAuthority(startUrl, (authorize) =>
      authorize.searchParams.set('nonce', 'a-nonce-the-attacker-chose'),
    );
    const page = await submit(form);
    expect(page.status).toBe(502);
    expect(page.text).toContain('the id_token was refused (nonce mismatch)');
    expect(signedIn).toHaveLength(0);
  });

  it('a forged id_token is refused: wrong key, no signature, a token that is not an id_token for this sign-in, none at all', async () => {
    const verifier = new IdTokenVerifier(entra);
    const nonce = 'n-0123456789abcdef';
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: `${stack.authority.url}/${stack.fixture.tenantId}/v2.0`,
      aud: entra.clientId,
      oid: adele.id,
      tid: stack.fixture.tenantId,
      sub: adele.id,
      nonce,
      iat: now,
      nbf: now,
      exp: now + 3600,
    };
    const { privateKey } = await generateKeyPair('RS256');
    const wrongKey = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'forged' }).sign(privateKey);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    // Signed by the authority, but for the bot's API (Teams SSO), not an id_token for this app.
    const otherAudience = await stack.authority.issueTeamsSsoToken({ userId: adele.id, clientId: entra.clientId });

    const outcomes = await Promise.all(
      [wrongKey, unsigned, otherAudience, undefined].map((token) =>
        verifier.verify(token, nonce).then(
          () => 'accepted',
          (err: unknown) => (err instanceof IdTokenError ? 'refused' : `threw ${String(err)}`),
        ),
      ),
    );
    console.log(`[issue 13 / finding 9] forged id_tokens: ${outcomes.filter((o) => o === 'refused').length}/4 refused`);
    expect(outcomes).toEqual(['refused', 'refused', 'refused', 'refused']);
  });
});

function pimFor(credential: ConstructorParameters<typeof GraphTransport>[0]['credential']): PimClient {
  return new PimClient(new GraphTransport({ credential, graphBaseUrl: stack.graph.url, retry: TEST_RETRY }), adele.id);
}
