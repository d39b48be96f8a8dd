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
import { collectionResponse, entityResponse } from '../odata/query';
import { requireReaderRoleForListing, requireReaderRoleForRequest } from '../reader-roles';
import { Permissions, requireDelegated, requirePimPermission } from '../permissions';
import type { Route } from '../router';
import type { RoleEligibility } from '../fixture-loader';
import { filterCandidates, type ScopedSource } from '../filter-scope';
import { all, byId, callersOwn, oneOf, ownedById } from './scoped-reads';
import type { StoredRequest } from '../state';
import {
  type RoleAssignmentRecord,
  roleAssignmentInstances,
  roleAssignmentSchedules,
  roleEligibilityInstances,
  roleEligibilitySchedules,
} from '../views';

const BASE = '/roleManagement/directory';
const CTX = 'roleManagement/directory';

const eligibilitySchedules = (ctx: HandlerContext): ScopedSource<RoleEligibility> => ({
  items: (scope) => roleEligibilitySchedules(ctx.state, ctx.now, scope),
  node: (e) => roleEligibilityScheduleNode(e, ctx.view),
});
const eligibilityInstances = (ctx: HandlerContext): ScopedSource<RoleEligibility> => ({
  items: (scope) => roleEligibilityInstances(ctx.state, ctx.now, scope),
  node: (e) => roleEligibilityInstanceNode(e, ctx.view),
});
const assignmentSchedules = (ctx: HandlerContext): ScopedSource<RoleAssignmentRecord> => ({
  items: (scope) => roleAssignmentSchedules(ctx.state, ctx.now, scope),
  node: (r) => roleAssignmentScheduleNode(r, ctx.view),
});
const assignmentInstances = (ctx: HandlerContext, throughGroups: boolean): ScopedSource<RoleAssignmentRecord> => ({
  items: (scope) => roleAssignmentInstances(ctx.state, ctx.now, throughGroups, scope),
  node: (r) => roleAssignmentInstanceNode(r, ctx.view),
});

/** Role requests, oldest first (a stable sort, so one principal's keep the same relative order). */
const requests = (ctx: HandlerContext): ScopedSource<StoredRequest> => ({
  items: (scope) =>
    (scope.principalId !== undefined
      ? ctx.state.requests.by('principal', scope.principalId)
      : [...ctx.state.requests.values()]
    )
      .filter((r) => r.kind === 'role')
      .sort((a, b) => a.createdDateTime.getTime() - b.createdDateTime.getTime()),
  node: (r) => roleRequestNode(r, ctx.view),
});

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
          callersOwn(ctx, eligibilitySchedules(ctx)),
          functionContext('unifiedRoleEligibilitySchedule'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilitySchedules`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        const nodes = filterCandidates(ctx.req, eligibilitySchedules(ctx), ['principalId']);
        return collectionResponse(ctx.req, nodes, `${CTX}/roleEligibilitySchedules`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilitySchedules/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        const owners = ctx.state.tenant.index.roleEligibilitiesById.get(id);
        const node = ownedById(eligibilitySchedules(ctx), owners, id);
        return entityResponse(ctx.req, node, `${CTX}/roleEligibilitySchedules`);
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
          callersOwn(ctx, eligibilityInstances(ctx)),
          functionContext('unifiedRoleEligibilityScheduleInstance'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilityScheduleInstances`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        const nodes = filterCandidates(ctx.req, eligibilityInstances(ctx), ['principalId']);
        return collectionResponse(ctx.req, nodes, `${CTX}/roleEligibilityScheduleInstances`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleEligibilityScheduleInstances/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleEligibilityRead);
        const owners = ctx.state.tenant.index.roleEligibilitiesByInstanceId.get(id);
        const node = ownedById(eligibilityInstances(ctx), owners, id);
        return entityResponse(ctx.req, node, `${CTX}/roleEligibilityScheduleInstances`);
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
          callersOwn(ctx, assignmentSchedules(ctx)),
          functionContext('unifiedRoleAssignmentSchedule'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentSchedules`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        const nodes = filterCandidates(ctx.req, assignmentSchedules(ctx), ['principalId']);
        return collectionResponse(ctx.req, nodes, `${CTX}/roleAssignmentSchedules`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentSchedules/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        return entityResponse(ctx.req, byId(all(assignmentSchedules(ctx)), id), `${CTX}/roleAssignmentSchedules`);
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
          callersOwn(ctx, assignmentInstances(ctx, false)),
          functionContext('unifiedRoleAssignmentScheduleInstance'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleInstances`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        const nodes = filterCandidates(ctx.req, assignmentInstances(ctx, true), ['principalId']);
        return collectionResponse(ctx.req, nodes, `${CTX}/roleAssignmentScheduleInstances`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleInstances/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentScheduleRead);
        return entityResponse(
          ctx.req,
          byId(all(assignmentInstances(ctx, true)), id),
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
        const picked =
          which === 'approver'
            ? requestsForApprover(ctx.state, 'role', me, ctx.now)
            : ctx.state.requests.by('principal', me).filter((r) => r.kind === 'role');
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
        const nodes = filterCandidates(ctx.req, requests(ctx), ['principalId']);
        return collectionResponse(ctx.req, nodes, `${CTX}/roleAssignmentScheduleRequests`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/roleAssignmentScheduleRequests/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.roleAssignmentRequestGet);
        requireReaderRoleForRequest(ctx, ctx.state.request(id));
        const withId = ctx.state.requests.by('id', id).filter((r) => r.kind === 'role');
        return entityResponse(ctx.req, oneOf(requests(ctx), withId, id), `${CTX}/roleAssignmentScheduleRequests`);
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
