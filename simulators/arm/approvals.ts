import { isJsonObject } from '../graph/json';
import { provision } from './activation';
import type { ArmContext, ArmResponse } from './context';
import { approvalJson, stageJson } from './entities';
import { armErrors } from './errors';
import { isAtOrBelow } from './scopes';
import type { Approval, StoredRequest } from './state';

/**
 * roleAssignmentApprovals (api-version 2021-01-01-preview, ARM-PIM.md §4): list mine, read with stages,
 * decide a stage. One stage per approval (the simulator models SingleStage policies only).
 */

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function requestOf(ctx: ArmContext, approval: Approval): StoredRequest | undefined {
  return ctx.state.requests.get(approval.requestName);
}

function isApprover(approval: Approval, userId: string): boolean {
  return approval.stages.some((s) => s.approverIds.some((id) => sameId(id, userId)));
}

/** Visible to the caller: an approver, the requestor or the target (asApprover / asCreatedBy / asTarget). */
function visible(ctx: ArmContext, approval: Approval): boolean {
  const r = requestOf(ctx, approval);
  const me = ctx.caller.objectId;
  return isApprover(approval, me) || (r !== undefined && (sameId(r.requestorId, me) || sameId(r.principalId, me)));
}

function approvalById(ctx: ArmContext, id: string): Approval {
  const approval = ctx.state.approvals.get(id.toLowerCase());
  const r = approval ? requestOf(ctx, approval) : undefined;
  if (!approval || !r || !visible(ctx, approval) || !isAtOrBelow(r.scope, ctx.scope)) {
    throw armErrors.notFound('RoleAssignmentApproval', id);
  }
  return approval;
}

export function listApprovals(ctx: ArmContext): ArmResponse {
  const filter = (ctx.query.get('$filter') ?? '').trim();
  const me = ctx.caller.objectId;
  const pick: Record<string, (a: Approval, r: StoredRequest) => boolean> = {
    'asApprover()': (a, r) => isApprover(a, me) && r.status === 'PendingApproval',
    'asCreatedBy()': (_a, r) => sameId(r.requestorId, me),
    'asTarget()': (_a, r) => sameId(r.principalId, me),
  };
  const test = pick[filter];
  if (!test) throw armErrors.invalidFilter(filter);
  const value = [...ctx.state.approvals.values()]
    .filter((a) => {
      const r = requestOf(ctx, a);
      return r !== undefined && isAtOrBelow(r.scope, ctx.scope) && test(a, r);
    })
    .map((a) => approvalJson(ctx.state, a, me));
  return { status: 200, body: { value } };
}

export function getApproval(ctx: ArmContext, id: string): ArmResponse {
  return { status: 200, body: approvalJson(ctx.state, approvalById(ctx, id), ctx.caller.objectId) };
}

export function listStages(ctx: ArmContext, id: string): ArmResponse {
  const approval = approvalById(ctx, id);
  return {
    status: 200,
    body: { value: approval.stages.map((s) => stageJson(ctx.state, approval, s, ctx.caller.objectId)) },
  };
}

export function getStage(ctx: ArmContext, id: string, stageId: string): ArmResponse {
  const approval = approvalById(ctx, id);
  const stage = approval.stages.find((s) => sameId(s.id, stageId));
  if (!stage) throw armErrors.notFound('RoleAssignmentApprovalStage', stageId);
  return { status: 200, body: stageJson(ctx.state, approval, stage, ctx.caller.objectId) };
}

/**
 * PUT/PATCH a stage: `{reviewResult, justification}` at the top level as the spec has it, or wrapped in
 * `properties` as one Learn page shows (ARM-PIM.md §4: UNVERIFIED which ARM insists on). Both by default;
 * `stageBodyForm` (control API) makes the simulator insist on one, so clients can be tested against either.
 */
export function decideStage(ctx: ArmContext, id: string, stageId: string): ArmResponse {
  const approval = approvalById(ctx, id);
  const stage = approval.stages.find((s) => sameId(s.id, stageId));
  if (!stage) throw armErrors.notFound('RoleAssignmentApprovalStage', stageId);
  const me = ctx.caller.objectId;
  const r = requestOf(ctx, approval);
  if (ctx.caller.kind !== 'user' || !stage.approverIds.some((a) => sameId(a, me)) || (r && sameId(r.principalId, me))) {
    throw armErrors.authorizationFailed(
      me,
      'Microsoft.Authorization/roleAssignmentApprovals/stages/write',
      approval.id,
    );
  }
  const outer = isJsonObject(ctx.body) ? ctx.body : undefined;
  const wrapped = outer !== undefined && isJsonObject(outer.properties);
  const form = ctx.state.stageBodyForm;
  const body = (form === 'either' && wrapped) || form === 'wrapped' ? (wrapped ? outer?.properties : undefined) : outer;
  const result = isJsonObject(body) ? body.reviewResult : undefined;
  if (result !== 'Approve' && result !== 'Deny') {
    throw armErrors.badRequest("The reviewResult must be 'Approve' or 'Deny'.");
  }
  if (stage.status !== 'InProgress' || !r || r.status !== 'PendingApproval') throw armErrors.stageNotInProgress();
  stage.status = 'Completed';
  stage.reviewResult = result;
  stage.reviewedBy = me;
  stage.reviewedDateTime = ctx.now;
  if (isJsonObject(body) && typeof body.justification === 'string') stage.justification = body.justification;
  if (result === 'Deny') r.status = 'Denied';
  else provision(ctx, r, ctx.now);
  return { status: 200, body: stageJson(ctx.state, approval, stage, me) };
}

/** POST …/roleAssignmentScheduleRequests/{name}/cancel: the requestor withdraws a pending request; 200, no body. */
export function cancelRequest(ctx: ArmContext, name: string): ArmResponse {
  const r = ctx.state.requests.get(name.toLowerCase());
  if (!r || !isAtOrBelow(r.scope, ctx.scope) || r.scope.toLowerCase() !== ctx.scope.toLowerCase()) {
    throw armErrors.notFound('RoleAssignmentScheduleRequest', name);
  }
  if (!sameId(r.requestorId, ctx.caller.objectId)) {
    throw armErrors.authorizationFailed(
      ctx.caller.objectId,
      'Microsoft.Authorization/roleAssignmentScheduleRequests/cancel/action',
      ctx.scope,
    );
  }
  if (r.status !== 'PendingApproval') throw armErrors.notPending(name);
  r.status = 'Canceled';
  const approval = r.approvalId ? ctx.state.approvals.get(r.approvalId) : undefined;
  for (const s of approval?.stages ?? []) if (s.status === 'InProgress') s.status = 'Completed';
  return { status: 200 };
}
