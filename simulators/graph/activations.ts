import { isApprover } from './approvers';
import { auditActivation, auditCancel, auditDeactivation, auditDecision } from './audit-events';
import type { Caller } from './auth';
import { parseDuration } from './duration';
import { GraphError, graphErrors } from './errors';
import type { ResolvedPolicy } from './fixture-loader';
import { newGuid, sameId, stableGuid } from './ids';
import { isJsonObject, type Json, type JsonObject } from './json';
import { type ActivationTarget, activeDurationTooShort, checkActivation, errorCodes } from './rules-engine';
import {
  type AccessId,
  MINIMUM_ACTIVE_MS,
  type RequestedSchedule,
  type SimState,
  type StoredActivation,
  type StoredRequest,
} from './state';

/**
 * The write side of PIM: schedule requests (selfActivate, selfDeactivate), cancel, approval decisions and
 * portal activations. Shared by Entra roles and PIM for Groups.
 */
export interface ServiceContext {
  state: SimState;
  now: Date;
  caller: Caller | null;
  requireCp1ForAcrs: boolean;
}

export interface SubmitResult {
  request: StoredRequest;
  /** The status the POST answers with (roles: 'Granted' even though a later GET shows 'Provisioned'; groups starting now: 'Provisioned'). */
  status: string;
}

const ACTIONS = [
  'adminAssign',
  'adminUpdate',
  'adminRemove',
  'selfActivate',
  'selfDeactivate',
  'adminExtend',
  'adminRenew',
  'selfExtend',
  'selfRenew',
  'unknownFutureValue',
] as const;
const EXPIRATION_TYPES = ['notSpecified', 'noExpiration', 'afterDateTime', 'afterDuration'] as const;

function optionalString(body: JsonObject, name: string): string | null {
  const v = body[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string')
    throw graphErrors.badRequest(
      `Cannot convert the literal '${JSON.stringify(v)}' to the expected type 'Edm.String'.`,
    );
  return v;
}

function requiredString(body: JsonObject, name: string): string {
  const v = optionalString(body, name);
  if (v === null || v.trim() === '') throw graphErrors.badRequest(`The property '${name}' is required.`);
  return v;
}

function enumValue<T extends string>(value: Json | undefined, allowed: readonly T[], typeName: string): T {
  if (typeof value !== 'string') {
    throw graphErrors.badRequest(
      `Cannot convert the literal '${JSON.stringify(value ?? null)}' to the expected type '${typeName}'.`,
    );
  }
  // Graph accepts PascalCase ('AfterDuration', 'SelfActivate') as well as the spec's camelCase (PIM-API.md §8.2).
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw graphErrors.badRequest(`Requested value '${value}' was not found.`);
  return found;
}

function dateValue(value: Json | undefined, name: string): Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw graphErrors.badRequest(
      `Cannot convert the literal '${String(value)}' to the expected type 'Edm.DateTimeOffset' (property '${name}').`,
    );
  }
  return new Date(value);
}

interface ParsedRequest {
  action: 'selfActivate' | 'selfDeactivate';
  principalId: string;
  target: ActivationTarget;
  justification: string | null;
  ticketInfo: { ticketNumber: string | null; ticketSystem: string | null } | null;
  schedule: RequestedSchedule | null;
  isValidationOnly: boolean;
}

function parseSchedule(value: Json | undefined): RequestedSchedule | null {
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value))
    throw graphErrors.badRequest("Cannot convert the property 'scheduleInfo' to 'microsoft.graph.requestSchedule'.");
  const exp = value.expiration;
  if (exp !== undefined && exp !== null && !isJsonObject(exp)) {
    throw graphErrors.badRequest("Cannot convert the property 'expiration' to 'microsoft.graph.expirationPattern'.");
  }
  const duration = exp && isJsonObject(exp) ? exp.duration : undefined;
  if (duration !== undefined && duration !== null) {
    if (typeof duration !== 'string' || parseDuration(duration) === null) {
      throw graphErrors.badRequest(
        `Cannot convert the literal '${String(duration)}' to the expected type 'Edm.Duration'.`,
      );
    }
  }
  const type =
    exp && isJsonObject(exp) && exp.type !== undefined && exp.type !== null
      ? enumValue(exp.type, EXPIRATION_TYPES, 'microsoft.graph.expirationPatternType')
      : null;
  return {
    startDateTime: dateValue(value.startDateTime, 'startDateTime'),
    expirationType: type,
    duration: typeof duration === 'string' ? duration : null,
    endDateTime: exp && isJsonObject(exp) ? dateValue(exp.endDateTime, 'endDateTime') : null,
  };
}

function parseRequestBody(body: JsonObject, kind: 'role' | 'group'): ParsedRequest {
  if (body.action === undefined || body.action === null)
    throw graphErrors.badRequest("The property 'action' is required.");
  const action = enumValue(
    body.action,
    ACTIONS,
    kind === 'role' ? 'microsoft.graph.unifiedRoleScheduleRequestActions' : 'microsoft.graph.scheduleRequestActions',
  );
  if (action !== 'selfActivate' && action !== 'selfDeactivate') {
    throw graphErrors.notImplemented(
      `The Graph simulator implements only selfActivate and selfDeactivate, not '${action}'.`,
    );
  }
  const principalId = requiredString(body, 'principalId');
  let target: ActivationTarget;
  if (kind === 'role') {
    const roleDefinitionId = requiredString(body, 'roleDefinitionId');
    const directoryScopeId = optionalString(body, 'directoryScopeId');
    const appScopeId = optionalString(body, 'appScopeId');
    if (!directoryScopeId && !appScopeId) {
      throw graphErrors.badRequest('Either directoryScopeId or appScopeId must be specified.');
    }
    if (!directoryScopeId) throw graphErrors.notImplemented('The Graph simulator does not model appScopeId.');
    target = { kind: 'role', roleDefinitionId, directoryScopeId };
  } else {
    const groupId = requiredString(body, 'groupId');
    if (body.accessId === undefined || body.accessId === null)
      throw graphErrors.badRequest("The property 'accessId' is required.");
    const accessId = enumValue<AccessId>(
      body.accessId,
      ['member', 'owner'],
      'microsoft.graph.privilegedAccessGroupRelationships',
    );
    target = { kind: 'group', groupId, accessId };
  }
  const ticket = body.ticketInfo;
  if (ticket !== undefined && ticket !== null && !isJsonObject(ticket)) {
    throw graphErrors.badRequest("Cannot convert the property 'ticketInfo' to 'microsoft.graph.ticketInfo'.");
  }
  const isValidationOnly = body.isValidationOnly ?? false;
  if (typeof isValidationOnly !== 'boolean') {
    throw graphErrors.badRequest(
      `Cannot convert the literal '${String(isValidationOnly)}' to the expected type 'Edm.Boolean'.`,
    );
  }
  return {
    action,
    principalId,
    target,
    justification: optionalString(body, 'justification'),
    ticketInfo:
      ticket && isJsonObject(ticket)
        ? { ticketNumber: optionalString(ticket, 'ticketNumber'), ticketSystem: optionalString(ticket, 'ticketSystem') }
        : null,
    schedule: parseSchedule(body.scheduleInfo),
    isValidationOnly,
  };
}

/** Requested duration in ms; null when the expiration is missing, open-ended or incomplete. */
function requestedDuration(schedule: RequestedSchedule | null, start: Date): number | null {
  if (!schedule) return null;
  if (schedule.expirationType === 'afterDuration') return schedule.duration ? parseDuration(schedule.duration) : null;
  if (schedule.expirationType === 'afterDateTime') {
    return schedule.endDateTime ? schedule.endDateTime.getTime() - start.getTime() : null;
  }
  if (schedule.expirationType === null && schedule.duration) return parseDuration(schedule.duration);
  return null;
}

function requireTargetExists(ctx: ServiceContext, target: ActivationTarget): ResolvedPolicy | undefined {
  const tenant = ctx.state.tenant;
  if (target.kind === 'role') {
    if (!tenant.role(target.roleDefinitionId)) {
      throw new GraphError(
        400,
        'RoleDefinitionDoesNotExist',
        `The role definition '${target.roleDefinitionId}' does not exist.`,
      );
    }
    return tenant.policyForRole(target.roleDefinitionId);
  }
  if (!tenant.group(target.groupId)) {
    throw graphErrors.badRequest(`The group '${target.groupId}' does not exist or is not managed by PIM.`);
  }
  return tenant.policyForGroup(target.groupId, target.accessId);
}

function targetFields(
  target: ActivationTarget,
): Pick<StoredRequest, 'roleDefinitionId' | 'directoryScopeId' | 'groupId' | 'accessId'> {
  return target.kind === 'role'
    ? {
        roleDefinitionId: target.roleDefinitionId,
        directoryScopeId: target.directoryScopeId,
        groupId: null,
        accessId: null,
      }
    : { roleDefinitionId: null, directoryScopeId: null, groupId: target.groupId, accessId: target.accessId };
}

function scheduleIdFor(target: ActivationTarget, requestId: string): string {
  return target.kind === 'role' ? requestId : `${target.groupId}_${target.accessId}_${requestId}`;
}

function createActivation(state: SimState, req: StoredRequest, start: Date): StoredActivation {
  const activation: StoredActivation = {
    id: req.targetScheduleId,
    instanceId: stableGuid('assignment-instance', req.targetScheduleId),
    kind: req.kind,
    principalId: req.principalId,
    roleDefinitionId: req.roleDefinitionId,
    directoryScopeId: req.directoryScopeId,
    groupId: req.groupId,
    accessId: req.accessId,
    requestId: req.id,
    start,
    end: new Date(start.getTime() + req.durationMs),
    createdDateTime: start,
    revokedAt: null,
    eligibilityScheduleId: req.eligibilityScheduleId,
  };
  state.activations.set(activation.id, activation);
  return activation;
}

/** POST .../roleAssignmentScheduleRequests and .../group/assignmentScheduleRequests. */
export function submitRequest(ctx: ServiceContext, kind: 'role' | 'group', body: JsonObject): SubmitResult {
  const parsed = parseRequestBody(body, kind);
  const caller = ctx.caller;
  if (caller && !sameId(parsed.principalId, caller.objectId)) {
    throw graphErrors.forbidden(
      `${parsed.action} can only be requested for the signed-in user: principalId must be the caller's object id.`,
    );
  }
  const policy = requireTargetExists(ctx, parsed.target);
  return parsed.action === 'selfActivate' ? activate(ctx, parsed, policy) : deactivate(ctx, parsed);
}

function activate(ctx: ServiceContext, p: ParsedRequest, policy: ResolvedPolicy | undefined): SubmitResult {
  const { state, now, caller } = ctx;
  const start = p.schedule?.startDateTime ?? now;
  const durationMs = requestedDuration(p.schedule, start);
  const verdict = checkActivation(state, {
    principalId: p.principalId,
    target: p.target,
    durationMs,
    justification: p.justification,
    ticketNumber: p.ticketInfo?.ticketNumber ?? null,
    caller,
    policy,
    now,
    requireCp1ForAcrs: ctx.requireCp1ForAcrs,
  });
  const id = newGuid();
  const req: StoredRequest = {
    id,
    kind: p.target.kind,
    action: 'selfActivate',
    principalId: caller?.objectId ?? p.principalId,
    createdById: caller?.objectId ?? p.principalId,
    ...targetFields(p.target),
    justification: p.justification,
    ticketInfo: p.ticketInfo,
    scheduleInfo: p.schedule,
    start,
    durationMs: durationMs ?? 0,
    createdDateTime: now,
    targetScheduleId: scheduleIdFor(p.target, id),
    approval: null,
    canceledAt: null,
    eligibilityScheduleId: verdict.eligibilityScheduleId,
    isValidationOnly: p.isValidationOnly,
  };
  if (verdict.approvalRequired && !p.isValidationOnly) {
    req.approval = {
      id,
      stepId: stableGuid('approval-step', id),
      approvers: [...(policy?.activation.approvers ?? [])],
      approverJustificationRequired: policy?.activation.approverJustificationRequired ?? true,
      decision: null,
    };
  }
  // PIM for Groups answers a start-now selfActivate with Provisioned (DOCS api-reference/v1.0/api/
  // privilegedaccessgroup-post-assignmentschedulerequests.md sample); Entra roles answer Granted.
  const startsNow = p.target.kind === 'group' && start <= ctx.now;
  const status = verdict.approvalRequired ? 'PendingApproval' : startsNow ? 'Provisioned' : 'Granted';
  if (p.isValidationOnly) return { request: req, status };
  state.requests.set(id, req);
  auditActivation(state, req, req.approval ? undefined : createActivation(state, req, start));
  return { request: req, status };
}

/** The caller's active (started, not ended) activation of this target. */
function activeActivation(
  state: SimState,
  principalId: string,
  target: ActivationTarget,
  now: Date,
): StoredActivation | undefined {
  for (const a of state.activations.by('principal', principalId)) {
    if (a.kind !== target.kind || !sameId(a.principalId, principalId) || !state.isActive(a, now)) continue;
    if (target.kind === 'role' && sameId(a.roleDefinitionId, target.roleDefinitionId)) {
      if ((a.directoryScopeId ?? '/').toLowerCase() === target.directoryScopeId.toLowerCase()) return a;
    }
    if (target.kind === 'group' && sameId(a.groupId, target.groupId) && a.accessId === target.accessId) return a;
  }
  return undefined;
}

function deactivate(ctx: ServiceContext, p: ParsedRequest): SubmitResult {
  const { state, now } = ctx;
  const act = activeActivation(state, p.principalId, p.target, now);
  if (!act) throw new GraphError(400, errorCodes.assignmentDoesNotExist, 'The Role assignment does not exist.');
  // UNVERIFIED code: PIM refuses deactivation within 5 minutes of activation; the simulator answers with the
  // same code and message it uses for too-short activations.
  if (now.getTime() - act.start.getTime() < MINIMUM_ACTIVE_MS) throw activeDurationTooShort();
  const id = newGuid();
  const req: StoredRequest = {
    id,
    kind: p.target.kind,
    action: 'selfDeactivate',
    principalId: p.principalId,
    createdById: ctx.caller?.objectId ?? p.principalId,
    ...targetFields(p.target),
    justification: p.justification,
    ticketInfo: p.ticketInfo,
    scheduleInfo: p.schedule,
    start: now,
    durationMs: 0,
    createdDateTime: now,
    targetScheduleId: act.id,
    approval: null,
    canceledAt: null,
    eligibilityScheduleId: act.eligibilityScheduleId,
    isValidationOnly: p.isValidationOnly,
  };
  if (!p.isValidationOnly) {
    act.revokedAt = now;
    state.requests.set(id, req);
    auditDeactivation(state, req);
  }
  return { request: req, status: 'Revoked' };
}

/** POST .../{id}/cancel: only the requester, only while PendingApproval or Granted (not yet started). */
export function cancelRequest(ctx: ServiceContext, kind: 'role' | 'group', id: string): void {
  const { state, now, caller } = ctx;
  const req = state.request(id);
  if (!req || req.kind !== kind) throw graphErrors.pimNotFound();
  if (!caller || !sameId(req.createdById, caller.objectId)) {
    throw graphErrors.forbidden('Only the requestor can cancel a request.');
  }
  const { status } = state.requestStatus(req, now);
  if (status !== 'PendingApproval' && status !== 'Granted') {
    throw graphErrors.badRequest(`The request cannot be canceled because its status is '${status}'.`);
  }
  req.canceledAt = now;
  const act = state.activationForRequest(req.id);
  if (act && !act.revokedAt) act.revokedAt = now;
  auditCancel(state, req, now);
}

/** PATCH .../approvals/{id}/steps|stages/{stepId} with {reviewResult, justification}. */
export function decideApproval(
  ctx: ServiceContext,
  kind: 'role' | 'group',
  approvalId: string,
  stepId: string,
  body: JsonObject,
): void {
  const { state, now, caller } = ctx;
  const req = state.request(approvalId);
  const approval = req?.approval;
  if (!req || !approval || req.kind !== kind) throw graphErrors.pimNotFound();
  if (!sameId(approval.stepId, stepId)) throw graphErrors.pimNotFound();
  const reviewResult = body.reviewResult;
  if (typeof reviewResult !== 'string' || !['approve', 'deny'].includes(reviewResult.toLowerCase())) {
    throw graphErrors.badRequest("The property 'reviewResult' must be 'Approve' or 'Deny'.");
  }
  const justification = optionalString(body, 'justification');
  if (!caller) throw graphErrors.forbidden('Approvals require a signed-in approver.');
  // UNVERIFIED: "Approvers can't approve their own requests" (PIM-API.md §4); the simulator answers 403.
  if (sameId(req.principalId, caller.objectId) || sameId(req.createdById, caller.objectId)) {
    throw graphErrors.forbidden('The requestor cannot approve or deny their own request.');
  }
  if (!isApprover(state, approval, req.principalId, caller.objectId, now)) {
    throw graphErrors.forbidden('The caller is not an approver of this request.');
  }
  if (approval.decision) {
    throw graphErrors.conflict('The approval step has already been reviewed by another approver.');
  }
  if (!state.isPendingApproval(req, now)) {
    const { status } = state.requestStatus(req, now);
    throw graphErrors.conflict(`The approval is no longer in progress (request status '${status}').`);
  }
  if (approval.approverJustificationRequired && !justification?.trim()) {
    throw graphErrors.badRequest('Justification is required to approve or deny this request.');
  }
  const result = reviewResult.toLowerCase() === 'approve' ? 'Approve' : 'Deny';
  approval.decision = { result, reviewerId: caller.objectId, at: now, justification };
  // The activation runs from the approval (or the requested start, if later) for the requested duration.
  const activation =
    result === 'Approve'
      ? createActivation(state, req, new Date(Math.max(req.start.getTime(), now.getTime())))
      : undefined;
  auditDecision(state, req, caller.objectId, now, activation);
}

export interface PortalActivationInput {
  principalId: string;
  roleDefinitionId?: string;
  directoryScopeId?: string;
  groupId?: string;
  accessId?: AccessId;
  /** ISO 8601 duration, e.g. 'PT1H'. */
  duration: string;
  justification?: string;
  /** ISO date-time; default now. */
  startDateTime?: string;
}

/**
 * An activation "made in the portal": no token, no approval, no MFA/justification/ticket/auth-context checks
 * (the portal enforced them). Eligibility, overlap and duration limits still apply. Returns the request,
 * whose status reads 'Provisioned' (or 'Granted' when it starts later).
 */
export function portalActivation(state: SimState, input: PortalActivationInput): StoredRequest {
  const body: JsonObject = {
    action: 'selfActivate',
    principalId: input.principalId,
    justification: input.justification ?? null,
    scheduleInfo: {
      startDateTime: input.startDateTime ?? null,
      expiration: { type: 'afterDuration', duration: input.duration },
    },
  };
  const kind = input.groupId ? 'group' : 'role';
  if (kind === 'group') {
    body.groupId = input.groupId ?? null;
    body.accessId = input.accessId ?? 'member';
  } else {
    if (!input.roleDefinitionId) throw graphErrors.badRequest("Either 'roleDefinitionId' or 'groupId' is required.");
    body.roleDefinitionId = input.roleDefinitionId;
    body.directoryScopeId = input.directoryScopeId ?? '/';
  }
  const ctx: ServiceContext = { state, now: state.now(), caller: null, requireCp1ForAcrs: false };
  const result = submitRequest(ctx, kind, body);
  return result.request;
}
