import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { TenantFixture } from '../../simulators/tenant/tenant-fixture';

/**
 * The demo tenant where these roles need Megan Bowen's approval (up to 8 hours, a justification, no ticket):
 * requests that land in her inbox.
 */
export function tenantWhereMeganApproves(roleDefinitionIds: readonly string[]): TenantFixture {
  const megan = demoUsers.approver;
  return {
    ...demoTenant,
    rolePolicies: demoTenant.rolePolicies.map((p) =>
      roleDefinitionIds.includes(p.roleDefinitionId)
        ? {
            ...p,
            activation: {
              maximumDuration: 'PT8H',
              enabledRules: ['Justification'],
              approvers: [{ type: 'singleUser', userId: megan.id, description: 'Megan Bowen' }],
            },
          }
        : p,
    ),
  };
}
