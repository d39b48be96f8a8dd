import { ClientSecretCredential } from '@azure/identity';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraAuthority, GRAPH_RESOURCE } from '../../../simulators/entra';
import {
  GRAPH_DEFAULT_SCOPE,
  identityOptions,
  otherBot,
  pimBot,
  postToken,
  startTestAuthority,
  TENANT_ID,
} from './entra-fixture';

describe('client credentials: the bot as itself (ClientSecretCredential)', () => {
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority();
  });
  afterAll(() => authority.close());

  const credential = (secret = pimBot.clientSecret, clientId = pimBot.clientId) =>
    new ClientSecretCredential(TENANT_ID, clientId, secret, identityOptions(authority));

  it('issues an app-only Graph token: roles = application permissions, no scp, no amr', async () => {
    const { token, expiresOnTimestamp } = await credential().getToken(GRAPH_DEFAULT_SCOPE);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      aud: GRAPH_RESOURCE,
      iss: authority.issuer,
      tid: TENANT_ID,
      azp: pimBot.clientId,
      appid: pimBot.clientId,
      idtyp: 'app',
      ver: '2.0',
      roles: pimBot.graphApplicationPermissions,
    });
    expect(claims).not.toHaveProperty('scp');
    expect(claims).not.toHaveProperty('amr');
    expect(claims.oid).toBe(claims.sub);
    expect(claims.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(claims.oid).not.toBe(pimBot.clientId);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(expiresOnTimestamp).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('gives the service principal the same object id on every start', async () => {
    const again = await startTestAuthority();
    try {
      const fromAgain = new ClientSecretCredential(
        TENANT_ID,
        pimBot.clientId,
        pimBot.clientSecret,
        identityOptions(again),
      );
      const first = decodeJwt((await credential().getToken(GRAPH_DEFAULT_SCOPE)).token);
      const second = decodeJwt((await fromAgain.getToken(GRAPH_DEFAULT_SCOPE)).token);
      expect(second.oid).toBe(first.oid);
    } finally {
      await again.close();
    }
  });

  it('signs with a key published at jwks_uri', async () => {
    const { token } = await credential().getToken(GRAPH_DEFAULT_SCOPE);
    const jwks = createRemoteJWKSet(new URL(authority.jwksUri));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: authority.issuer,
      audience: GRAPH_RESOURCE,
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: authority.jwks().keys[0]?.kid });
    expect(payload.roles).toEqual(pimBot.graphApplicationPermissions);
  });

  it('omits roles for an app without application permissions', async () => {
    const { token } = await credential(otherBot.clientSecret, otherBot.clientId).getToken(GRAPH_DEFAULT_SCOPE);
    expect(decodeJwt(token)).not.toHaveProperty('roles');
  });

  it('refuses a wrong secret with invalid_client AADSTS7000215 (HTTP 401)', async () => {
    await expect(credential('not-the-secret').getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(/AADSTS7000215/);
    const { status, body } = await postToken(authority, {
      grant_type: 'client_credentials',
      client_id: pimBot.clientId,
      client_secret: 'not-the-secret',
      scope: GRAPH_DEFAULT_SCOPE,
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
  });

  it('refuses an unknown application with unauthorized_client AADSTS700016', async () => {
    const unknown = '99999999-9999-4999-8999-999999999999';
    await expect(credential('x', unknown).getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(/AADSTS700016/);
  });

  it('accepts the secret in HTTP Basic authentication too', async () => {
    const basic = Buffer.from(`${pimBot.clientId}:${encodeURIComponent(pimBot.clientSecret)}`).toString('base64');
    const { status, body } = await postToken(
      authority,
      { grant_type: 'client_credentials', scope: GRAPH_DEFAULT_SCOPE },
      { authorization: `Basic ${basic}` },
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    expect(decodeJwt(String(body.access_token)).azp).toBe(pimBot.clientId);
  });

  it('requires a /.default scope (AADSTS1002012) for Graph and no other resource (AADSTS500011)', async () => {
    const base = { grant_type: 'client_credentials', client_id: pimBot.clientId, client_secret: pimBot.clientSecret };
    const named = await postToken(authority, { ...base, scope: 'https://graph.microsoft.com/User.Read.All' });
    expect(named.body).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    const other = await postToken(authority, { ...base, scope: 'https://management.azure.com/.default' });
    expect(other.body).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
  });
});
