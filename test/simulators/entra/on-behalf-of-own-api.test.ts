import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraAuthority, startEntraAuthority } from '../../../simulators/entra';
import { testCertificateAuthority } from '../../support/local-ca';
import {
  adele,
  directory,
  GRAPH_DEFAULT_SCOPE,
  megan,
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

function oboFields(assertion: string) {
  return {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    requested_token_use: 'on_behalf_of',
    client_id: pimBot.clientId,
    client_secret: pimBot.clientSecret,
    assertion,
  };
}
function obo(assertion: string, scope: string) {
  return postToken(authority, { ...oboFields(assertion), scope });
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

  it('refuses a user who declined consent to the app, for its own API and for Graph alike (AADSTS65001)', async () => {
    const declined = await startEntraAuthority({
      ca: testCertificateAuthority(),
      directory: { ...directory, applications: [{ ...pimBot, usersWithoutConsent: [megan.id] }] },
    });
    try {
      const sso = (userId: string) => declined.issueTeamsSsoToken({ userId, clientId: pimBot.clientId });
      const post = (assertion: string, scope: string) => postToken(declined, { ...oboFields(assertion), scope });
      const own = await post(await sso(megan.id), OWN_SCOPE);
      const graph = await post(await sso(megan.id), GRAPH_DEFAULT_SCOPE);
      const consented = await post(await sso(adele.id), OWN_SCOPE);
      expect(own.body).toMatchObject({ error: 'invalid_grant', error_codes: [65001], suberror: 'consent_required' });
      expect(graph.body).toMatchObject({ error_codes: [65001] });
      expect(consented.status).toBe(200);
    } finally {
      await declined.close();
    }
  });
});
