import type { HandlerContext } from '../context';
import { roleNav } from '../entities';
import type { EntityNode } from '../odata/query';
import { collectionResponse } from '../odata/query';
import { Permissions, requirePimPermission } from '../permissions';
import type { Route } from '../router';
import { type RoleAssignmentRecord, roleAssignmentInstances } from '../views';

/**
 * One active directory role assignment (`unifiedRoleAssignment`): the principal it is granted to (a user, a
 * role-assignable group, a service principal), never the group's members one by one. Its id is the one
 * instances name as `roleAssignmentOriginId` (FEATURES-API.md §4: activations appear here too, [3p]).
 */
function roleAssignmentNode(r: RoleAssignmentRecord, ctx: HandlerContext): EntityNode {
  return {
    typeName: 'microsoft.graph.unifiedRoleAssignment',
    json: {
      id: r.originId,
      principalId: r.principalId,
      roleDefinitionId: r.roleDefinitionId,
      directoryScopeId: r.directoryScopeId,
      appScopeId: null,
      condition: null,
    },
    navigation: roleNav(r.principalId, r.roleDefinitionId, ctx.view, r.directoryScopeId),
  };
}

/**
 * GET /roleManagement/directory/roleAssignments: the assignments in effect now, permanent and currently
 * activated (../shared/graph/FEATURES-API.md §4; DOCS api-reference/v1.0/api/rbacapplication-list-roleassignments.md,
 * whose example 2 is `$filter=roleDefinitionId eq '62e90394-…'&$expand=principal`). `$filter` on
 * `roleDefinitionId` and `principalId`, `$expand=principal`, `$select` (FIDELITY.md).
 */
export function roleAssignmentRoutes(): Route<HandlerContext>[] {
  return [
    {
      method: 'GET',
      path: '/roleManagement/directory/roleAssignments',
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentsRead);
        const nodes = roleAssignmentInstances(ctx.state, ctx.now, false).map((r) => roleAssignmentNode(r, ctx));
        return collectionResponse(ctx.req, nodes, 'roleManagement/directory/roleAssignments', {
          typeName: 'microsoft.graph.unifiedRoleAssignment',
        });
      },
    },
  ];
}
