import { OnBehalfOfCredential } from '@azure/identity';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraAuthority } from '../../../simulators/entra';
import {
  adele,
  GRAPH_DEFAULT_SCOPE,
  identityOptions,
  pimBot,
  postToken,
  startTestAuthority,
  TENANT_ID,
} from './entra-fixture';

/** What PIM asks for when the role's policy requires authentication context c1. */
const ACRS_C1 = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
const ACRS_C1_CP1 = '{"access_token":{"acrs":{"essential":true,"value":"c1"},"xms_cc":{"values":["CP1"]}}}';
const MFA = '{"access_token":{"amr":{"values":["mfa"]}}}';

describe('claims challenges on the on-behalf-of exchange (step-up)', () => {
  let authority: EntraAuthority;
  beforeAll(async () => {
    authority = await startTestAuthority();
  });
  afterAll(() => authority.close());

  async function obo(ssoInput: { amr?: string[]; acrs?: string[] }) {
    const userAssertionToken = await authority.issueTeamsSsoToken({
      userId: adele.id,
      clientId: pimBot.clientId,
      ...ssoInput,
    });
    return new OnBehalfOfCredential({
      tenantId: TENANT_ID,
      clientId: pimBot.clientId,
      clientSecret: pimBot.clientSecret,
      userAssertionToken,
      ...identityOptions(authority),
    });
  }

  it('grants acrs c1 when the Teams sign-in already used MFA, with xms_cc when the client declares CP1 (enableCae)', async () => {
    const credential = await obo({ amr: ['pwd', 'mfa'] });
    const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE, { claims: ACRS_C1, enableCae: true });
    expect(decodeJwt(token)).toMatchObject({ oid: adele.id, acrs: ['c1'], amr: ['pwd', 'mfa'], xms_cc: ['CP1'] });
  });

  it('takes xms_cc from the claims string itself too', async () => {
    const credential = await obo({ amr: ['pwd', 'mfa'] });
    const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE, { claims: ACRS_C1_CP1 });
    expect(decodeJwt(token)).toMatchObject({ acrs: ['c1'], xms_cc: ['CP1'] });
  });

  it('without CP1 the token has acrs but no xms_cc', async () => {
    const credential = await obo({ amr: ['pwd', 'mfa'] });
    const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE, { claims: ACRS_C1 });
    const claims = decodeJwt(token);
    expect(claims.acrs).toEqual(['c1']);
    expect(claims).not.toHaveProperty('xms_cc');
  });

  it('grants acrs c1 when the assertion already carries it', async () => {
    const credential = await obo({ amr: ['pwd'], acrs: ['c1'] });
    const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE, { claims: ACRS_C1 });
    expect(decodeJwt(token).acrs).toEqual(['c1']);
  });

  it('cannot step up a password-only sign-in: interaction_required AADSTS50076 through @azure/identity', async () => {
    const credential = await obo({ amr: ['pwd'] });
    await expect(credential.getToken(GRAPH_DEFAULT_SCOPE, { claims: ACRS_C1, enableCae: true })).rejects.toThrow(
      /interaction_required: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access/,
    );
    await expect(credential.getToken(GRAPH_DEFAULT_SCOPE, { claims: MFA })).rejects.toThrow(/AADSTS50076/);
  });

  it('the interaction_required answer is HTTP 400 with suberror basic_action and the requested claims echoed', async () => {
    const assertion = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId, amr: ['pwd'] });
    const { status, body } = await postToken(authority, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: pimBot.clientId,
      client_secret: pimBot.clientSecret,
      assertion,
      scope: GRAPH_DEFAULT_SCOPE,
      // Encoded once more, as some clients do: the authority decodes it.
      claims: encodeURIComponent(ACRS_C1_CP1),
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'interaction_required', error_codes: [50076], suberror: 'basic_action' });
    expect(body.error_description).toMatch(/^AADSTS50076: /);
    expect(JSON.parse(String(body.claims))).toEqual(JSON.parse(ACRS_C1_CP1));
  });

  it('a password-only sign-in still gets an ordinary token when nothing is asked of it', async () => {
    const credential = await obo({ amr: ['pwd'] });
    const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE);
    const claims = decodeJwt(token);
    expect(claims.amr).toEqual(['pwd']);
    expect(claims).not.toHaveProperty('acrs');
  });

  it('refuses a claims parameter that is not JSON (AADSTS90100)', async () => {
    const assertion = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: pimBot.clientId });
    const { body } = await postToken(authority, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: pimBot.clientId,
      client_secret: pimBot.clientSecret,
      assertion,
      scope: GRAPH_DEFAULT_SCOPE,
      claims: '{not json',
    });
    expect(body).toMatchObject({ error: 'invalid_request', error_codes: [90100] });
  });
});
