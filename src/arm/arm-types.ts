/** What the bot knows about Azure resource roles, read from ARM's PIM resources (ARM-PIM.md §3). */

export interface ArmScopeRef {
  /** `/subscriptions/{sub}/resourceGroups/{rg}` … */
  id: string;
  displayName: string;
  /** subscription, resourcegroup, managementgroup, resource. */
  type: string;
}

export interface ArmRoleRef {
  /** Full role definition resource id, as ARM gives it. */
  id: string;
  /** The GUID at its end (the same for a built-in role in every tenant). */
  guid: string;
  displayName: string;
}

export interface ArmEligibleRole {
  /** `{scope}/providers/Microsoft.Authorization/roleEligibilitySchedules/{guid}`: goes into linkedRoleEligibilityScheduleId. */
  eligibilityScheduleId: string;
  instanceId: string;
  principalId: string;
  role: ArmRoleRef;
  scope: ArmScopeRef;
  memberType: string | null;
  endDateTime: string | null;
}

export interface ArmActiveRole {
  instanceId: string;
  principalId: string;
  role: ArmRoleRef;
  scope: ArmScopeRef;
  /** Activated = from a PIM activation (can be deactivated); Assigned = standing. */
  assignmentType: 'Activated' | 'Assigned' | string;
  startDateTime: string | null;
  endDateTime: string | null;
  linkedEligibilityScheduleId: string | null;
}

export interface ArmApprover {
  id: string;
  userType: string;
  description: string | null;
}

/** The end-user activation rules of a role at a scope (caller EndUser, level Assignment; ARM-PIM.md §3.5). */
export interface ArmActivationPolicy {
  scope: string;
  roleDefinitionId: string;
  maxDurationMinutes: number | null;
  requiresJustification: boolean;
  requiresTicket: boolean;
  requiresMfa: boolean;
  requiresApproval: boolean;
  approvers: ArmApprover[];
  /** Authentication context claim value (e.g. 'c1') when the rule is on. */
  authenticationContext: string | null;
}

/** The bot's grouping of ARM's status enum (ARM-PIM.md §3.3; the grouping itself is UNVERIFIED there). */
export type ArmRequestOutcome = 'done' | 'waiting' | 'failed';

export interface ArmRequestResult {
  /** The request's GUID name, chosen by the client. */
  name: string;
  scope: string;
  requestType: string;
  status: string;
  outcome: ArmRequestOutcome;
  /** Approval GUID (the last segment of whatever form ARM used), when approval is needed. */
  approvalId: string | null;
  endDateTime: string | null;
}

export interface ArmApprovalStage {
  id: string;
  displayName: string | null;
  status: string;
  assignedToMe: boolean;
  reviewResult: string;
}

export interface ArmApproval {
  id: string;
  stages: ArmApprovalStage[];
}

export type ArmDecision = 'Approve' | 'Deny';

export interface ArmActivationInput {
  eligible: ArmEligibleRole;
  /** Narrower scope below the eligibility's (a resource group of an eligible subscription); default its own. */
  scope?: string;
  durationMinutes: number;
  justification?: string;
  ticket?: { number: string; system?: string };
}
