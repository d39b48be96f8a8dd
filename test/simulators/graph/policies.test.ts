import type {
  UnifiedRoleManagementPolicyApprovalRule,
  UnifiedRoleManagementPolicyAssignment,
  UnifiedRoleManagementPolicyRule,
} from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../../simulators/tenant/demo-tenant';
import { type Collection, type GraphCaller, type Harness, startHarness } from './support';

const ASSIGNMENTS = '/v1.0/policies/roleManagementPolicyAssignments';
const RULE_IDS = [
  'Expiration_Admin_Eligibility',
  'Enablement_Admin_Eligibility',
  'Notification_Admin_Admin_Eligibility',
  'Notification_Requestor_Admin_Eligibility',
  'Notification_Approver_Admin_Eligibility',
  'Expiration_Admin_Assignment',
  'Enablement_Admin_Assignment',
  'Notification_Admin_Admin_Assignment',
  'Notification_Requestor_Admin_Assignment',
  'Notification_Approver_Admin_Assignment',
  'Approval_EndUser_Assignment',
  'AuthenticationContext_EndUser_Assignment',
  'Enablement_EndUser_Assignment',
  'Expiration_EndUser_Assignment',
  'Notification_Admin_EndUser_Assignment',
  'Notification_Requestor_EndUser_Assignment',
  'Notification_Approver_EndUser_Assignment',
];

type Assignment = UnifiedRoleManagementPolicyAssignment;
type Rule = UnifiedRoleManagementPolicyRule & Record<string, unknown>;

let h: Harness;
let adele: GraphCaller;
beforeAll(async () => {
  h = await startHarness();
  adele = await h.as(demoUsers.requester);
});
afterAll(() => h.close());

async function policyFor(roleDefinitionId: string, scopeType = 'DirectoryRole'): Promise<Assignment> {
  const res = await adele.get<Collection<Assignment>>(
    `${ASSIGNMENTS}?$filter=scopeId eq '/' and scopeType eq '${scopeType}' and roleDefinitionId eq '${roleDefinitionId}'&$expand=policy($expand=rules)`,
  );
  expect(res.status).toBe(200);
  expect(res.body.value).toHaveLength(1);
  return res.body.value[0] as Assignment;
}

function rule(a: Assignment, id: string): Rule {
  const found = a.policy?.rules?.find((r) => r.id === id);
  if (!found) throw new Error(`rule ${id} missing`);
  return found as Rule;
}

describe('role management policies', () => {
  it("finds a role's policy through its assignment, with the 17 rules expanded", async () => {
    const a = await policyFor(demoRoles.globalAdministrator);
    const policyGuid = demoTenant.rolePolicies.find(
      (p) => p.roleDefinitionId === demoRoles.globalAdministrator,
    )?.policyGuid;
    expect(a).toMatchObject({
      policyId: `DirectoryRole_${demoTenant.tenantId}_${policyGuid}`,
      scopeId: '/',
      scopeType: 'DirectoryRole',
      roleDefinitionId: demoRoles.globalAdministrator,
    });
    expect(a.id).toBe(`${a.policyId}_${demoRoles.globalAdministrator}`);
    expect(a.policy?.rules?.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());

    expect(rule(a, 'Expiration_EndUser_Assignment')).toMatchObject({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      isExpirationRequired: true,
      maximumDuration: 'PT4H',
      target: { caller: 'EndUser', level: 'Assignment', operations: ['all'] },
    });
    expect(rule(a, 'Enablement_EndUser_Assignment')).toMatchObject({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
    });
    const approval = rule(a, 'Approval_EndUser_Assignment') as UnifiedRoleManagementPolicyApprovalRule;
    expect(approval.setting).toMatchObject({ isApprovalRequired: true, approvalMode: 'SingleStage' });
    expect(approval.setting?.approvalStages?.[0]?.primaryApprovers).toEqual([
      { '@odata.type': '#microsoft.graph.singleUser', userId: demoUsers.approver.id, description: 'Megan Bowen' },
      {
        '@odata.type': '#microsoft.graph.groupMembers',
        groupId: demoGroups.pimApprovers.id,
        description: 'PIM Approvers',
      },
    ]);
    expect(rule(a, 'AuthenticationContext_EndUser_Assignment')).toMatchObject({ isEnabled: false, claimValue: null });
  });

  it('shows the authentication context of Privileged Role Administrator and the defaults of unconfigured roles', async () => {
    const pra = await policyFor(demoRoles.privilegedRoleAdministrator, 'Directory');
    // Expanded, Graph answers DirectoryRole even for a Directory filter (policy-assignment-scope.test.ts).
    expect(pra.scopeType).toBe('DirectoryRole');
    expect(rule(pra, 'AuthenticationContext_EndUser_Assignment')).toMatchObject({ isEnabled: true, claimValue: 'c1' });
    const billing = await policyFor(demoRoles.billingAdministrator);
    expect(rule(billing, 'Expiration_EndUser_Assignment').maximumDuration).toBe('PT8H');
    expect(rule(billing, 'Enablement_EndUser_Assignment').enabledRules).toEqual([
      'MultiFactorAuthentication',
      'Justification',
    ]);
    const approval = rule(billing, 'Approval_EndUser_Assignment') as UnifiedRoleManagementPolicyApprovalRule;
    expect(approval.setting?.isApprovalRequired).toBe(false);
  });

  it('requires the scopeId and scopeType filter (400 otherwise)', async () => {
    expect((await adele.get(ASSIGNMENTS)).status).toBe(400);
    const onlyScopeId = await adele.get(`${ASSIGNMENTS}?$filter=scopeId eq '/'`);
    expect(onlyScopeId.status).toBe(400);
    expect(onlyScopeId.error?.code).toBe('BadRequest');
    const all = await adele.get<Collection<Assignment>>(
      `${ASSIGNMENTS}?$filter=scopeId eq '/' and scopeType eq 'Directory'`,
    );
    expect(all.body.value).toHaveLength(demoTenant.roleDefinitions.length);
  });

  it('serves PIM for Groups policies by group scope and member/owner', async () => {
    const g = demoGroups.helpdeskBundle.id;
    const both = await adele.get<Collection<Assignment>>(
      `${ASSIGNMENTS}?$filter=scopeId eq '${g}' and scopeType eq 'Group'`,
    );
    expect(both.body.value.map((a) => a.roleDefinitionId).sort()).toEqual(['member', 'owner']);
    const member = await adele.get<Collection<Assignment>>(
      `${ASSIGNMENTS}?$filter=scopeId eq '${g}' and scopeType eq 'Group' and roleDefinitionId eq 'member'&$expand=policy($expand=rules)`,
    );
    const a = member.body.value[0] as Assignment;
    expect(a.policyId).toMatch(new RegExp(`^Group_${g}_`));
    expect(rule(a, 'Expiration_EndUser_Assignment').maximumDuration).toBe('PT4H');
    expect(rule(a, 'Enablement_EndUser_Assignment').enabledRules).toEqual(['Justification']);
  });

  it('reads a policy, its rules and one rule directly', async () => {
    const a = await policyFor(demoRoles.exchangeAdministrator);
    const rules = await adele.get<Collection<Rule>>(`/v1.0/policies/roleManagementPolicies/${a.policyId}/rules`);
    expect(rules.body.value).toHaveLength(17);
    const one = await adele.get<Rule>(
      `/v1.0/policies/roleManagementPolicies/${a.policyId}/rules/Expiration_EndUser_Assignment`,
    );
    expect(one.body.maximumDuration).toBe('PT8H');
    expect((await adele.get(`/v1.0/policies/roleManagementPolicies/${a.policyId}/rules/Nope`)).status).toBe(404);
    const policy = await adele.get<Record<string, unknown>>(`/v1.0/policies/roleManagementPolicies/${a.policyId}`);
    expect(policy.body).toMatchObject({
      id: a.policyId,
      scopeId: '/',
      scopeType: 'Directory',
      isOrganizationDefault: false,
    });
  });

  it('needs a policy read scope', async () => {
    const noPolicyScope = await h.as(demoUsers.requester, { scopes: ['User.Read'] });
    const res = await noPolicyScope.get(
      `${ASSIGNMENTS}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${demoRoles.globalAdministrator}'`,
    );
    expect(res.status).toBe(403);
  });
});
