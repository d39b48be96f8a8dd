import type { HandlerContext } from '../context';
import { graphErrors } from '../errors';
import type { ResolvedPolicy } from '../fixture-loader';
import { sameId } from '../ids';
import { equalityTerms, type FilterNode } from '../odata/filter';
import { queryOption } from '../http';
import { collectionResponse, entityResponse, parseExpand, parseFilterOption } from '../odata/query';
import { Permissions, requirePimPermission } from '../permissions';
import { policyAssignmentNode, policyAssignmentScopeType, policyNode, policyRules, ruleNode } from '../policies';
import type { Route } from '../router';

function requirePolicyPermission(ctx: HandlerContext, policy: ResolvedPolicy): void {
  requirePimPermission(ctx.caller, policy.kind === 'role' ? Permissions.rolePolicyRead : Permissions.groupPolicyRead);
}

function findPolicy(ctx: HandlerContext, id: string): ResolvedPolicy {
  const policy = ctx.state.tenant.policy(id);
  if (!policy) throw graphErrors.pimNotFound();
  requirePolicyPermission(ctx, policy);
  return policy;
}

/**
 * The policy assignment query needs `scopeId eq ... and scopeType eq ...` (PIM-API.md §2). The message of
 * Graph's 400 is UNVERIFIED; the simulator says which filter is missing.
 */
function scopeFromFilter(filter: FilterNode | undefined): {
  scopeId: string;
  scopeType: string;
  roleDefinitionId?: string;
} {
  const terms = filter ? equalityTerms(filter) : null;
  const scopeId = terms?.get('scopeid');
  const scopeType = terms?.get('scopetype');
  if (typeof scopeId !== 'string' || typeof scopeType !== 'string') {
    throw graphErrors.badRequest(
      "The filter must specify both scopeId and scopeType, e.g. $filter=scopeId eq '/' and scopeType eq 'DirectoryRole'.",
    );
  }
  const roleDefinitionId = terms?.get('roledefinitionid');
  return { scopeId, scopeType, roleDefinitionId: typeof roleDefinitionId === 'string' ? roleDefinitionId : undefined };
}

export function policyRoutes(): Route<HandlerContext>[] {
  return [
    {
      method: 'GET',
      path: '/policies/roleManagementPolicyAssignments',
      handler: (ctx) => {
        const filter = parseFilterOption(ctx.req);
        const { scopeId, scopeType } = scopeFromFilter(filter);
        const type = scopeType.toLowerCase();
        let policies: ResolvedPolicy[];
        if (type === 'directory' || type === 'directoryrole') {
          requirePimPermission(ctx.caller, Permissions.rolePolicyRead);
          policies = scopeId === '/' ? ctx.state.tenant.allRolePolicies() : [];
        } else if (type === 'group') {
          requirePimPermission(ctx.caller, Permissions.groupPolicyRead);
          policies = ctx.state.tenant.allGroupPolicies().filter((p) => sameId(p.groupId, scopeId));
        } else {
          throw graphErrors.badRequest(`The scopeType '${scopeType}' is not supported.`);
        }
        const expanded = parseExpand(queryOption(ctx.req, 'expand')).some((e) => e.name.toLowerCase() === 'policy');
        const answered = type === 'group' ? 'Group' : policyAssignmentScopeType(scopeType, expanded);
        const nodes = policies.map((p) => policyAssignmentNode(p, answered));
        // The scopeType term selected the scope above; it must not drop a `DirectoryRole` item for a
        // `Directory` filter, so $filter sees the scope the caller asked for.
        return collectionResponse(ctx.req, nodes, 'policies/roleManagementPolicyAssignments', {
          filter,
          filterView: (json) => ({ ...json, scopeType }),
        });
      },
    },
    {
      method: 'GET',
      path: '/policies/roleManagementPolicyAssignments/{id}',
      handler: (ctx, { id = '' }) => {
        const policy = [...ctx.state.tenant.policiesById.values()].find((p) => sameId(p.assignmentId, id));
        if (!policy) throw graphErrors.pimNotFound();
        requirePolicyPermission(ctx, policy);
        const node = policyAssignmentNode(policy, policy.kind === 'role' ? 'Directory' : 'Group');
        return entityResponse(ctx.req, node, 'policies/roleManagementPolicyAssignments');
      },
    },
    {
      method: 'GET',
      path: '/policies/roleManagementPolicies',
      handler: (ctx) => {
        const filter = parseFilterOption(ctx.req);
        const { scopeId, scopeType } = scopeFromFilter(filter);
        const type = scopeType.toLowerCase();
        const isGroup = type === 'group';
        requirePimPermission(ctx.caller, isGroup ? Permissions.groupPolicyRead : Permissions.rolePolicyRead);
        const policies = isGroup
          ? ctx.state.tenant.allGroupPolicies().filter((p) => sameId(p.groupId, scopeId))
          : scopeId === '/'
            ? ctx.state.tenant.allRolePolicies()
            : [];
        const nodes = policies.map((p) => {
          const node = policyNode(p);
          node.json.scopeType = isGroup ? 'Group' : scopeType;
          return node;
        });
        return collectionResponse(ctx.req, nodes, 'policies/roleManagementPolicies', { filter });
      },
    },
    {
      method: 'GET',
      path: '/policies/roleManagementPolicies/{id}',
      handler: (ctx, { id = '' }) =>
        entityResponse(ctx.req, policyNode(findPolicy(ctx, id)), 'policies/roleManagementPolicies'),
    },
    {
      method: 'GET',
      path: '/policies/roleManagementPolicies/{id}/rules',
      handler: (ctx, { id = '' }) => {
        const policy = findPolicy(ctx, id);
        const nodes = policyRules(policy).map(ruleNode);
        return collectionResponse(ctx.req, nodes, `policies/roleManagementPolicies('${policy.id}')/rules`);
      },
    },
    {
      method: 'GET',
      path: '/policies/roleManagementPolicies/{id}/rules/{ruleId}',
      handler: (ctx, { id = '', ruleId = '' }) => {
        const policy = findPolicy(ctx, id);
        const rule = policyRules(policy).find((r) => String(r.id).toLowerCase() === ruleId.toLowerCase());
        if (!rule) throw graphErrors.pimNotFound();
        return entityResponse(ctx.req, ruleNode(rule), `policies/roleManagementPolicies('${policy.id}')/rules`);
      },
    },
  ];
}
