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
import { jsonBody, noContent, queryOption } from '../http';
import { collectionResponse, entityResponse } from '../odata/query';
import { Permissions, requireDelegated, requirePimPermission } from '../permissions';
import type { Route } from '../router';
import type { GroupEligibility } from '../fixture-loader';
import { filterCandidates, type ScopedSource } from '../filter-scope';
import type { StoredRequest } from '../state';
import { all, byId, callersOwn, oneOf, ownedById } from './scoped-reads';
import {
  type GroupAssignmentRecord,
  groupAssignmentInstances,
  groupAssignmentSchedules,
  groupEligibilityInstances,
  groupEligibilitySchedules,
} from '../views';

const BASE = '/identityGovernance/privilegedAccess/group';
const CTX = 'identityGovernance/privilegedAccess/group';

const eligibilitySchedules = (ctx: HandlerContext): ScopedSource<GroupEligibility> => ({
  items: (scope) => groupEligibilitySchedules(ctx.state, ctx.now, scope),
  node: (e) => groupEligibilityScheduleNode(e, ctx.view),
});
const eligibilityInstances = (ctx: HandlerContext): ScopedSource<GroupEligibility> => ({
  items: (scope) => groupEligibilityInstances(ctx.state, ctx.now, scope),
  node: (e) => groupEligibilityInstanceNode(e, ctx.view),
});
const assignmentSchedules = (ctx: HandlerContext): ScopedSource<GroupAssignmentRecord> => ({
  items: (scope) => groupAssignmentSchedules(ctx.state, ctx.now, scope),
  node: (r) => groupAssignmentScheduleNode(r, ctx.view),
});
const assignmentInstances = (ctx: HandlerContext): ScopedSource<GroupAssignmentRecord> => ({
  items: (scope) => groupAssignmentInstances(ctx.state, ctx.now, scope),
  node: (r) => groupAssignmentInstanceNode(r, ctx.view),
});

/** Group requests, oldest first (a stable sort, so one principal's or group's keep their relative order). */
const requests = (ctx: HandlerContext): ScopedSource<StoredRequest> => ({
  items: (scope) =>
    (scope.principalId !== undefined
      ? ctx.state.requests.by('principal', scope.principalId)
      : scope.groupId !== undefined
        ? ctx.state.requests.by('group', scope.groupId)
        : [...ctx.state.requests.values()]
    )
      .filter((r) => r.kind === 'group')
      .sort((a, b) => a.createdDateTime.getTime() - b.createdDateTime.getTime()),
  node: (r) => groupRequestNode(r, ctx.view),
});

/** Every PIM for Groups collection is filterable on both (and needs one: hasGroupOrPrincipalFilter). */
const SCOPE_KEYS = ['principalId', 'groupId'] as const;

interface ReadSet<T> {
  segment: string;
  typeName: string;
  permissions: readonly string[];
  source: (ctx: HandlerContext) => ScopedSource<T>;
  /** GET /{id}: the entities with this id, when an index can tell (else the whole view is read). */
  withId?: (ctx: HandlerContext, id: string) => readonly T[];
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
function readRoutes<T extends { principalId: string }>(set: ReadSet<T>): Route<HandlerContext>[] {
  return [
    {
      method: 'GET',
      path: `${BASE}/${set.segment}/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, set.permissions);
        filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.schedulesAndInstances);
        return collectionResponse(ctx.req, callersOwn(ctx, set.source(ctx)), functionContext(set.typeName));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/${set.segment}`,
      handler: (ctx) => {
        requirePimPermission(ctx.caller, set.permissions);
        const nodes = hasGroupOrPrincipalFilter(ctx) ? filterCandidates(ctx.req, set.source(ctx), SCOPE_KEYS) : [];
        return collectionResponse(ctx.req, nodes, `${CTX}/${set.segment}`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/${set.segment}/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, set.permissions);
        const node = set.withId ? ownedById(set.source(ctx), set.withId(ctx, id), id) : byId(all(set.source(ctx)), id);
        return entityResponse(ctx.req, node, `${CTX}/${set.segment}`);
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
      source: eligibilitySchedules,
      withId: (ctx, id) => ctx.state.tenant.index.groupEligibilitiesById.get(id),
    }),
    ...readRoutes({
      segment: 'eligibilityScheduleInstances',
      typeName: 'privilegedAccessGroupEligibilityScheduleInstance',
      permissions: Permissions.groupEligibilityRead,
      source: eligibilityInstances,
      withId: (ctx, id) => ctx.state.tenant.index.groupEligibilitiesByInstanceId.get(id),
    }),
    ...readRoutes({
      segment: 'assignmentSchedules',
      typeName: 'privilegedAccessGroupAssignmentSchedule',
      permissions: Permissions.groupAssignmentRead,
      source: assignmentSchedules,
    }),
    ...readRoutes({
      segment: 'assignmentScheduleInstances',
      typeName: 'privilegedAccessGroupAssignmentScheduleInstance',
      permissions: Permissions.groupAssignmentRead,
      source: assignmentInstances,
    }),
    {
      method: 'GET',
      path: `${BASE}/assignmentScheduleRequests/filterByCurrentUser(on='{on}')`,
      handler: (ctx, { on = '' }) => {
        requirePimPermission(ctx.caller, Permissions.groupAssignmentRead);
        const which = filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.groupAssignmentRequests);
        const me = ctx.caller.objectId;
        const picked =
          which === 'approver'
            ? requestsForApprover(ctx.state, 'group', me, ctx.now)
            : ctx.state.requests
                .by(which === 'principal' ? 'principal' : 'createdBy', me)
                .filter((r) => r.kind === 'group');
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
        const nodes = hasGroupOrPrincipalFilter(ctx) ? filterCandidates(ctx.req, requests(ctx), SCOPE_KEYS) : [];
        return collectionResponse(ctx.req, nodes, `${CTX}/assignmentScheduleRequests`);
      },
    },
    {
      method: 'GET',
      path: `${BASE}/assignmentScheduleRequests/{id}`,
      handler: (ctx, { id = '' }) => {
        requirePimPermission(ctx.caller, Permissions.groupAssignmentRead);
        const withId = ctx.state.requests.by('id', id).filter((r) => r.kind === 'group');
        return entityResponse(ctx.req, oneOf(requests(ctx), withId, id), `${CTX}/assignmentScheduleRequests`);
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
