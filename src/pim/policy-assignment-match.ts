import type { UnifiedRoleManagementPolicyAssignment } from '@microsoft/microsoft-graph-types';
import type { PimTargetRef } from './pim-types';

/**
 * The tenant-wide role scope has two documented names: a filter may say `Directory` or `DirectoryRole`,
 * and the answer may use either (unexpanded the docs' sample echoes `Directory`, expanded it says
 * `DirectoryRole`). DOCS: microsoft-graph-docs-contrib api-reference/v1.0/api/policyroot-list-rolemanagementpolicyassignments.md
 * ("scopeType can be either Directory or DirectoryRole"; examples 1 and 2).
 */
const ROLE_SCOPE_TYPES = new Set(['directory', 'directoryrole']);

function same(a: string | null | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

/**
 * The policy assignment that governs `target` among what Graph answered: same role definition (or
 * member/owner) and scope, whichever name the scope type carries. Picking by content rather than taking
 * the first item keeps a wider answer (a filter term ignored upstream) from applying another role's rules.
 */
export function matchPolicyAssignment(
  assignments: readonly UnifiedRoleManagementPolicyAssignment[],
  target: PimTargetRef,
): UnifiedRoleManagementPolicyAssignment | undefined {
  return assignments.find((a) => {
    if (target.kind === 'role') {
      return (
        same(a.roleDefinitionId, target.roleDefinitionId) &&
        // Role policies are assigned at the tenant scope only, whatever scope the role is eligible at.
        same(a.scopeId, '/') &&
        ROLE_SCOPE_TYPES.has((a.scopeType ?? '').toLowerCase())
      );
    }
    return same(a.roleDefinitionId, target.accessId) && same(a.scopeId, target.groupId) && same(a.scopeType, 'Group');
  });
}
