import type {
  ArmActivationPolicy,
  ArmActiveRole,
  ArmApproval,
  ArmEligibleRole,
  ArmRequestOutcome,
  ArmRequestResult,
  ArmRoleRef,
  ArmScopeRef,
} from './arm-types';
import { isoDurationToMinutes } from '../pim/iso-duration';

/** ARM's JSON as the client reads it (spec definitions of arm-pim-openapi.json, only the fields used). */

interface Expanded {
  scope?: { id?: string; displayName?: string; type?: string };
  roleDefinition?: { id?: string; displayName?: string };
}

export interface WireResource<P> {
  id: string;
  name: string;
  type?: string;
  properties: P;
}

export interface WireScheduleProps {
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  memberType?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  roleEligibilityScheduleId?: string;
  assignmentType?: string;
  linkedRoleEligibilityScheduleId?: string | null;
  expandedProperties?: Expanded;
}

export interface WireRequestProps {
  scope: string;
  requestType: string;
  status: string;
  approvalId?: string | null;
  scheduleInfo?: { expiration?: { endDateTime?: string | null } };
}

export interface WireRule {
  id?: string;
  ruleType: string;
  target?: { caller?: string; level?: string };
  isExpirationRequired?: boolean;
  maximumDuration?: string;
  enabledRules?: string[];
  setting?: {
    isApprovalRequired?: boolean;
    approvalStages?: { primaryApprovers?: { id?: string; userType?: string; description?: string | null }[] }[];
  };
  isEnabled?: boolean;
  claimValue?: string;
}

export interface WirePolicyAssignmentProps {
  scope: string;
  roleDefinitionId: string;
  effectiveRules?: WireRule[];
}

export interface WireStage {
  name: string;
  properties: { displayName?: string | null; status: string; assignedToMe?: boolean; reviewResult?: string };
}

export const lastSegment = (id: string): string => id.split('/').filter(Boolean).pop() ?? id;

function scopeOf(p: WireScheduleProps): ArmScopeRef {
  const s = p.expandedProperties?.scope;
  return { id: p.scope, displayName: s?.displayName ?? lastSegment(p.scope), type: s?.type ?? 'unknown' };
}

function roleOf(p: WireScheduleProps): ArmRoleRef {
  return {
    id: p.roleDefinitionId,
    guid: lastSegment(p.roleDefinitionId),
    displayName: p.expandedProperties?.roleDefinition?.displayName ?? lastSegment(p.roleDefinitionId),
  };
}

export function toEligible(w: WireResource<WireScheduleProps>): ArmEligibleRole {
  const p = w.properties;
  return {
    eligibilityScheduleId: p.roleEligibilityScheduleId ?? w.id,
    instanceId: w.id,
    principalId: p.principalId,
    role: roleOf(p),
    scope: scopeOf(p),
    memberType: p.memberType ?? null,
    endDateTime: p.endDateTime ?? null,
  };
}

export function toActive(w: WireResource<WireScheduleProps>): ArmActiveRole {
  const p = w.properties;
  return {
    instanceId: w.id,
    principalId: p.principalId,
    role: roleOf(p),
    scope: scopeOf(p),
    assignmentType: p.assignmentType ?? 'Assigned',
    startDateTime: p.startDateTime ?? null,
    endDateTime: p.endDateTime ?? null,
    linkedEligibilityScheduleId: p.linkedRoleEligibilityScheduleId ?? null,
  };
}

const DONE = new Set(['Provisioned', 'ScheduleCreated', 'Revoked']);
const FAILED = new Set([
  'Denied',
  'AdminDenied',
  'Canceled',
  'Failed',
  'FailedAsResourceIsLocked',
  'TimedOut',
  'Invalid',
]);

export function outcomeOf(status: string): ArmRequestOutcome {
  if (DONE.has(status)) return 'done';
  return FAILED.has(status) ? 'failed' : 'waiting';
}

export function toRequest(w: WireResource<WireRequestProps>): ArmRequestResult {
  const p = w.properties;
  return {
    name: w.name,
    scope: p.scope,
    requestType: p.requestType,
    status: p.status,
    outcome: outcomeOf(p.status),
    approvalId: p.approvalId ? lastSegment(p.approvalId) : null,
    endDateTime: p.scheduleInfo?.expiration?.endDateTime ?? null,
  };
}

export function toApproval(w: WireResource<{ stages?: WireStage[] }>): ArmApproval {
  return {
    id: w.name,
    stages: (w.properties.stages ?? []).map((s) => ({
      id: s.name,
      displayName: s.properties.displayName ?? null,
      status: s.properties.status,
      assignedToMe: s.properties.assignedToMe === true,
      reviewResult: s.properties.reviewResult ?? 'NotReviewed',
    })),
  };
}

/** The EndUser/Assignment rules of a policy assignment (ARM-PIM.md §3.5), other callers' rules ignored. */
export function toPolicy(p: WirePolicyAssignmentProps): ArmActivationPolicy {
  const rules = (p.effectiveRules ?? []).filter(
    (r) => (r.target?.caller ?? 'EndUser') === 'EndUser' && (r.target?.level ?? 'Assignment') === 'Assignment',
  );
  const of = (type: string) => rules.find((r) => r.ruleType === type);
  const enabled = new Set(of('RoleManagementPolicyEnablementRule')?.enabledRules ?? []);
  const approval = of('RoleManagementPolicyApprovalRule')?.setting;
  const auth = of('RoleManagementPolicyAuthenticationContextRule');
  const max = of('RoleManagementPolicyExpirationRule')?.maximumDuration;
  return {
    scope: p.scope,
    roleDefinitionId: p.roleDefinitionId,
    maxDurationMinutes: (max ? isoDurationToMinutes(max) : undefined) ?? null,
    requiresJustification: enabled.has('Justification'),
    requiresTicket: enabled.has('Ticketing'),
    requiresMfa: enabled.has('MultiFactorAuthentication'),
    requiresApproval: approval?.isApprovalRequired === true,
    approvers: (approval?.approvalStages ?? []).flatMap((s) =>
      (s.primaryApprovers ?? []).map((a) => ({
        id: a.id ?? '',
        userType: a.userType ?? 'User',
        description: a.description ?? null,
      })),
    ),
    authenticationContext: auth?.isEnabled && auth.claimValue ? auth.claimValue : null,
  };
}
