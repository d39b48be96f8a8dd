import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraAuthority } from '../../../simulators/entra';
import { postToken, startTestAuthority, TENANT_ID, tokenEndpoint } from './entra-fixture';

describe('local Entra authority: discovery and the shape of its answers', () => {
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority();
  });
  afterAll(() => authority.close());

  it('listens over HTTPS on loopback with a random port; the issuer is {url}/{tenantId}/v2.0', () => {
    expect(authority.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(authority.tenantId).toBe(TENANT_ID);
    expect(authority.issuer).toBe(`${authority.url}/${TENANT_ID}/v2.0`);
    expect(authority.jwksUri).toBe(`${authority.url}/${TENANT_ID}/discovery/v2.0/keys`);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${authority.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('publishes the OpenID configuration MSAL reads (issuer, authorize, token and keys endpoints)', async () => {
    const res = await fetch(`${authority.url}/${TENANT_ID}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const config = (await res.json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      issuer: authority.issuer,
      authorization_endpoint: `${authority.url}/${TENANT_ID}/oauth2/v2.0/authorize`,
      token_endpoint: tokenEndpoint(authority),
      jwks_uri: authority.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('serves common and organizations with the {tenantid} issuer template, as Entra does', async () => {
    for (const alias of ['common', 'organizations']) {
      const res = await fetch(`${authority.url}/${alias}/v2.0/.well-known/openid-configuration`);
      const config = (await res.json()) as Record<string, unknown>;
      expect(config.issuer).toBe(`${authority.url}/{tenantid}/v2.0`);
      expect(config.token_endpoint).toBe(`${authority.url}/${alias}/oauth2/v2.0/token`);
    }
  });

  it('refuses an unknown tenant with invalid_tenant AADSTS90002 in the Entra error shape', async () => {
    const res = await fetch(`${authority.url}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'contoso.onmicrosoft.com' not found\./);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.trace_id).toEqual(expect.any(String));
    expect(body.correlation_id).toEqual(expect.any(String));
  });

  it('serves the public signing keys at jwks_uri, the same as jwks()', async () => {
    const res = await fetch(authority.jwksUri);
    const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks).toEqual(authority.jwks());
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('only accepts POST at the token endpoint (AADSTS900561)', async () => {
    const res = await fetch(tokenEndpoint(authority));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_codes: [900561] });
  });

  it('names a missing or unsupported grant type', async () => {
    expect((await postToken(authority, {})).body).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
    expect((await postToken(authority, { grant_type: 'password' })).body).toMatchObject({
      error: 'unsupported_grant_type',
      error_codes: [70003],
    });
  });
});
