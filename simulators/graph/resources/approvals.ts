import { decideApproval } from '../activations';
import { requestsForApprover } from '../approvers';
import { filterByCurrentUserOn, filterByCurrentUserValues, functionContext, type HandlerContext } from '../context';
import { approvalNode, approvalStepNode } from '../entities';
import { graphErrors } from '../errors';
import { jsonBody, noContent } from '../http';
import { sameId } from '../ids';
import { collectionResponse, entityResponse } from '../odata/query';
import { Permissions, requireDelegated, requirePimPermission } from '../permissions';
import type { Route } from '../router';
import type { StoredRequest } from '../state';

type Kind = 'role' | 'group';

const FAMILY = {
  role: {
    base: '/roleManagement/directory/roleAssignmentApprovals',
    ctx: 'roleManagement/directory/roleAssignmentApprovals',
    read: Permissions.roleApprovalRead,
    write: Permissions.roleApprovalWrite,
  },
  group: {
    base: '/identityGovernance/privilegedAccess/group/assignmentApprovals',
    ctx: 'identityGovernance/privilegedAccess/group/assignmentApprovals',
    read: Permissions.groupApprovalRead,
    write: Permissions.groupApprovalWrite,
  },
} as const;

function approvalRequest(ctx: HandlerContext, kind: Kind, id: string): StoredRequest {
  const req = ctx.state.request(id);
  if (!req || req.kind !== kind || !req.approval) throw graphErrors.pimNotFound();
  return req;
}

function guard(ctx: HandlerContext, permissions: readonly string[]): void {
  requirePimPermission(ctx.caller, permissions);
  requireDelegated(ctx.caller, 'Approvals');
}

/** GET approval, its steps/stages, one step/stage, PATCH a decision; filterByCurrentUser. */
function approvalRoutes(kind: Kind, version: 'v1.0' | 'beta', child: 'steps' | 'stages'): Route<HandlerContext>[] {
  const f = FAMILY[kind];
  const versions = [version] as const;
  const stage = child === 'stages';
  return [
    {
      method: 'GET',
      path: `${f.base}/filterByCurrentUser(on='{on}')`,
      versions,
      handler: (ctx, { on = '' }) => {
        guard(ctx, f.read);
        filterByCurrentUserOn(ctx, on, filterByCurrentUserValues.approvals);
        const picked = requestsForApprover(ctx.state, kind, ctx.caller.objectId, ctx.now);
        const nodes = picked.map((r) => approvalNode(r, ctx.view, ctx.req.version));
        return collectionResponse(ctx.req, nodes, functionContext('approval'));
      },
    },
    {
      method: 'GET',
      path: `${f.base}/{id}`,
      versions,
      handler: (ctx, { id = '' }) => {
        guard(ctx, f.read);
        const req = approvalRequest(ctx, kind, id);
        const res = entityResponse(ctx.req, approvalNode(req, ctx.view, ctx.req.version), f.ctx);
        // The beta approval names the context of its contained steps too (DOCS
        // api-reference/beta/api/approval-get.md sample: "steps@odata.context").
        if (child === 'steps' && res.body && typeof res.body === 'object' && !Array.isArray(res.body)) {
          res.body = {
            ...res.body,
            'steps@odata.context': `${ctx.req.baseUrl}/${ctx.req.version}/$metadata#${f.ctx}('${req.id}')/steps`,
          };
        }
        return res;
      },
    },
    {
      method: 'GET',
      path: `${f.base}/{id}/${child}`,
      versions,
      handler: (ctx, { id = '' }) => {
        guard(ctx, f.read);
        const req = approvalRequest(ctx, kind, id);
        return collectionResponse(ctx.req, [approvalStepNode(req, ctx.view, stage)], `${f.ctx}('${req.id}')/${child}`);
      },
    },
    {
      method: 'GET',
      path: `${f.base}/{id}/${child}/{stepId}`,
      versions,
      handler: (ctx, { id = '', stepId = '' }) => {
        guard(ctx, f.read);
        const req = approvalRequest(ctx, kind, id);
        if (!sameId(req.approval?.stepId, stepId)) throw graphErrors.pimNotFound();
        return entityResponse(ctx.req, approvalStepNode(req, ctx.view, stage), `${f.ctx}('${req.id}')/${child}`);
      },
    },
    {
      method: 'PATCH',
      path: `${f.base}/{id}/${child}/{stepId}`,
      versions,
      handler: (ctx, { id = '', stepId = '' }) => {
        guard(ctx, f.write);
        decideApproval(ctx.service, kind, id, stepId, jsonBody(ctx.req));
        return noContent();
      },
    },
  ];
}

/**
 * Approvals (PIM-API.md §4): Entra roles only in beta (`steps`); groups in v1.0 (`stages`, and `/steps/`
 * accepted for PATCH as the v1.0 docs page shows) and in beta (`steps`).
 */
export function approvalRoutesAll(): Route<HandlerContext>[] {
  const v1StepsPatch: Route<HandlerContext> = {
    method: 'PATCH',
    path: `${FAMILY.group.base}/{id}/steps/{stepId}`,
    versions: ['v1.0'],
    handler: (ctx, { id = '', stepId = '' }) => {
      guard(ctx, FAMILY.group.write);
      decideApproval(ctx.service, 'group', id, stepId, jsonBody(ctx.req));
      return noContent();
    },
  };
  return [
    ...approvalRoutes('role', 'beta', 'steps'),
    ...approvalRoutes('group', 'v1.0', 'stages'),
    v1StepsPatch,
    ...approvalRoutes('group', 'beta', 'steps'),
  ];
}
