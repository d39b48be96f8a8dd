import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraAuthority, type RegisteredApplication, startEntraAuthority } from '../../../simulators/entra';
import { testCertificateAuthority } from '../../support/local-ca';
import { fakeSecret } from '../../support/fake-secrets';
import { directory, GRAPH_DEFAULT_SCOPE, pimBot, postToken } from './entra-fixture';

// Conditional Access on the on-behalf-of exchange, and consent missing for Graph. The expected bodies are the ones
// Microsoft published:
// - learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow, "Error response example": 400
//   `{"error":"interaction_required","error_description":"AADSTS50079: Due to a configuration change made by your
//   administrator, or because you moved to a new location, you must enroll in multifactor authentication to access
//   '…'.\r\nTrace ID: …","error_codes":[50079],…,"claims":"{\"access_token\":{\"polids\":{\"essential\":true,
//   \"values\":[\"9ab03e19-…\"]}}}"}`;
// - the answer captured from Entra in AzureAD/microsoft-authentication-library-for-js#5491:
//   `{"error":"invalid_grant","error_description":"AADSTS50076: Due to a configuration change made by your
//   administrator, or because you moved to a new location, you must use multi-factor authentication to access
//   'GUID'.…","error_codes":[50076],…,"suberror":"basic_action","claims":"{\"access_token\":{\"capolids\":
//   {\"essential\":true,\"values\":[\"GUID\"]}}}"}`;
// - AADSTS65001 consent_required: learn.microsoft.com/entra/identity-platform/reference-error-codes ("The user or
//   administrator hasn't consented to use the application").

const POLICY_ID = '9ab03e19-ed42-4168-b6b7-7001fb3e933a';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Users of this file only: each test puts its own under a policy. */
const user = (n: number, name: string) => ({
  id: `c0a0c0a0-0000-4000-8000-00000000000${n}`,
  userPrincipalName: `${name.toLowerCase()}@contoso.example`,
  displayName: name,
});
const alex = user(1, 'Alex');
const diego = user(2, 'Diego');
const grady = user(3, 'Grady');
const unconsented: RegisteredApplication = {
  clientId: '3e5a1f7c-0b2d-4e6f-8a9c-0e1b3d5f7a9d',
  clientSecret: fakeSecret('unconsented-bot'),
  displayName: 'Unconsented Bot',
  identifierUris: ['api://botid-3e5a1f7c-0b2d-4e6f-8a9c-0e1b3d5f7a9d'],
  redirectUris: [],
  graphApplicationPermissions: [],
  graphDelegatedScopes: [],
};

let authority: EntraAuthority;
beforeAll(async () => {
  authority = await startEntraAuthority({
    ca: testCertificateAuthority(),
    directory: {
      ...directory,
      users: [...directory.users, alex, diego, grady],
      applications: [...directory.applications, unconsented],
    },
  });
});
afterAll(() => authority.close());

async function obo(app: RegisteredApplication, assertion: string, extra: Record<string, string> = {}) {
  return postToken(authority, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    requested_token_use: 'on_behalf_of',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    assertion,
    scope: GRAPH_DEFAULT_SCOPE,
    ...extra,
  });
}

describe('on-behalf-of under a Conditional Access policy on Graph', () => {
  it('answers an assertion signed in without MFA with the captured shape: invalid_grant, basic_action, capolids', async () => {
    authority.addConditionalAccessPolicy({ id: POLICY_ID, userIds: [alex.id] });
    const assertion = await authority.issueTeamsSsoToken({ userId: alex.id, clientId: pimBot.clientId, amr: ['pwd'] });
    const { status, body } = await obo(pimBot, assertion);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: 'invalid_grant',
      suberror: 'basic_action',
      error_codes: [50076],
      claims: `{"access_token":{"capolids":{"essential":true,"values":["${POLICY_ID}"]}}}`,
    });
    expect(body.error_description).toMatch(
      new RegExp(
        `^AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${GRAPH_APP_ID}'\\.\\r\\nTrace ID: `,
      ),
    );
    expect(body).toHaveProperty('trace_id');
    expect(body).toHaveProperty('correlation_id');
    expect(body).toHaveProperty('timestamp');
  });

  it('refuses it with claims asked for too (only an interactive sign-in satisfies it), and grants an MFA sign-in', async () => {
    authority.addConditionalAccessPolicy({ id: POLICY_ID, userIds: [diego.id] });
    const pwd = await authority.issueTeamsSsoToken({ userId: diego.id, clientId: pimBot.clientId, amr: ['pwd'] });
    const withClaims = await obo(pimBot, pwd, {
      claims: `{"access_token":{"capolids":{"essential":true,"values":["${POLICY_ID}"]},"xms_cc":{"values":["cp1"]}}}`,
    });
    expect(withClaims).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_codes: [50076] } });
    const mfa = await authority.issueTeamsSsoToken({
      userId: diego.id,
      clientId: pimBot.clientId,
      amr: ['pwd', 'mfa'],
    });
    expect((await obo(pimBot, mfa)).status).toBe(200);
  });

  it('answers the documented shape on request: interaction_required, polids, AADSTS50079, no suberror', async () => {
    authority.addConditionalAccessPolicy({ id: POLICY_ID, userIds: [grady.id], answer: 'documented', code: 50079 });
    const assertion = await authority.issueTeamsSsoToken({ userId: grady.id, clientId: pimBot.clientId, amr: ['pwd'] });
    const { status, body } = await obo(pimBot, assertion);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: 'interaction_required',
      error_codes: [50079],
      claims: `{"access_token":{"polids":{"essential":true,"values":["${POLICY_ID}"]}}}`,
    });
    expect(body).not.toHaveProperty('suberror');
    expect(body.error_description).toMatch(/^AADSTS50079: .*you must enroll in multi-factor authentication to access/);
  });
});

describe('on-behalf-of for Graph without any consented permission', () => {
  it('is refused with consent_required AADSTS65001, naming the app', async () => {
    const assertion = await authority.issueTeamsSsoToken({ userId: alex.id, clientId: unconsented.clientId });
    const { status, body } = await obo(unconsented, assertion);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_grant', suberror: 'consent_required', error_codes: [65001] });
    expect(body.error_description).toMatch(
      new RegExp(
        `^AADSTS65001: The user or administrator has not consented to use the application with ID '${unconsented.clientId}'`,
      ),
    );
  });
});
