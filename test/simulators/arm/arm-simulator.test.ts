import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startArmSimulator } from '../../../simulators/arm';
import { demoArm, demoResourceGroups, demoSubscriptions } from '../../../simulators/arm/demo-arm';
import { demoBotApplication } from '../../../simulators/demo-app';
import { startEntraAuthority } from '../../../simulators/entra';
import { testCertificateAuthority } from '../../support/local-ca';
import { AzureBuiltInRoles } from '../../../simulators/arm/fixture';
import { demoUsers } from '../../../simulators/tenant/demo-tenant';
import { assertNoArmContractViolations } from '../../contract/arm-contract';
import {
  type ArmHarness,
  AUTHZ,
  type Cloud,
  guid,
  type List,
  type Obj,
  PIM_API,
  roleId,
  startArmHarness,
} from './support';

/**
 * The ARM simulator over HTTP: envelopes, api-versions, tokens, filters and reads, as
 * ARM-PIM.md §1–§6 and §9 describe them (FIDELITY.md has the source of each). Well-formed calls go through the
 * contract check; calls malformed on purpose bypass it (`unchecked`) and say so.
 */

const { requester: adele, approver: megan } = demoUsers;
const DEV = demoSubscriptions.development.id;
const PROD = demoSubscriptions.production.id;
let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());
afterEach(() => assertNoArmContractViolations(h.violations));

describe('api-version, envelope and tokens', () => {
  it('missing or unsupported api-version: 400 with the CloudError envelope', async () => {
    const t = await h.token(adele);
    const path = `${DEV}${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()`;
    const missing = await h.call<Cloud>('GET', path, { token: t, unchecked: true });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error: { code: 'MissingApiVersionParameter', message: expect.stringContaining('api-version') },
    });
    const wrong = await h.call<Cloud>('GET', `${AUTHZ}/roleAssignmentApprovals?$filter=asApprover()&${PIM_API}`, {
      token: t,
      unchecked: true,
    });
    expect(wrong.body.error).toMatchObject({
      code: 'InvalidApiVersionParameter',
      message: expect.stringContaining("'2021-01-01-preview'"),
    });
  });

  it('token checks: none, Graph audience, expired, and both spellings of the ARM audience', async () => {
    const path = `${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()&${PIM_API}`;
    const none = await h.call<Cloud>('GET', path);
    expect([none.status, none.body.error.code]).toEqual([401, 'AuthenticationFailed']);
    expect(none.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
    const graph = await h.call<Cloud>('GET', path, {
      token: await h.token(adele, { audience: 'https://graph.microsoft.com' }),
    });
    expect([graph.status, graph.body.error.code]).toEqual([401, 'InvalidAuthenticationTokenAudience']);
    const expired = await h.call<Cloud>('GET', path, { token: await h.token(adele, { expiresIn: -900 }) });
    expect(expired.body.error.code).toBe('ExpiredAuthenticationToken');
    for (const audience of ['https://management.azure.com/', 'https://management.azure.com']) {
      expect((await h.call('GET', path, { token: await h.token(adele, { audience }) })).status).toBe(200);
    }
  });
});

describe('tokens from the local Entra authority', () => {
  it("trusts the authority's keys (remote JWKS), and refuses its Teams SSO token: ARM wants an on-behalf-of token of its own", async () => {
    const authority = await startEntraAuthority({
      ca: testCertificateAuthority(),
      directory: {
        tenantId: demoArm.tenantId,
        users: [{ id: adele.id, userPrincipalName: adele.userPrincipalName, displayName: adele.displayName }],
        applications: [demoBotApplication()],
      },
    });
    const sim = await startArmSimulator({
      fixture: demoArm,
      trust: { issuer: authority.issuer, jwksUri: authority.jwksUri },
      ca: testCertificateAuthority(),
    });
    try {
      const sso = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: demoBotApplication().clientId });
      const res = await fetch(`${sim.url}${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()&${PIM_API}`, {
        headers: { Authorization: `Bearer ${sso}` },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as Cloud).error.code).toBe('InvalidAuthenticationTokenAudience'); // signature and issuer passed
      const forged = await h.token(adele); // signed by a key the authority does not hold
      const refused = await fetch(`${sim.url}${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()&${PIM_API}`, {
        headers: { Authorization: `Bearer ${forged}` },
      });
      expect(((await refused.json()) as Cloud).error.code).toBe('InvalidAuthenticationToken');
    } finally {
      await Promise.allSettled([sim.close(), authority.close()]);
    }
  });
});

describe('lists and filters', () => {
  it("asTarget() gives the caller's own: Megan sees her Reader only, at the root and at the subscription", async () => {
    const t = await h.token(megan);
    for (const scope of ['', DEV]) {
      const res = await h.call<List>(
        'GET',
        `${scope}${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()&${PIM_API}`,
        { token: t },
      );
      expect(res.body.value.map((v) => v.properties.principalId)).toEqual([megan.id]);
      expect(res.body.value[0]?.properties.roleDefinitionId).toBe(roleId(DEV, AzureBuiltInRoles.reader));
    }
  });

  it('without a caller-bound filter, or for someone else, reading needs access: 403 AuthorizationFailed', async () => {
    const t = await h.token(megan);
    const all = await h.call<Cloud>('GET', `${PROD}${AUTHZ}/roleEligibilityScheduleInstances?${PIM_API}`, { token: t });
    expect([all.status, all.body.error.code]).toEqual([403, 'AuthorizationFailed']);
    const other = await h.call<Cloud>(
      'GET',
      `${PROD}${AUTHZ}/roleEligibilitySchedules?$filter=${encodeURIComponent(`assignedTo('${adele.id}')`)}&${PIM_API}`,
      { token: t },
    );
    expect(other.status).toBe(403);
  });

  it('an admin with standing Owner reads everyone: unfiltered includes children, atScope() only the scope and above', async () => {
    const isaiah = demoUsers.admin;
    h.reset({
      ...demoArm,
      standingAssignments: [
        { id: guid(99), principalId: isaiah.id, roleDefinitionId: AzureBuiltInRoles.owner, scope: PROD },
      ],
    });
    const t = await h.token(isaiah);
    const roles = async (scope: string, filter?: string) => {
      const q = filter ? `$filter=${filter}&` : '';
      const res = await h.call<List>('GET', `${scope}${AUTHZ}/roleEligibilityScheduleInstances?${q}${PIM_API}`, {
        token: t,
      });
      expect(res.status).toBe(200);
      return res.body.value.map((v) => String(v.properties.scope)).sort();
    };
    expect(await roles(PROD)).toEqual([PROD, demoResourceGroups.webProd.id].sort());
    expect(await roles(PROD, 'atScope()')).toEqual([PROD]);
    expect(await roles(demoResourceGroups.webProd.id, 'atScope()')).toEqual(
      [PROD, demoResourceGroups.webProd.id].sort(),
    );
    const mine = await h.call<List>('GET', `${AUTHZ}/roleAssignmentScheduleInstances?$filter=asTarget()&${PIM_API}`, {
      token: t,
    });
    expect(mine.body.value.map((v) => v.properties.assignmentType)).toEqual(['Assigned']);
  });

  it('nextLink: absolute, on the same host, and the pages add up', async () => {
    const { demoArm } = await import('../../../simulators/arm/demo-arm');
    h.reset({ ...demoArm, pageSize: 2 });
    const t = await h.token(adele);
    const first = await h.call<List>('GET', `${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()&${PIM_API}`, {
      token: t,
    });
    expect(first.body.value).toHaveLength(2);
    expect(first.body.nextLink?.startsWith(`${h.sim.url}/`)).toBe(true);
    const second = await h.call<List>('GET', first.body.nextLink ?? '', { token: t });
    expect(second.body.value).toHaveLength(1);
    expect(second.body.nextLink).toBeUndefined();
  });

  it('policy assignments are named {policyGuid}_{roleGuid} and carry the EndUser rules of ARM-PIM.md §3.5', async () => {
    const res = await h.call<List>('GET', `${DEV}${AUTHZ}/roleManagementPolicyAssignments?${PIM_API}`, {
      token: await h.token(adele),
    });
    const owner = res.body.value.find((v) => String(v.name).endsWith(`_${AzureBuiltInRoles.owner}`));
    const rules = owner?.properties.effectiveRules as { id: string; ruleType: string }[];
    expect(rules.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'Expiration_EndUser_Assignment',
        'Enablement_EndUser_Assignment',
        'Approval_EndUser_Assignment',
        'AuthenticationContext_EndUser_Assignment',
      ]),
    );
    const policy = await h.call<Obj>('GET', `${String(owner?.properties.policyId)}?${PIM_API}`, {
      token: await h.token(adele),
    });
    expect(policy.status).toBe(200);
  });

  it('eligibleChildResources: the resource groups below an eligible subscription', async () => {
    const res = await h.call<List>(
      'GET',
      `${DEV}${AUTHZ}/eligibleChildResources?$filter=${encodeURIComponent("resourceType eq 'resourcegroup'")}&${PIM_API}`,
      {
        token: await h.token(adele),
      },
    );
    expect(res.body.value).toEqual([{ id: demoResourceGroups.sandbox.id, name: 'rg-sandbox', type: 'resourcegroup' }]);
  });

  it('roleDefinitions (outside the PIM subset) answer with the built-in GUIDs', async () => {
    const res = await h.call<Obj>(
      'GET',
      `${PROD}${AUTHZ}/roleDefinitions/${AzureBuiltInRoles.userAccessAdministrator}?api-version=2022-04-01`,
      {
        token: await h.token(adele),
        unchecked: true,
      },
    );
    expect(res.body.properties.roleName).toBe('User Access Administrator');
  });
});
