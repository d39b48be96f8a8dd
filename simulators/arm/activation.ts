import { newGuid } from '../graph/ids';
import { isJsonObject, type Json } from '../graph/json';
import { parseDuration } from '../graph/duration';
import type { ArmContext } from './context';
import { armErrors, type PolicyRuleName } from './errors';
import type { ArmEligibilityFixture } from './fixture';
import { effectivePolicy } from './policies';
import { isAtOrBelow, isGuid, lastSegment } from './scopes';
import type { StoredRequest, TicketInfo } from './state';

/**
 * PUT …/roleAssignmentScheduleRequests/{name} and POST …/{name}/validate for SelfActivate and
 * SelfDeactivate (ARM-PIM.md §3.3, §3.4, §5, §6; the order of checks is the simulator's, FIDELITY.md).
 */

/** Deactivation is refused within 5 minutes of activation (ARM-PIM.md §3.3). */
const MIN_ACTIVE_MS = 5 * 60_000;

/** The spec's RequestType values, compared exactly (case-sensitivity of ARM's enum parsing is UNVERIFIED). */
const REQUEST_TYPES = [
  'AdminAssign',
  'AdminRemove',
  'AdminUpdate',
  'AdminExtend',
  'AdminRenew',
  'SelfActivate',
  'SelfDeactivate',
  'SelfExtend',
  'SelfRenew',
];

interface RequestInput {
  principalId: string;
  roleGuid: string;
  requestType: string;
  linkedEligibility?: string;
  start?: string;
  expirationType?: string;
  duration?: string | null;
  endDateTime?: string | null;
  justification?: string;
  ticketInfo?: TicketInfo;
}

function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseInput(ctx: ArmContext): RequestInput {
  const props = isJsonObject(ctx.body) ? ctx.body.properties : undefined;
  if (!isJsonObject(props)) throw armErrors.unreadableBody();
  const missing = ['roleDefinitionId', 'principalId', 'requestType'].filter((k) => typeof props[k] !== 'string');
  if (missing.length > 0)
    throw armErrors.badRequest(`The request is missing required properties: ${missing.join(', ')}.`);
  const schedule = isJsonObject(props.scheduleInfo) ? props.scheduleInfo : {};
  const expiration = isJsonObject(schedule.expiration) ? schedule.expiration : undefined;
  const ticket = isJsonObject(props.ticketInfo) ? props.ticketInfo : undefined;
  return {
    principalId: String(props.principalId),
    roleGuid: lastSegment(String(props.roleDefinitionId)),
    requestType: String(props.requestType),
    linkedEligibility: str(props.linkedRoleEligibilityScheduleId),
    start: str(schedule.startDateTime),
    expirationType: str(expiration?.type),
    duration: expiration ? (str(expiration.duration) ?? null) : undefined,
    endDateTime: expiration ? (str(expiration.endDateTime) ?? null) : undefined,
    justification: str(props.justification),
    ticketInfo: ticket ? { ticketNumber: str(ticket.ticketNumber), ticketSystem: str(ticket.ticketSystem) } : undefined,
  };
}

/** Runs every check and returns the request as it would be stored; `persist` false for /validate. */
export function submitRequest(ctx: ArmContext, name: string, persist: boolean): StoredRequest {
  const { state, caller, now, scope } = ctx;
  if (!isGuid(name)) throw armErrors.invalidRequestName(name);
  const existing = state.requests.get(name.toLowerCase());
  const fingerprint = JSON.stringify(ctx.body ?? null);
  if (persist && existing) {
    // Same name, same body: a client's retry, answered with the request already made (UNVERIFIED: FIDELITY.md).
    if (existing.fingerprint === fingerprint && existing.scope.toLowerCase() === scope.toLowerCase()) return existing;
    throw armErrors.badRequest(`A request named '${name}' already exists with different content.`);
  }
  const input = parseInput(ctx);
  if (!REQUEST_TYPES.includes(input.requestType)) {
    throw armErrors.badRequest(
      `The requestType '${input.requestType}' is not valid. Valid values: ${REQUEST_TYPES.join(', ')}.`,
    );
  }
  if (input.requestType !== 'SelfActivate' && input.requestType !== 'SelfDeactivate') {
    throw armErrors.notImplemented(`requestType '${input.requestType}'`);
  }
  if (caller.kind !== 'user' || caller.objectId.toLowerCase() !== input.principalId.toLowerCase()) {
    throw armErrors.authorizationFailed(
      caller.objectId,
      'Microsoft.Authorization/roleAssignmentScheduleRequests/write',
      scope,
    );
  }
  if (!state.fixture.roleDefinitions.some((r) => r.id.toLowerCase() === input.roleGuid.toLowerCase())) {
    throw armErrors.roleDefinitionDoesNotExist(input.roleGuid);
  }
  const base = {
    name: name.toLowerCase(),
    scope,
    principalId: input.principalId,
    requestorId: caller.objectId,
    roleDefinitionId: input.roleGuid,
    createdOn: now,
    startDateTime: now,
    fingerprint,
    ...(input.justification ? { justification: input.justification } : {}),
    ...(input.ticketInfo ? { ticketInfo: input.ticketInfo } : {}),
  };
  const request =
    input.requestType === 'SelfActivate'
      ? activate(ctx, input, base)
      : deactivate(ctx, input, {
          ...base,
          requestType: 'SelfDeactivate',
          duration: null,
          endDateTime: null,
          status: 'Revoked',
        });
  if (persist) commit(ctx, request);
  return request;
}

function eligibilityOf(ctx: ArmContext, input: RequestInput): ArmEligibilityFixture | undefined {
  const linked = input.linkedEligibility ? lastSegment(input.linkedEligibility).toLowerCase() : undefined;
  return ctx.state
    .eligibilitiesAt(ctx.now)
    .find(
      (e) =>
        e.principalId.toLowerCase() === input.principalId.toLowerCase() &&
        e.roleDefinitionId.toLowerCase() === input.roleGuid.toLowerCase() &&
        isAtOrBelow(ctx.scope, e.scope) &&
        (linked === undefined || e.id.toLowerCase() === linked),
    );
}

function activate(
  ctx: ArmContext,
  input: RequestInput,
  base: Omit<StoredRequest, 'requestType' | 'status' | 'duration' | 'endDateTime'>,
): StoredRequest {
  const { state, caller, now, scope } = ctx;
  const eligibility = eligibilityOf(ctx, input);
  if (!eligibility) throw armErrors.policyValidationFailed(['EligibilityRule']);
  if (
    state.activeFor(input.principalId, input.roleGuid, scope, now) ||
    state.pendingFor(input.principalId, input.roleGuid, scope)
  ) {
    throw armErrors.assignmentExists();
  }
  const policy = effectivePolicy(state.fixture, scope, input.roleGuid);
  if (policy.authenticationContext && !caller.acrs.includes(policy.authenticationContext)) {
    throw armErrors.acrsValidationFailed(policy.authenticationContext);
  }
  const start = input.start ? new Date(input.start) : now;
  if (Number.isNaN(start.getTime())) throw armErrors.badRequest(`The startDateTime '${input.start}' is not valid.`);
  const maxMs = parseDuration(policy.maximumDuration) ?? 0;
  let durationMs: number | null = null;
  if (input.expirationType === 'AfterDuration') durationMs = input.duration ? parseDuration(input.duration) : null;
  else if (input.expirationType === 'AfterDateTime' && input.endDateTime) {
    durationMs = new Date(input.endDateTime).getTime() - start.getTime();
  }
  const failed: PolicyRuleName[] = [];
  if (durationMs === null || Number.isNaN(durationMs) || durationMs <= 0 || durationMs > maxMs)
    failed.push('ExpirationRule');
  if (policy.enabledRules.includes('MultiFactorAuthentication') && !caller.amr.includes('mfa')) failed.push('MfaRule');
  if (policy.enabledRules.includes('Justification') && !input.justification?.trim()) failed.push('JustificationRule');
  if (policy.enabledRules.includes('Ticketing') && !input.ticketInfo?.ticketNumber?.trim())
    failed.push('TicketingRule');
  if (failed.length > 0) throw armErrors.policyValidationFailed(failed);
  const needsApproval = (policy.approverIds ?? []).length > 0;
  return {
    ...base,
    requestType: 'SelfActivate',
    status: needsApproval ? 'PendingApproval' : 'Provisioned',
    startDateTime: start,
    duration: input.expirationType === 'AfterDuration' ? (input.duration ?? null) : null,
    endDateTime: new Date(start.getTime() + (durationMs ?? 0)),
    linkedEligibilityId: eligibility.id,
    ...(needsApproval ? { approvalId: newGuid() } : { activationId: newGuid() }),
  };
}

function deactivate(ctx: ArmContext, input: RequestInput, request: StoredRequest): StoredRequest {
  const active = ctx.state.activeFor(input.principalId, input.roleGuid, ctx.scope, ctx.now);
  if (active?.assignmentType !== 'Activated') throw armErrors.assignmentDoesNotExist();
  if (ctx.now.getTime() - active.start.getTime() < MIN_ACTIVE_MS) throw armErrors.activeDurationTooShort();
  return { ...request, activationId: active.id, linkedEligibilityId: active.linkedEligibilityId };
}

function commit(ctx: ArmContext, r: StoredRequest): void {
  const { state, now } = ctx;
  state.requests.set(r.name, r);
  if (r.requestType === 'SelfDeactivate') {
    const active = state.activations.find((a) => a.id === r.activationId);
    if (active) active.revokedAt = now;
    return;
  }
  if (r.approvalId) {
    const policy = effectivePolicy(state.fixture, r.scope, r.roleDefinitionId);
    state.approvals.set(r.approvalId, {
      id: r.approvalId,
      requestName: r.name,
      stages: [
        {
          id: newGuid(),
          approverIds: [...(policy.approverIds ?? [])],
          status: 'InProgress',
          reviewResult: 'NotReviewed',
        },
      ],
    });
    return;
  }
  provision(ctx, r, r.startDateTime);
}

/** The active assignment an approved or unconditioned activation creates, for its duration from `start`. */
export function provision(ctx: Pick<ArmContext, 'state'>, r: StoredRequest, start: Date): void {
  const length = (r.endDateTime?.getTime() ?? start.getTime()) - r.startDateTime.getTime();
  r.activationId ??= newGuid();
  r.status = 'Provisioned';
  ctx.state.activations.push({
    id: r.activationId,
    principalId: r.principalId,
    roleDefinitionId: r.roleDefinitionId,
    scope: r.scope,
    start,
    end: new Date(start.getTime() + length),
    assignmentType: 'Activated',
    requestName: r.name,
    linkedEligibilityId: r.linkedEligibilityId,
  });
}

/** /validate's answer: what the request would be, never stored (ARM-PIM.md §3.4). */
export function validationView(r: StoredRequest): StoredRequest {
  const { activationId: _a, approvalId: _b, ...rest } = r;
  return { ...rest, status: r.approvalId ? 'PendingEvaluation' : 'Granted' };
}
