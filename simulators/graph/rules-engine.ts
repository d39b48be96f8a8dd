import { approvalRequired as isApprovalRequired } from '../tenant/tenant-fixture';
import type { Caller } from './auth';
import { GraphError } from './errors';
import type { ResolvedPolicy } from './fixture-loader';
import { sameId } from './ids';
import { type AccessId, type AcrsForm, MINIMUM_ACTIVE_MS, type SimState } from './state';
import { activeGroupEligibility, activeRoleEligibility } from './views';

export type ActivationTarget =
  | { kind: 'role'; roleDefinitionId: string; directoryScopeId: string }
  | { kind: 'group'; groupId: string; accessId: AccessId };

export interface ActivationCheck {
  principalId: string;
  target: ActivationTarget;
  /** The requested duration; null when the request has no usable expiration. */
  durationMs: number | null;
  justification: string | null;
  ticketNumber: string | null;
  /** The token's caller; null for a portal activation (the user already satisfied the portal's checks). */
  caller: Caller | null;
  policy: ResolvedPolicy | undefined;
  now: Date;
  /** Also require `xms_cc` to contain cp1 for the auth-context rule (reported behaviour, UNVERIFIED). */
  requireCp1ForAcrs: boolean;
}

export interface ActivationVerdict {
  eligibilityScheduleId: string | null;
  approvalRequired: boolean;
}

export const errorCodes = {
  policyValidationFailed: 'RoleAssignmentRequestPolicyValidationFailed',
  activeDurationTooShort: 'ActiveDurationTooShort',
  assignmentExists: 'RoleAssignmentExists',
  assignmentDoesNotExist: 'RoleAssignmentDoesNotExist',
  /** UNVERIFIED: Graph's code for a duplicate pending request is not documented; chosen by the simulator. */
  pendingRequestExists: 'PendingRoleAssignmentRequest',
  acrsValidationFailed: 'RoleAssignmentRequestAcrsValidationFailed',
} as const;

/** Verbatim, typo included (DanielChronlund/DCToolbox#50). */
export const ACTIVE_DURATION_TOO_SHORT_MESSAGE = 'The Active duration is too short. Miniumum Required is 5 minutes.';

export function activeDurationTooShort(): GraphError {
  return new GraphError(400, errorCodes.activeDurationTooShort, ACTIVE_DURATION_TOO_SHORT_MESSAGE);
}

export function policyRulesFailed(rules: string[]): GraphError {
  return new GraphError(
    400,
    errorCodes.policyValidationFailed,
    `The following policy rules failed: ${JSON.stringify(rules)}`,
  );
}

/** The claims challenge Graph embeds in the message (raw JSON, note the space after the comma). */
export function acrsChallenge(claimValue: string): string {
  return `claims={"access_token":{"acrs":{"essential":true, "value":"${claimValue}"}}}`;
}

/** The authentication-context refusal in the form the simulator is set to (SimState.acrsForm). */
export function acrsRefusal(kind: 'role' | 'group', claimValue: string, form: AcrsForm): GraphError {
  const code = errorCodes.acrsValidationFailed;
  const encoded = `&claims=${encodeURIComponent(acrsChallenge(claimValue).slice('claims='.length))}`;
  switch (form) {
    case 'urlencoded':
      return new GraphError(400, code, encoded);
    case 'wrapped':
      return new GraphError(
        400,
        'UnknownError',
        JSON.stringify({
          errorCode: code,
          message: `The request failed validation. ${encoded}`,
          instanceAnnotations: [],
        }),
      );
    case 'noClaims':
      return new GraphError(400, code, 'The request failed validation.');
    default:
      return kind === 'role'
        ? new GraphError(400, code, `The request failed validation. ${code} ${acrsChallenge(claimValue)}`)
        : new GraphError(400, 'UnknownError', `${code} ${acrsChallenge(claimValue)}`);
  }
}

function sameTarget(
  target: ActivationTarget,
  x: {
    roleDefinitionId: string | null;
    directoryScopeId: string | null;
    groupId: string | null;
    accessId: AccessId | null;
  },
): boolean {
  if (target.kind === 'role') {
    return (
      sameId(x.roleDefinitionId, target.roleDefinitionId) &&
      (x.directoryScopeId ?? '/').toLowerCase() === target.directoryScopeId.toLowerCase()
    );
  }
  return sameId(x.groupId, target.groupId) && x.accessId === target.accessId;
}

/** A PIM request of this principal for this target still waiting for approval. */
export function hasPendingRequest(state: SimState, principalId: string, target: ActivationTarget, now: Date): boolean {
  for (const r of state.requests.by('principal', principalId)) {
    if (r.kind !== target.kind || r.action !== 'selfActivate' || !sameId(r.principalId, principalId)) continue;
    if (sameTarget(target, r) && state.isPendingApproval(r, now)) return true;
  }
  return false;
}

/** A permanent assignment, or an activation that has not ended (including one scheduled to start later). */
export function hasAssignment(state: SimState, principalId: string, target: ActivationTarget, now: Date): boolean {
  if (target.kind === 'role') {
    const permanent = state.tenant.index.roleAssignmentsByPrincipal
      .get(principalId)
      .some((a) => sameId(a.principalId, principalId) && sameTarget(target, { ...a, groupId: null, accessId: null }));
    if (permanent) return true;
  } else if (
    target.accessId === 'member' &&
    state.tenant.group(target.groupId)?.memberIds.some((m) => sameId(m, principalId))
  ) {
    return true;
  }
  for (const a of state.activations.by('principal', principalId)) {
    if (
      a.kind === target.kind &&
      sameId(a.principalId, principalId) &&
      sameTarget(target, a) &&
      state.isCurrent(a, now)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The activation checks of PIM-API.md §2 ("Effective activation checks") and §3, in this order:
 * 1. duration under 5 minutes → 400 ActiveDurationTooShort (alone);
 * 2. a pending request for the same principal and target → 400 PendingRoleAssignmentRequest;
 * 3. already assigned or active → 400 RoleAssignmentExists;
 * 4. policy rules, all failures listed together → 400 RoleAssignmentRequestPolicyValidationFailed
 *    ("EligibilityRule", "ExpirationRule", "MfaRule", "JustificationRule", "TicketingRule");
 * 5. authentication context → 400 RoleAssignmentRequestAcrsValidationFailed (roles) or UnknownError (groups).
 */
export function checkActivation(state: SimState, input: ActivationCheck): ActivationVerdict {
  const { target, principalId, now, policy, caller } = input;
  if (input.durationMs !== null && input.durationMs < MINIMUM_ACTIVE_MS) throw activeDurationTooShort();
  if (hasPendingRequest(state, principalId, target, now)) {
    throw new GraphError(
      400,
      errorCodes.pendingRequestExists,
      'There is already an existing pending Role assignment request.',
    );
  }
  if (hasAssignment(state, principalId, target, now)) {
    throw new GraphError(400, errorCodes.assignmentExists, 'The Role assignment already exists.');
  }

  const failed: string[] = [];
  const eligibility =
    target.kind === 'role'
      ? activeRoleEligibility(state, principalId, target.roleDefinitionId, target.directoryScopeId, now)
      : activeGroupEligibility(state, principalId, target.groupId, target.accessId, now);
  if (!eligibility || !policy) failed.push('EligibilityRule');
  if (policy) {
    if (input.durationMs === null || input.durationMs > policy.maximumDurationMs) failed.push('ExpirationRule');
    const rules = policy.activation.enabledRules;
    if (caller) {
      if (rules.includes('MultiFactorAuthentication') && !caller.amr.includes('mfa')) failed.push('MfaRule');
      if (rules.includes('Justification') && !input.justification?.trim()) failed.push('JustificationRule');
      if (rules.includes('Ticketing') && !input.ticketNumber?.trim()) failed.push('TicketingRule');
    }
  }
  if (failed.length) throw policyRulesFailed(failed);

  const claimValue = policy?.activation.authenticationContext;
  if (caller && claimValue) {
    const hasAcrs = caller.acrs.includes(claimValue);
    const hasCp1 = caller.clientCapabilities.some((c) => c.toLowerCase() === 'cp1');
    if (!hasAcrs || (input.requireCp1ForAcrs && !hasCp1)) {
      throw acrsRefusal(target.kind, claimValue, state.acrsForm);
    }
  }
  return {
    eligibilityScheduleId: eligibility?.id ?? null,
    approvalRequired: caller !== null && policy !== undefined && isApprovalRequired(policy.activation),
  };
}
