/**
 * The PIM vocabulary the rest of the bot speaks: value objects mapped from Graph payloads, so dialogs,
 * cards and services never handle Graph's wire shapes.
 */

export type AccessId = 'member' | 'owner';

/** What can be activated: a directory role at a scope, or membership/ownership of a PIM-managed group. */
export type PimTarget =
  | {
      kind: 'role';
      roleDefinitionId: string;
      directoryScopeId: string;
      displayName: string;
      /** The administrative unit's or application's name when the role is scoped to one (and Graph named it). */
      scopeName?: string;
    }
  | { kind: 'group'; groupId: string; accessId: AccessId; displayName: string };

export type PimTargetRef =
  | { kind: 'role'; roleDefinitionId: string; directoryScopeId?: string; displayName?: string }
  | { kind: 'group'; groupId: string; accessId: AccessId; displayName?: string };

export interface Eligibility {
  target: PimTarget;
  /** The eligibility schedule instance id. */
  id: string;
  startDateTime: Date | null;
  /** null: permanently eligible. */
  endDateTime: Date | null;
  memberType: string | null;
}

export type PolicyApprover =
  | { type: 'user'; userId: string; description: string | null }
  | { type: 'group'; groupId: string; description: string | null }
  | { type: 'requestorManager'; managerLevel: number };

/** The end-user activation rules of one role's or group's PIM policy, as one value. */
export interface ActivationPolicy {
  policyId: string;
  /** ISO 8601, e.g. PT8H. */
  maxDuration: string;
  maxDurationMinutes: number;
  requiresJustification: boolean;
  requiresTicket: boolean;
  requiresMfa: boolean;
  /** Authentication context claim value (c1..c99) the sign-in must satisfy, or null. */
  authContext: string | null;
  requiresApproval: boolean;
  approvers: PolicyApprover[];
  approverJustificationRequired: boolean;
}

export interface TicketInfo {
  ticketNumber: string;
  ticketSystem?: string;
}

export interface ActivationInput {
  target: PimTargetRef;
  durationMinutes: number;
  justification?: string;
  ticket?: TicketInfo;
  /** Default: now (Graph's clock). */
  startDateTime?: Date;
  /** Ask Graph to run every check without creating the request (isValidationOnly). */
  validateOnly?: boolean;
}

/** A roleAssignmentScheduleRequest or a group assignmentScheduleRequest, as Graph returns it. */
export interface ScheduleRequest {
  id: string;
  kind: 'role' | 'group';
  /** Graph's status string: Granted, PendingApproval, Provisioned, Denied, Canceled, Revoked, Failed, ... */
  status: string;
  /** selfActivate, adminAssign, selfDeactivate, … (Graph's string, as sent). */
  action: string;
  principalId: string;
  roleDefinitionId: string | null;
  directoryScopeId: string | null;
  groupId: string | null;
  accessId: AccessId | null;
  approvalId: string | null;
  justification: string | null;
  ticket: TicketInfo | null;
  createdDateTime: Date | null;
  completedDateTime: Date | null;
  /** Requested start (`scheduleInfo.startDateTime`), else when it was created. */
  startDateTime: Date | null;
  /** Requested end: `afterDateTime`'s end, or start + `afterDuration`; null for no expiration (or unknown). */
  endDateTime: Date | null;
  /** ISO 8601 duration requested, when afterDuration. */
  duration: string | null;
  isValidationOnly: boolean;
  targetScheduleId: string | null;
  /** The role's or group's display name, when the read expanded `roleDefinition` / `group`. */
  targetName?: string | null;
}

/** A role or group assignment in effect now: activated through PIM, or assigned (permanent or by an admin). */
export interface AssignmentInstance {
  id: string;
  principalId: string;
  target: PimTarget;
  /** The schedule it comes from (`roleAssignmentScheduleId` / `assignmentScheduleId`). */
  scheduleId: string | null;
  /** Roles: Activated | Assigned; groups: activated | assigned. */
  assignmentType: string | null;
  /** Direct, or Group (through a role-assignable group). */
  memberType: string | null;
  startDateTime: Date | null;
  /** null: no end (permanent). */
  endDateTime: Date | null;
}

/** Whether an instance is an activation (not a permanent or admin assignment). */
export function isActivated(instance: AssignmentInstance): boolean {
  return (instance.assignmentType ?? '').toLowerCase() === 'activated';
}

export interface ApprovalStep {
  id: string;
  status: string;
  /** NotReviewed, Approve, Deny or Expired, whichever spelling Graph used (normalizeReviewResult). */
  reviewResult: string;
  assignedToMe: boolean;
  reviewedById: string | null;
  reviewedByName: string | null;
  reviewedDateTime: Date | null;
  justification: string | null;
}

export interface Approval {
  id: string;
  kind: 'role' | 'group';
  steps: ApprovalStep[];
}

export type ApprovalDecision = 'Approve' | 'Deny';

export function describeTarget(target: PimTargetRef): string {
  if (target.displayName) {
    return target.kind === 'group' && target.accessId === 'owner'
      ? `${target.displayName} (owner)`
      : target.displayName;
  }
  return target.kind === 'role' ? `role ${target.roleDefinitionId}` : `group ${target.groupId} (${target.accessId})`;
}
