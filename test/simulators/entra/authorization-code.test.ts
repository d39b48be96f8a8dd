import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../simulators/clock';
import { type EntraAuthority, GRAPH_RESOURCE } from '../../../simulators/entra';
import { adele, megan, otherBot, pimBot, pkcePair, postToken, startTestAuthority, TENANT_ID } from './entra-fixture';

const REDIRECT_URI = pimBot.redirectUris[0] ?? '';
const STEP_UP_CLAIMS = '{"access_token":{"acrs":{"essential":true,"value":"c1"},"xms_cc":{"values":["CP1"]}}}';

/** The browser's side: GET /authorize without following the redirect. */
async function authorize(authority: EntraAuthority, params: Record<string, string>): Promise<Response> {
  const url = new URL(`${authority.url}/${TENANT_ID}/oauth2/v2.0/authorize`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return fetch(url, { redirect: 'manual' });
}

function authorizeParams(challenge: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: pimBot.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'https://graph.microsoft.com/.default openid profile offline_access',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    login_hint: adele.userPrincipalName,
    ...overrides,
  };
}

/** Authorizes and returns the code from the redirect. */
async function codeFor(authority: EntraAuthority, challenge: string, overrides: Record<string, string> = {}) {
  const res = await authorize(authority, authorizeParams(challenge, overrides));
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') ?? '');
  return { code: location.searchParams.get('code') ?? '', location };
}

function redeem(authority: EntraAuthority, fields: Record<string, string>) {
  return postToken(authority, {
    grant_type: 'authorization_code',
    client_id: pimBot.clientId,
    client_secret: pimBot.clientSecret,
    redirect_uri: REDIRECT_URI,
    scope: 'https://graph.microsoft.com/.default openid profile offline_access',
    ...fields,
  });
}

describe('authorization code + PKCE: the step-up sign-in behind /auth/start', () => {
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority();
  });
  afterAll(() => authority.close());

  it('signs the login_hint user in with MFA, redirects with code and state, and the code buys an acrs token', async () => {
    const { verifier, challenge } = pkcePair();
    const { code, location } = await codeFor(authority, challenge, { claims: STEP_UP_CLAIMS, client_info: '1' });
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(code).not.toBe('');

    const { status, body } = await redeem(authority, { code, code_verifier: verifier });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    expect(decodeJwt(String(body.access_token))).toMatchObject({
      aud: GRAPH_RESOURCE,
      iss: authority.issuer,
      tid: TENANT_ID,
      oid: adele.id,
      azp: pimBot.clientId,
      idtyp: 'user',
      scp: pimBot.graphDelegatedScopes.join(' '),
      amr: ['pwd', 'mfa'],
      acrs: ['c1'],
      xms_cc: ['CP1'],
    });
    expect(decodeJwt(String(body.id_token))).toMatchObject({
      aud: pimBot.clientId,
      iss: authority.issuer,
      oid: adele.id,
      nonce: 'nonce-456',
      preferred_username: adele.userPrincipalName,
    });
    expect(JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString())).toEqual({
      uid: adele.id,
      utid: TENANT_ID,
    });
  });

  it('accepts the object id as login_hint; without claims the token has MFA but no acrs or xms_cc', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await codeFor(authority, challenge, { login_hint: megan.id });
    const { body } = await redeem(authority, { code, code_verifier: verifier });
    const claims = decodeJwt(String(body.access_token));
    expect(claims).toMatchObject({ oid: megan.id, amr: ['pwd', 'mfa'] });
    expect(claims).not.toHaveProperty('acrs');
    expect(claims).not.toHaveProperty('xms_cc');
  });

  it('refuses a wrong code_verifier (AADSTS501481)', async () => {
    const { challenge } = pkcePair();
    const { code } = await codeFor(authority, challenge);
    const { status, body } = await redeem(authority, { code, code_verifier: pkcePair().verifier });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
  });

  it('codes are single-use (AADSTS54005)', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await codeFor(authority, challenge);
    expect((await redeem(authority, { code, code_verifier: verifier })).status).toBe(200);
    const again = await redeem(authority, { code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('codes are bound to the redirect_uri (AADSTS500112) and to the client (AADSTS70000)', async () => {
    const first = pkcePair();
    const { code } = await codeFor(authority, first.challenge);
    const wrongRedirect = await redeem(authority, {
      code,
      code_verifier: first.verifier,
      redirect_uri: 'https://127.0.0.1:3978/elsewhere',
    });
    expect(wrongRedirect.body).toMatchObject({ error: 'invalid_grant', error_codes: [500112] });

    const second = pkcePair();
    const { code: code2 } = await codeFor(authority, second.challenge);
    const otherClient = await redeem(authority, {
      code: code2,
      code_verifier: second.verifier,
      client_id: otherBot.clientId,
      client_secret: otherBot.clientSecret,
    });
    expect(otherClient.body).toMatchObject({ error: 'invalid_grant', error_codes: [70000] });
  });

  it('never redirects to an unregistered redirect_uri: an error page (AADSTS50011) instead', async () => {
    const res = await authorize(
      authority,
      authorizeParams(pkcePair().challenge, { redirect_uri: 'https://evil.example/cb' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('AADSTS50011');
  });

  it('has no sign-in page: without login_hint it answers 400 saying to pass one', async () => {
    const params = authorizeParams(pkcePair().challenge);
    delete params.login_hint;
    const res = await authorize(authority, params);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('login_hint');
  });

  it('reports request errors back to a registered redirect_uri, with the state', async () => {
    const res = await authorize(authority, authorizeParams(pkcePair().challenge, { response_type: 'token' }));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('refuses an unknown code (AADSTS9002313)', async () => {
    const { body } = await redeem(authority, { code: 'made-up', code_verifier: pkcePair().verifier });
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [9002313] });
  });
});

describe('authorization codes expire after 10 minutes', () => {
  const clock = new ManualClock();
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority({ clock });
  });
  afterAll(() => authority.close());

  it('refuses a code redeemed too late (AADSTS70008)', async () => {
    const { verifier, challenge } = pkcePair();
    const { code } = await codeFor(authority, challenge);
    clock.advance(10 * 60_000);
    const { body } = await redeem(authority, { code, code_verifier: verifier });
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [70008] });
  });
});
