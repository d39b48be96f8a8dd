import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraAuthority, TEAMS_CLIENT_APP_ID } from '../../../simulators/entra';
import { adele, megan, otherBot, pimBot, startTestAuthority, TENANT_ID } from './entra-fixture';

/**
 * The local demo's stand-in for Teams SSO: `POST /{tenant}/_dev/teams-sso-token`. It exists only in the
 * simulator; it must mint only for the app that authenticates with its own secret.
 */
describe('dev Teams SSO token endpoint (simulator only)', () => {
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority();
  });
  afterAll(() => authority.close());

  const endpoint = (tenant = TENANT_ID) => `${authority.url}/${tenant}/_dev/teams-sso-token`;

  async function postForm(fields: Record<string, string>, tenant?: string) {
    const res = await fetch(endpoint(tenant), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('mints what Teams would hand the bot for a user who signed in with MFA (form body, object id)', async () => {
    const { status, body } = await postForm({
      client_id: pimBot.clientId,
      client_secret: pimBot.clientSecret,
      user: adele.id,
    });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['token']);
    const claims = decodeJwt(String(body.token));
    expect(claims).toMatchObject({
      aud: pimBot.identifierUris[0],
      iss: authority.issuer,
      tid: TENANT_ID,
      oid: adele.id,
      azp: TEAMS_CLIENT_APP_ID,
      scp: 'access_as_user',
      amr: ['pwd', 'mfa'],
    });
    expect(claims).not.toHaveProperty('acrs');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
  });

  it('accepts JSON and a UPN', async () => {
    const res = await fetch(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: pimBot.clientId,
        client_secret: pimBot.clientSecret,
        user: megan.userPrincipalName,
      }),
    });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect(decodeJwt(token)).toMatchObject({ oid: megan.id, preferred_username: megan.userPrincipalName });
  });

  it('mints for the app that authenticated, never another one', async () => {
    const { status, body } = await postForm({
      client_id: otherBot.clientId,
      client_secret: otherBot.clientSecret,
      user: adele.id,
    });
    expect(status).toBe(200);
    expect(decodeJwt(String(body.token)).aud).toBe(otherBot.identifierUris[0]);
  });

  it('refuses a wrong client secret (invalid_client, AADSTS7000215) and no token is in the answer', async () => {
    const { status, body } = await postForm({
      client_id: pimBot.clientId,
      client_secret: otherBot.clientSecret,
      user: adele.id,
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body).not.toHaveProperty('token');
  });

  it('refuses a request without a client secret', async () => {
    const { status, body } = await postForm({ client_id: pimBot.clientId, user: adele.id });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000218] });
  });

  it('refuses an unknown user (AADSTS50034) and a missing one (AADSTS900144)', async () => {
    const unknown = await postForm({
      client_id: pimBot.clientId,
      client_secret: pimBot.clientSecret,
      user: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_grant', error_codes: [50034] });

    const missing = await postForm({ client_id: pimBot.clientId, client_secret: pimBot.clientSecret });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
  });

  it('refuses GET, an unknown tenant and a malformed JSON body', async () => {
    const get = await fetch(endpoint());
    expect(get.status).toBe(400);
    expect(await get.json()).toMatchObject({ error: 'invalid_request', error_codes: [900561] });

    const tenant = await postForm(
      { client_id: pimBot.clientId, client_secret: pimBot.clientSecret, user: adele.id },
      '11111111-1111-4111-8111-111111111111',
    );
    expect(tenant.status).toBe(400);
    expect(tenant.body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });

    const malformed = await fetch(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"client_id":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'invalid_request' });
  });
});
