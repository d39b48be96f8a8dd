import { cancelRequest, submitRequest } from '../activations';
import { requestsForApprover } from '../approvers';
import { type HandlerContext, filterByCurrentUserOn, filterByCurrentUserValues, functionContext } from '../context';
import {
  roleAssignmentInstanceNode,
  roleAssignmentScheduleNode,
  roleDefinitionNode,
  roleEligibilityInstanceNode,
  roleEligibilityScheduleNode,
  roleRequestNode,
} from '../entities';
import { graphErrors } from '../errors';
import { jsonBody, noContent } from '../http';
import { sameId } from '../ids';
import { collectionResponse, type EntityNode, entityResponse } from '../odata/query';
import { requireReaderRoleForListing, requireReaderRoleForRequest } from '../reader-roles';
import { Permissions, requireDelegated, requirePimPermission } from '../permissions';
import type { Route } from '../router';
import {
  roleAssignmentInstances,
  roleAssignmentSchedules,
  roleEligibilityInstances,
  roleEligibilitySchedules,
} from '../views';

const BASE = '/roleManagement/directory';
const CTX = 'roleManagement/directory';

function byId(nodes: EntityNode[], id: string): EntityNode {
  const node = nodes.find((n) => sameId(String(n.json.id), id));
  if (!node) throw graphErrors.pimNotFound();
  return node;
}

function mine(ctx: HandlerContext, nodes: EntityNode[]): EntityNode[] {
  return nodes.filter((n) => sameId(String(n.json.principalId), ctx.caller.objectId));
}

const eligibilitySchedules = (ctx: HandlerContext): EntityNode[] =>
  roleEligibilitySchedules(ctx.state, ctx.now).map((e) => roleEligibilityScheduleNode(e, ctx.view));
const eligibilityInstances = (ctx: HandlerContext): EntityNode[] =>
  roleEligibilityInstances(ctx.state, ctx.now).map((e) => roleEligibilityInstanceNode(e, ctx.view));
const assignmentSchedules = (ctx: HandlerContext): EntityNode[] =>
  roleAssignmentSchedules(ctx.state, ctx.now).map((r) => roleAssignmentScheduleNode(r, ctx.view));
const assignmentInstances = (ctx: HandlerContext, throughGroups: boolean): EntityNode[] =>
  roleAssignmentInstances(ctx.state, ctx.now, throughGroups).map((r) => roleAssignmentInstanceNode(r, ctx.view));

function requests(ctx: HandlerContext): EntityNode[] {
  return [...ctx.state.requests.values()]
    .filter((r) => r.kind === 'role')
    .sort((a, b) => a.createdDateTime.getTime() - b.createdDateTime.getTime())
    .map((r) => roleRequestNode(r, ctx.view));
}

/** Entra role endpoints (v1.0, and the same paths under beta). */
export function roleManagementRoutes(): Route<HandlerContext>[] {
  return [
    {
      method: 'GET',
      path: `${BASE}/roleDefinitions`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleDefinitionsRead);
        const nodes = ctx.state.tenant.fixture.roleDefinitions.map(roleDefinitionNode);
        return collectionResponse(ctx.req, nodes, `${CTX}/roleDefinitions`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleDefinitions/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleDefinitionsRead);
        const role = ctx.state.tenant.role(id);
        if (!role) throw graphErrors.directoryNotFound(id);
        return entityResponse(ctx.req, roleDefinitionNode(role), `${CTX}/roleDefinitions`);
      },
    },

    // Eligibility schedules and instances.
    {
      method: 'GET',
      path: `${BASE}/roleEligibilitySchedules/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.schedulesAndInstances);
        return collectionResponse(
          ctx.req,
          mine(ctx, eligibilitySchedules(ctx)),
          functionContext('unifiedRoleEligibilitySchedule'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilitySchedules`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        return collectionResponse(ctx.req, eligibilitySchedules(ctx), `${CTX}/roleEligibilitySchedules`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilitySchedules/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        return entityResponse(ctx.req, byId(eligibilitySchedules(ctx), id), `${CTX}/roleEligibilitySchedules`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilityScheduleInstances/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.schedulesAndInstances);
        return collectionResponse(
          ctx.req,
          mine(ctx, eligibilityInstances(ctx)),
          functionContext('unifiedRoleEligibilityScheduleInstance'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilityScheduleInstances`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        return collectionResponse(ctx.req, eligibilityInstances(ctx), `${CTX}/roleEligibilityScheduleInstances`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilityScheduleInstances/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        return entityResponse(ctx.req, byId(eligibilityInstances(ctx), id), `${CTX}/roleEligibilityScheduleInstances`);
      },
    },

    // Assignment schedules and instances.
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentSchedules/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.schedulesAndInstances);
        return collectionResponse(
          ctx.req,
          mine(ctx, assignmentSchedules(ctx)),
          functionContext('unifiedRoleAssignmentSchedule'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentSchedules`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        return collectionResponse(ctx.req, assignmentSchedules(ctx), `${CTX}/roleAssignmentSchedules`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentSchedules/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        return entityResponse(ctx.req, byId(assignmentSchedules(ctx), id), `${CTX}/roleAssignmentSchedules`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleInstances/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.schedulesAndInstances);
        return collectionResponse(
          ctx.req,
          mine(ctx, assignmentInstances(ctx, false)),
          functionContext('unifiedRoleAssignmentScheduleInstance'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleInstances`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        return collectionResponse(ctx.req, assignmentInstances(ctx, true), `${CTX}/roleAssignmentScheduleInstances`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleInstances/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        return entityResponse(
          ctx.req,
          byId(assignmentInstances(ctx, true), id),
          `${CTX}/roleAssignmentScheduleInstances`,
        );
      },
    },

    // Requests.
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleRequests/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentRequestRead);
        const which = filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.roleAssignmentRequests);
        const me = ctx.caller.objectId;
        const stored = [...ctx.state.requests.values()].filter((r) => r.kind === 'role');
        const picked =
          which === 'approver'
            ? requestsForApprover(ctx.state, 'role', me, ctx.now)
            : stored.filter((r) => sameId(r.principalId, me));
        return collectionResponse(
          ctx.req,
          picked.map((r) => roleRequestNode(r, ctx.view)),
          functionContext('unifiedRoleAssignmentScheduleRequest'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleRequests`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentRequestList);
        requireReaderRoleForListing(ctx);
        return collectionResponse(ctx.req, requests(ctx), `${CTX}/roleAssignmentScheduleRequests`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleRequests/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentRequestGet);
        requireReaderRoleForRequest(ctx, ctx.state.request(id));
        return entityResponse(ctx.req, byId(requests(ctx), id), `${CTX}/roleAssignmentScheduleRequests`);
      },
    },
    {
      method: 'POST',
      path: `${BASE}/roleAssignmentScheduleRequests`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentRequestWrite);
        requireDelegated(ctx.caller, 'Self-service activation and deactivation');
        const { request, status } = submitRequest(ctx.service, 'role', jsonBody(ctx.req));
        return entityResponse(
          ctx.req,
          roleRequestNode(request, ctx.view, status),
          `${CTX}/roleAssignmentScheduleRequests`,
          201,
        );
      },
    },
    {
      method: 'POST',
      path: `${BASE}/roleAssignmentScheduleRequests/{id}/cancel`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentRequestWrite);
        requireDelegated(ctx.caller, 'Canceling a request');
        cancelRequest(ctx.service, 'role', id);
        return noContent();
      },
    },
  ];
}
