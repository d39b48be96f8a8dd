import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraAuthority } from '../../../simulators/entra';
import {
  adele,
  GRAPH_DEFAULT_SCOPE,
  otherBot,
  pimBot,
  postToken,
  startTestAuthority,
  TENANT_ID,
} from './entra-fixture';

// On-behalf-of for the app's own API: what the Azure Bot OAuth connection asks Entra for when its Scopes
// are `api://botid-<id>/access_as_user` (docs/deploy-to-your-tenant.md section 7). The bot's manifest asks
// for v2 access tokens (appPackage/aad.manifest.json requestedAccessTokenVersion 2), and "in v2.0 tokens,
// [aud] is always the client ID of the API" (learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
const OWN_SCOPE = `${pimBot.identifierUris[0]}/access_as_user`;

let authority: EntraAuthority;
beforeAll(async () => {
  authority = await startTestAuthority();
});
afterAll(() => authority.close());

function obo(assertion: string, scope: string, app = pimBot) {
  return postToken(authority, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    requested_token_use: 'on_behalf_of',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    assertion,
    scope,
  });
}

describe("on-behalf-of to the app's own API", () => {
  it('issues a v2 token for the app (aud = its client id) with the exposed scope and the sign-in amr', async () => {
    const sso = await authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: pimBot.clientId,
      amr: ['pwd', 'mfa'],
    });
    const { status, body } = await obo(sso, OWN_SCOPE);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.scope).toBe(OWN_SCOPE);
    const { payload } = await jwtVerify(String(body.access_token), createLocalJWKSet(authority.jwks()), {
      issuer: authority.issuer,
      audience: pimBot.clientId,
    });
    expect(payload).toMatchObject({
      ver: '2.0',
      tid: TENANT_ID,
      oid: adele.id,
      scp: 'access_as_user',
      azp: pimBot.clientId,
    });
    expect(payload.amr).toEqual(['pwd', 'mfa']);
  });

  it('the token it issues is itself an assertion for a further on-behalf-of to Graph', async () => {
    const sso = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const own = await obo(sso, OWN_SCOPE);
    const graph = await obo(String(own.body.access_token), GRAPH_DEFAULT_SCOPE);
    expect(graph.status, JSON.stringify(graph.body)).toBe(200);
    expect(decodeJwt(String(graph.body.access_token))).toMatchObject({
      aud: 'https://graph.microsoft.com',
      oid: adele.id,
    });
  });

  it('accepts the client id form and .default, and refuses a scope the API does not expose (AADSTS65005)', async () => {
    const sso = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const byId = await obo(sso, `${pimBot.clientId}/.default`);
    expect(byId.status).toBe(200);
    expect(decodeJwt(String(byId.body.access_token))).toMatchObject({ aud: pimBot.clientId, scp: 'access_as_user' });
    const unknown = await obo(sso, `${pimBot.identifierUris[0]}/Files.ReadWrite`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error_codes: [65005] });
  });

  it("is only the caller's own API: another app's API stays an unknown resource, and an expired SSO token is refused", async () => {
    const sso = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const other = await obo(sso, `${otherBot.identifierUris[0]}/access_as_user`);
    expect(other.body).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
    const expired = await authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: pimBot.clientId,
      lifetimeSeconds: -60,
    });
    const late = await obo(expired, OWN_SCOPE);
    expect(late.body).toMatchObject({ error: 'invalid_grant' });
  });
});
