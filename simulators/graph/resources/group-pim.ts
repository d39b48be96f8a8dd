import { cancelRequest, submitRequest } from '../activations';
import { requestsForApprover } from '../approvers';
import { filterByCurrentUserOn, filterByCurrentUserValues, functionContext, type HandlerContext } from '../context';
import {
  groupAssignmentInstanceNode,
  groupAssignmentScheduleNode,
  groupEligibilityInstanceNode,
  groupEligibilityScheduleNode,
  groupRequestNode,
} from '../entities';
import { graphErrors } from '../errors';
import { jsonBody, noContent, queryOption } from '../http';
import { sameId } from '../ids';
import { collectionResponse, type EntityNode, entityResponse } from '../odata/query';
import { Permissions, requireDelegated, requirePimPermission } from '../permissions';
import type { Route } from '../router';
import {
  groupAssignmentInstances,
  groupAssignmentSchedules,
  groupEligibilityInstances,
  groupEligibilitySchedules,
} from '../views';

const BASE = '/identityGovernance/privilegedAccess/group';
const CTX = 'identityGovernance/privilegedAccess/group';

function byId(nodes: EntityNode[], id: string): EntityNode {
  const node = nodes.find((n) => sameId(String(n.json.id), id));
  if (!node) throw graphErrors.pimNotFound();
  return node;
}

function mine(ctx: HandlerContext, nodes: EntityNode[]): EntityNode[] {
  return nodes.filter((n) => sameId(String(n.json.principalId), ctx.caller.objectId));
}

const eligibilitySchedules = (ctx: HandlerContext): EntityNode[] =>
  groupEligibilitySchedules(ctx.state, ctx.now).map((e) => groupEligibilityScheduleNode(e, ctx.view));
const eligibilityInstances = (ctx: HandlerContext): EntityNode[] =>
  groupEligibilityInstances(ctx.state, ctx.now).map((e) => groupEligibilityInstanceNode(e, ctx.view));
const assignmentSchedules = (ctx: HandlerContext): EntityNode[] =>
  groupAssignmentSchedules(ctx.state, ctx.now).map((r) => groupAssignmentScheduleNode(r, ctx.view));
const assignmentInstances = (ctx: HandlerContext): EntityNode[] =>
  groupAssignmentInstances(ctx.state, ctx.now).map((r) => groupAssignmentInstanceNode(r, ctx.view));

function requests(ctx: HandlerContext): EntityNode[] {
  return [...ctx.state.requests.values()]
    .filter((r) => r.kind === 'group')
    .sort((a, b) => a.createdDateTime.getTime() - b.createdDateTime.getTime())
    .map((r) => groupRequestNode(r, ctx.view));
}

interface ReadSet {
  segment: string;
  typeName: string;
  permissions: readonly string[];
  nodes: (ctx: HandlerContext) => EntityNode[];
}

/**
 * PIM for Groups lists require `$filter` on groupId or principalId (DOCS
 * api-reference/v1.0/api/privilegedaccessgroup-list-assignmentschedulerequests.md and siblings); without it
 * real tenants answer an empty page rather than everything (FIDELITY.md).
 */
function hasGroupOrPrincipalFilter(ctx: HandlerContext): boolean {
  const filter = queryOption(ctx.req, 'filter') ?? '';
  return /\b(groupId|principalId)\s+eq\s+'/i.test(filter);
}

/** list, filterByCurrentUser(on='principal') and /{id} for one read-only PIM for Groups collection. */
function readRoutes(set: ReadSet): Route<HandlerContext>[] {
  return [
    {
      method: 'GET',
      path: `${BASE}/${set.segment}/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, set.permissions);
        filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.schedulesAndInstances);
        return collectionResponse(ctx.req, mine(ctx, set.nodes(ctx)), functionContext(set.typeName));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/${set.segment}`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, set.permissions);
        const nodes = hasGroupOrPrincipalFilter(ctx) ? set.nodes(ctx) : [];
        return collectionResponse(ctx.req, nodes, `${CTX}/${set.segment}`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/${set.segment}/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, set.permissions);
        return entityResponse(ctx.req, byId(set.nodes(ctx), id), `${CTX}/${set.segment}`);
      },
    },
  ];
}

/** PIM for Groups (v1.0 under /identityGovernance/privilegedAccess/group). */
export function groupPimRoutes(): Route<HandlerContext>[] {
  return [
    ...readRoutes({
      segment: 'eligibilitySchedules',
      typeName: 'privilegedAccessGroupEligibilitySchedule',
      permissions: Permissions.groupEligibilityRead,
      nodes: eligibilitySchedules,
    }),
    ...readRoutes({
      segment: 'eligibilityScheduleInstances',
      typeName: 'privilegedAccessGroupEligibilityScheduleInstance',
      permissions: Permissions.groupEligibilityRead,
      nodes: eligibilityInstances,
    }),
    ...readRoutes({
      segment: 'assignmentSchedules',
      typeName: 'privilegedAccessGroupAssignmentSchedule',
      permissions: Permissions.groupAssignmentRead,
      nodes: assignmentSchedules,
    }),
    ...readRoutes({
      segment: 'assignmentScheduleInstances',
      typeName: 'privilegedAccessGroupAssignmentScheduleInstance',
      permissions: Permissions.groupAssignmentRead,
      nodes: assignmentInstances,
    }),
    {
      method: 'GET',
      path: `${BASE}/assignmentScheduleRequests/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, Permissions.groupAssignmentRead);
        const which = filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.groupAssignmentRequests);
        const me = ctx.caller.objectId;
        const stored = [...ctx.state.requests.values()].filter((r) => r.kind === 'group');
        const picked =
          which === 'approver'
            ? requestsForApprover(ctx.state, 'group', me, ctx.now)
            : stored.filter((r) => sameId(which === 'principal' ? r.principalId : r.createdById, me));
        return collectionResponse(
          ctx.req,
          picked.map((r) => groupRequestNode(r, ctx.view)),
          functionContext('privilegedAccessGroupAssignmentScheduleRequest'),
        );
      },
    },
    {
      method: 'GET',
      path: `${BASE}/assignmentScheduleRequests`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.groupAssignmentRead);
        const nodes = hasGroupOrPrincipalFilter(ctx) ? requests(ctx) : [];
        return collectionResponse(ctx.req, nodes, `${CTX}/assignmentScheduleRequests`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/assignmentScheduleRequests/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.groupAssignmentRead);
        return entityResponse(ctx.req, byId(requests(ctx), id), `${CTX}/assignmentScheduleRequests`);
      },
    },
    {
      method: 'POST',
      path: `${BASE}/assignmentScheduleRequests`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, Permissions.groupAssignmentWrite);
        requireDelegated(ctx.caller, 'Self-service activation and deactivation');
        const { request, status } = submitRequest(ctx.service, 'group', jsonBody(ctx.req));
        return entityResponse(
          ctx.req,
          groupRequestNode(request, ctx.view, status),
          `${CTX}/assignmentScheduleRequests`,
          201,
        );
      },
    },
    {
      method: 'POST',
      path: `${BASE}/assignmentScheduleRequests/{id}/cancel`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.groupAssignmentWrite);
        requireDelegated(ctx.caller, 'Canceling a request');
        cancelRequest(ctx.service, 'group', id);
        return noContent();
      },
    },
  ];
}
