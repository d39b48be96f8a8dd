import type { AuditEvent } from './directory-audits';
import { newGuid, stableGuid } from './ids';
import type { JsonObject } from './json';
import { APPROVAL_TIMEOUT_MS, type SimState, type StoredActivation, type StoredRequest } from './state';

/**
 * The directory audit events PIM writes as an activation request moves on, named as Microsoft's audit
 * activity reference names them (PIM-API.md §6, `reference-audit-activities.md`): requested, approval
 * requested, approved / denied, completed, canceled, approval expired, deactivation requested / completed,
 * and the end of an activation that ran out. Shapes: `directoryAudit` of the features description
 * (FEATURES-API.md §2.2); what the docs leave open is chosen here and marked in FIDELITY.md.
 */
export const PIM_ACTIVITIES = {
  requested: 'Add member to role requested (PIM activation)',
  approvalRequested: 'Add member to role approval requested (PIM activation)',
  approved: 'Add member to role request approved (PIM activation)',
  denied: 'Add member to role request denied (PIM activation)',
  completed: 'Add member to role completed (PIM activation)',
  canceled: 'Add member to role canceled (PIM activation)',
  approvalExpired: 'PIM activation request expired',
  deactivationRequested: 'Remove member from role requested (PIM deactivate)',
  deactivationCompleted: 'Remove member from role completed (PIM deactivate)',
  expired: 'Remove member from role (PIM activation expired)',
} as const;

type Activity = keyof typeof PIM_ACTIVITIES;

/**
 * `loggedByService` of PIM's events: `PIM` in third-party filters, "Privileged Identity Management" in the
 * resource docs (FEATURES-API.md §2.2, UNVERIFIED); the simulator writes the shorter form and the bot's
 * client accepts both.
 */
export const PIM_SERVICE = 'PIM';

function userIdentity(state: SimState, userId: string): JsonObject {
  const user = state.tenant.user(userId);
  return {
    '@odata.type': '#microsoft.graph.userIdentity',
    id: userId,
    displayName: user?.displayName ?? null,
    userPrincipalName: user?.userPrincipalName ?? null,
    ipAddress: null,
  };
}

function targets(state: SimState, req: StoredRequest): JsonObject[] {
  const user = state.tenant.user(req.principalId);
  const principal: JsonObject = {
    id: req.principalId,
    displayName: user?.displayName ?? null,
    type: 'User',
    userPrincipalName: user?.userPrincipalName ?? null,
    groupType: null,
    modifiedProperties: [],
  };
  const target: JsonObject =
    req.kind === 'role'
      ? {
          id: req.roleDefinitionId,
          displayName: state.tenant.role(req.roleDefinitionId ?? '')?.displayName ?? null,
          type: 'Role',
          userPrincipalName: null,
          groupType: null,
          modifiedProperties: [],
        }
      : {
          id: req.groupId,
          displayName: state.tenant.group(req.groupId ?? '')?.displayName ?? null,
          type: 'Group',
          userPrincipalName: null,
          groupType: null,
          modifiedProperties: [],
        };
  // The role (or group) first, then the member: the order of the PIM entries in the portal's export (UNVERIFIED).
  return [target, principal];
}

function event(state: SimState, req: StoredRequest, activity: Activity, at: Date, actorId: string | null): AuditEvent {
  const id = newGuid();
  const json = (): JsonObject => ({
    id,
    category: req.kind === 'role' ? 'RoleManagement' : 'GroupManagement',
    correlationId: stableGuid('audit-correlation', req.id),
    result: 'success',
    resultReason: req.justification ?? '',
    activityDisplayName: PIM_ACTIVITIES[activity],
    activityDateTime: at.toISOString(),
    loggedByService: PIM_SERVICE,
    operationType: activity.startsWith('deactivation') || activity === 'expired' ? 'Remove' : 'Add',
    initiatedBy: actorId
      ? { user: userIdentity(state, actorId), app: null }
      : // PIM itself (expiry, timeout): its own service, no user (UNVERIFIED display name).
        {
          user: null,
          app: { appId: null, displayName: 'MS-PIM', servicePrincipalId: null, servicePrincipalName: null },
        },
    targetResources: targets(state, req),
    additionalDetails: [{ key: 'RequestId', value: req.id }],
  });
  return { id, activityDateTime: at, json };
}

/** A selfActivate stored (portal or Graph): requested, then approval requested or completed; its timeout and end scheduled. */
export function auditActivation(state: SimState, req: StoredRequest, activation: StoredActivation | undefined): void {
  const log = state.audit;
  log.record(event(state, req, 'requested', req.createdDateTime, req.createdById));
  if (req.approval) {
    log.record(event(state, req, 'approvalRequested', req.createdDateTime, req.createdById));
    const deadline = new Date(req.createdDateTime.getTime() + APPROVAL_TIMEOUT_MS);
    log.schedule(deadline, () =>
      req.approval?.decision || req.canceledAt ? null : event(state, req, 'approvalExpired', deadline, null),
    );
    return;
  }
  log.record(event(state, req, 'completed', req.createdDateTime, req.createdById));
  if (activation) scheduleEnd(state, req, activation);
}

/** An approver decided: approved (then completed, from the activation's start) or denied. */
export function auditDecision(
  state: SimState,
  req: StoredRequest,
  approverId: string,
  at: Date,
  activation: StoredActivation | undefined,
): void {
  if (!activation) {
    state.audit.record(event(state, req, 'denied', at, approverId));
    return;
  }
  state.audit.record(event(state, req, 'approved', at, approverId));
  state.audit.record(event(state, req, 'completed', at, approverId));
  scheduleEnd(state, req, activation);
}

export function auditCancel(state: SimState, req: StoredRequest, at: Date): void {
  state.audit.record(event(state, req, 'canceled', at, req.createdById));
}

/** A selfDeactivate: requested and completed at once. */
export function auditDeactivation(state: SimState, req: StoredRequest): void {
  state.audit.record(event(state, req, 'deactivationRequested', req.createdDateTime, req.createdById));
  state.audit.record(event(state, req, 'deactivationCompleted', req.createdDateTime, req.createdById));
}

/** The end of an activation that runs its course (none when it was deactivated or canceled first). */
function scheduleEnd(state: SimState, req: StoredRequest, activation: StoredActivation): void {
  state.audit.schedule(activation.end, () =>
    activation.revokedAt && activation.revokedAt < activation.end
      ? null
      : event(state, req, 'expired', activation.end, null),
  );
}
