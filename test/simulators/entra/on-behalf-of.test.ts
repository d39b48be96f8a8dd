import { OnBehalfOfCredential } from '@azure/identity';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../simulators/clock';
import { type EntraAuthority, GRAPH_RESOURCE } from '../../../simulators/entra';
import {
  adele,
  GRAPH_DEFAULT_SCOPE,
  identityOptions,
  otherBot,
  pimBot,
  postToken,
  startTestAuthority,
  TENANT_ID,
} from './entra-fixture';

function oboCredential(authority: EntraAuthority, userAssertionToken: string, app = pimBot) {
  return new OnBehalfOfCredential({
    tenantId: TENANT_ID,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    userAssertionToken,
    ...identityOptions(authority),
  });
}

/** Re-signs the claims of a genuine SSO token with a key the authority never saw. */
async function forgeWithForeignKey(genuine: string, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(decodeJwt(genuine)).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey);
}

describe('on-behalf-of: a Teams SSO token becomes a delegated Graph token (OnBehalfOfCredential)', () => {
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority();
  });
  afterAll(() => authority.close());

  it('the SSO stand-in is a user token for the bot, issued to the Teams client', async () => {
    const sso = decodeJwt(
      await authority.issueTeamsSsoToken({ userId: adele.userPrincipalName, clientId: pimBot.clientId }),
    );
    expect(sso).toMatchObject({
      aud: pimBot.identifierUris[0],
      iss: authority.issuer,
      oid: adele.id,
      tid: TENANT_ID,
      scp: 'access_as_user',
      amr: ['pwd'],
    });
  });

  it('exchanges the assertion for a Graph token with the user oid, tid, consented scp and the assertion amr', async () => {
    const assertion = await authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: pimBot.clientId,
      amr: ['pwd', 'mfa'],
    });
    const { token } = await oboCredential(authority, assertion).getToken(GRAPH_DEFAULT_SCOPE);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      aud: GRAPH_RESOURCE,
      iss: authority.issuer,
      tid: TENANT_ID,
      oid: adele.id,
      sub: adele.id,
      name: adele.displayName,
      preferred_username: adele.userPrincipalName,
      upn: adele.userPrincipalName,
      azp: pimBot.clientId,
      appid: pimBot.clientId,
      idtyp: 'user',
      scp: pimBot.graphDelegatedScopes.join(' '),
      amr: ['pwd', 'mfa'],
      ver: '2.0',
    });
    expect(claims).not.toHaveProperty('roles');
    expect(claims).not.toHaveProperty('acrs');
    expect(claims).not.toHaveProperty('xms_cc');
  });

  it('issues tokens that verify against jwks() in-process', async () => {
    const assertion = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const { token } = await oboCredential(authority, assertion).getToken(GRAPH_DEFAULT_SCOPE);
    const { payload } = await jwtVerify(token, createLocalJWKSet(authority.jwks()), {
      issuer: authority.issuer,
      audience: GRAPH_RESOURCE,
    });
    expect(payload.oid).toBe(adele.id);
  });

  it('answers with client_info, scope and expiry fields as Entra does', async () => {
    const assertion = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const { status, body } = await postToken(authority, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: pimBot.clientId,
      client_secret: pimBot.clientSecret,
      assertion,
      scope: `${GRAPH_DEFAULT_SCOPE} openid profile offline_access`,
      client_info: '1',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    expect(String(body.scope).split(' ')).toContain('https://graph.microsoft.com/User.Read');
    expect(JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString())).toEqual({
      uid: adele.id,
      utid: TENANT_ID,
    });
  });

  it("refuses an assertion for another app's audience (AADSTS50013)", async () => {
    const forOtherBot = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: otherBot.clientId });
    await expect(oboCredential(authority, forOtherBot).getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(
      /AADSTS50013: Assertion audience does not match/,
    );
  });

  it('refuses an assertion signed by a foreign key, with or without a known kid (AADSTS50013)', async () => {
    const genuine = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const ourKid = String(decodeProtectedHeader(genuine).kid);
    const sameKid = await forgeWithForeignKey(genuine, ourKid);
    await expect(oboCredential(authority, sameKid).getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(
      /AADSTS50013: Assertion failed signature validation/,
    );
    const otherKid = await forgeWithForeignKey(genuine, 'some-other-key');
    await expect(oboCredential(authority, otherKid).getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(
      /AADSTS50013: .*The key was not found/,
    );
  });

  it('refuses a malformed assertion (AADSTS50027) and a wrong client secret (AADSTS7000215)', async () => {
    const base = {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: pimBot.clientId,
      scope: GRAPH_DEFAULT_SCOPE,
    };
    const malformed = await postToken(authority, {
      ...base,
      client_secret: pimBot.clientSecret,
      assertion: 'not.a.jwt',
    });
    expect(malformed.body).toMatchObject({ error: 'invalid_request', error_codes: [50027] });
    const assertion = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const badSecret = await postToken(authority, { ...base, client_secret: 'wrong', assertion });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('refuses scopes the app has no consent for (consent_required AADSTS65001)', async () => {
    const assertion = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    await expect(
      oboCredential(authority, assertion).getToken('https://graph.microsoft.com/Directory.ReadWrite.All'),
    ).rejects.toThrow(/AADSTS65001/);
  });
});

describe('on-behalf-of with an expired assertion', () => {
  const clock = new ManualClock();
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority({ clock });
  });
  afterAll(() => authority.close());

  it('refuses it with invalid_grant AADSTS500133', async () => {
    const assertion = await authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: pimBot.clientId,
      lifetimeSeconds: 300,
    });
    clock.advance(301_000);
    await expect(oboCredential(authority, assertion).getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(
      /AADSTS500133: Assertion is not within its valid time range/,
    );
  });

  it('an SSO token issued with a non-positive lifetime is already expired', async () => {
    const assertion = await authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: pimBot.clientId,
      lifetimeSeconds: 0,
    });
    await expect(oboCredential(authority, assertion).getToken(GRAPH_DEFAULT_SCOPE)).rejects.toThrow(/AADSTS500133/);
  });
});
