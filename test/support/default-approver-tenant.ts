import type { GraphSimulator } from '../../simulators/graph';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureGroup, TenantFixture } from '../../simulators/tenant/tenant-fixture';

/**
 * The demo tenant where Global Administrator's PIM policy requires approval but names nobody (the portal's
 * "Require approval to activate" with no approver selected), so PIM's default approvers decide: the
 * Privileged Role Administrators and Global Administrators (Entra docs, pim-how-to-change-default-settings).
 * Who holds those roles here, and so who should get the card:
 * - Isaiah Langer: Privileged Role Administrator, permanently (demo tenant);
 * - Break Glass: Global Administrator, permanently (demo tenant);
 * - Lee Gu: eligible for Privileged Role Administrator; holds it once `activateHolders` activated it;
 * - Nestor Wilke: member of "RAG - Tier 0 Admins", a role-assignable group holding Global Administrator.
 * Who should not: Megan Bowen (eligible for Global Administrator, never activated), Adele Vance (the requester,
 * although `activateHolders` activates Privileged Role Administrator for her too), Lee Gu before he activates.
 *
 * Security Administrator's policy names one approver group, "Change Approvers", whose only member is the group
 * "Change Approvers - EMEA", whose only member is Lee Gu: a nested approver.
 */
export const tier0Admins: FixtureGroup = {
  id: 'b07c8d9e-0f1a-4b2c-8d3e-000000000104',
  displayName: 'RAG - Tier 0 Admins',
  isAssignableToRole: true,
  memberIds: [demoUsers.secondApprover.id],
};

export const emeaApprovers: FixtureGroup = {
  id: 'd29e0f1a-2b3c-4d4e-8f5a-000000000106',
  displayName: 'Change Approvers - EMEA',
  isAssignableToRole: false,
  memberIds: [demoUsers.noAccess.id],
};

export const changeApprovers: FixtureGroup = {
  id: 'c18d9e0f-1a2b-4c3d-9e4f-000000000105',
  displayName: 'Change Approvers',
  isAssignableToRole: false,
  memberIds: [emeaApprovers.id],
};

export const defaultApproverTenant: TenantFixture = {
  ...demoTenant,
  groups: [...demoTenant.groups, tier0Admins, emeaApprovers, changeApprovers],
  rolePolicies: demoTenant.rolePolicies.map((p) =>
    p.roleDefinitionId === demoRoles.globalAdministrator
      ? { ...p, activation: { maximumDuration: 'PT4H', enabledRules: ['Justification'], requiresApproval: true } }
      : p.roleDefinitionId === demoRoles.securityAdministrator
        ? {
            ...p,
            activation: {
              maximumDuration: 'PT4H',
              enabledRules: ['Justification'],
              approvers: [{ type: 'groupMembers', groupId: changeApprovers.id, description: 'Change Approvers' }],
            },
          }
        : p,
  ),
  roleEligibilities: [
    ...demoTenant.roleEligibilities,
    {
      principalId: demoUsers.noAccess.id,
      roleDefinitionId: demoRoles.privilegedRoleAdministrator,
      directoryScopeId: '/',
    },
    { principalId: demoUsers.approver.id, roleDefinitionId: demoRoles.globalAdministrator, directoryScopeId: '/' },
  ],
  roleAssignments: [
    ...demoTenant.roleAssignments,
    { principalId: tier0Admins.id, roleDefinitionId: demoRoles.globalAdministrator, directoryScopeId: '/' },
  ],
};

/** Lee and Adele activate Privileged Role Administrator in the portal (for 2 hours). */
export function activateHolders(graph: Pick<GraphSimulator, 'activate'>): void {
  for (const principalId of [demoUsers.noAccess.id, demoUsers.requester.id]) {
    graph.activate({
      principalId,
      roleDefinitionId: demoRoles.privilegedRoleAdministrator,
      directoryScopeId: '/',
      duration: 'PT2H',
    });
  }
}
