import type {
  PrivilegedAccessGroupAssignmentScheduleInstance,
  PrivilegedAccessGroupEligibilityScheduleInstance,
  PrivilegedAccessGroupAssignmentScheduleRequest,
  RequestSchedule,
  UnifiedRoleAssignmentScheduleInstance,
  UnifiedRoleAssignmentScheduleRequest,
  UnifiedRoleEligibilityScheduleInstance,
} from '@microsoft/microsoft-graph-types';
import { isoDurationToMinutes } from './iso-duration';
import type {
  AccessId,
  ApprovalStep,
  AssignmentInstance,
  Eligibility,
  PimTarget,
  PimTargetRef,
  ScheduleRequest,
  TicketInfo,
} from './pim-types';

/**
 * Graph's PIM wire format in one place, for the delegated client and the app-only reader alike: the
 * collection paths, OData literals, dates, and the mapping of Graph payloads to the bot's vocabulary.
 */

export const ROLES = '/roleManagement/directory';
export const GROUPS = '/identityGovernance/privilegedAccess/group';

/** The schedule request collection of a role or a PIM for Groups target. */
export function requestsPath(kind: 'role' | 'group'): string {
  return kind === 'role' ? `${ROLES}/roleAssignmentScheduleRequests` : `${GROUPS}/assignmentScheduleRequests`;
}

/** OData string literal: quotes doubled, so user-influenced ids cannot break out of a $filter. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A Graph date-time, or null when absent or not a date. */
export function date(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A path segment from an id (ids come from Graph or from card data: always encoded). */
export function pathId(id: string): string {
  return encodeURIComponent(id);
}

export type WireRequest = UnifiedRoleAssignmentScheduleRequest & PrivilegedAccessGroupAssignmentScheduleRequest;
export type WireInstance = UnifiedRoleAssignmentScheduleInstance & PrivilegedAccessGroupAssignmentScheduleInstance;
export type WireEligibility = UnifiedRoleEligibilityScheduleInstance & PrivilegedAccessGroupEligibilityScheduleInstance;

/** Beta approval step (roleAssignmentApprovals) / v1.0 approval stage (group assignmentApprovals). */
interface WireApprovalStep {
  id?: string;
  status?: string | null;
  reviewResult?: string | null;
  assignedToMe?: boolean | null;
  reviewedDateTime?: string | null;
  justification?: string | null;
  reviewedBy?: { id?: string | null; displayName?: string | null } | null;
}

/** Role approvals have `steps` (beta); group approvals have `stages` (v1.0, `steps` also accepted). */
export interface WireApproval {
  id?: string;
  steps?: WireApprovalStep[];
  stages?: WireApprovalStep[];
}

/** The requested window: start (or creation), and the end from `afterDateTime` or start + `afterDuration`. */
function scheduleWindow(
  schedule: RequestSchedule | null | undefined,
  created: Date | null,
): { start: Date | null; end: Date | null } {
  const start = date(schedule?.startDateTime) ?? created;
  const expiration = schedule?.expiration;
  const type = (expiration?.type ?? '').toLowerCase();
  let end: Date | null = null;
  if (type === 'afterdatetime' || (type === '' && expiration?.endDateTime)) {
    end = date(expiration?.endDateTime);
  } else if ((type === 'afterduration' || type === '') && expiration?.duration && start) {
    const minutes = isoDurationToMinutes(expiration.duration);
    end = minutes === undefined ? null : new Date(start.getTime() + minutes * 60_000);
  }
  return { start, end };
}

function ticketOf(r: { ticketInfo?: { ticketNumber?: string | null; ticketSystem?: string | null } | null }) {
  const info = r.ticketInfo;
  return info?.ticketNumber
    ? ({ ticketNumber: info.ticketNumber, ticketSystem: info.ticketSystem ?? undefined } satisfies TicketInfo)
    : null;
}

/** A role or group assignment schedule request as Graph returns it. */
export function toScheduleRequest(kind: 'role' | 'group', r: WireRequest): ScheduleRequest {
  const created = date(r.createdDateTime);
  const { start, end } = scheduleWindow(r.scheduleInfo, created);
  return {
    id: r.id ?? '',
    kind,
    status: r.status ?? 'Unknown',
    action: r.action ?? 'unknownFutureValue',
    principalId: r.principalId ?? '',
    roleDefinitionId: kind === 'role' ? (r.roleDefinitionId ?? null) : null,
    directoryScopeId: kind === 'role' ? (r.directoryScopeId ?? '/') : null,
    groupId: kind === 'group' ? (r.groupId ?? null) : null,
    accessId: kind === 'group' ? ((r.accessId as AccessId | undefined) ?? null) : null,
    approvalId: r.approvalId ?? null,
    justification: r.justification ?? null,
    ticket: ticketOf(r),
    createdDateTime: created,
    completedDateTime: date(r.completedDateTime),
    startDateTime: start,
    endDateTime: end,
    duration: r.scheduleInfo?.expiration?.duration ?? null,
    isValidationOnly: r.isValidationOnly === true,
    targetScheduleId: r.targetScheduleId ?? null,
    targetName: (kind === 'role' ? r.roleDefinition?.displayName : r.group?.displayName) ?? null,
  };
}

/** The role (at its scope) or group of an instance; its name from the expanded roleDefinition / group, else the id. */
function wireTarget(kind: 'role' | 'group', w: WireInstance | WireEligibility): PimTarget {
  // The scope's name when the read expanded directoryScope (an administrative unit or an application).
  const scopeName =
    kind === 'role' ? (w.directoryScope as { displayName?: string } | null | undefined)?.displayName : undefined;
  return kind === 'role'
    ? {
        kind: 'role',
        roleDefinitionId: w.roleDefinitionId ?? '',
        directoryScopeId: w.directoryScopeId ?? '/',
        displayName: w.roleDefinition?.displayName ?? w.roleDefinitionId ?? 'Unknown role',
        ...(scopeName ? { scopeName } : {}),
      }
    : {
        kind: 'group',
        groupId: w.groupId ?? '',
        accessId: (w.accessId ?? 'member') as AccessId,
        displayName: w.group?.displayName ?? w.groupId ?? 'Unknown group',
      };
}

/** A role or group assignment in effect (activated or assigned). */
export function toAssignmentInstance(kind: 'role' | 'group', i: WireInstance): AssignmentInstance {
  return {
    id: i.id ?? '',
    principalId: i.principalId ?? '',
    target: wireTarget(kind, i),
    scheduleId: (kind === 'role' ? i.roleAssignmentScheduleId : i.assignmentScheduleId) ?? null,
    assignmentType: i.assignmentType ?? null,
    memberType: i.memberType ?? null,
    startDateTime: date(i.startDateTime),
    endDateTime: date(i.endDateTime),
  };
}

/** A role or group the user is eligible for. */
export function toEligibility(kind: 'role' | 'group', e: WireEligibility): Eligibility {
  return {
    id: e.id ?? '',
    target: wireTarget(kind, e),
    startDateTime: date(e.startDateTime),
    endDateTime: date(e.endDateTime),
    memberType: e.memberType ?? null,
  };
}

/**
 * One spelling per review result: the docs list NotReviewed/Approved/Denied
 * (DOCS api-reference/beta/resources/approvalstep.md) while the samples and the PATCH body use
 * Approve/Deny; both read as the bot's Approve/Deny so another approver's decision is never taken for
 * an expiry.
 */
export function normalizeReviewResult(value: string | null | undefined): string {
  switch ((value ?? '').trim().toLowerCase()) {
    case '':
    case 'notreviewed':
      return 'NotReviewed';
    case 'approve':
    case 'approved':
      return 'Approve';
    case 'deny':
    case 'denied':
      return 'Deny';
    case 'expired':
      return 'Expired';
    default:
      return value ?? 'NotReviewed';
  }
}

/** The steps (roles) or stages (groups) of an approval. */
export function toApprovalSteps(approval: WireApproval): ApprovalStep[] {
  return (approval.steps ?? approval.stages ?? []).map((s) => ({
    id: s.id ?? '',
    status: s.status ?? 'Unknown',
    reviewResult: normalizeReviewResult(s.reviewResult),
    assignedToMe: s.assignedToMe === true,
    reviewedById: s.reviewedBy?.id ?? null,
    reviewedByName: s.reviewedBy?.displayName ?? null,
    reviewedDateTime: date(s.reviewedDateTime),
    justification: s.justification ?? null,
  }));
}

/** The target a request is for. */
export function requestTarget(r: ScheduleRequest): PimTargetRef {
  return r.kind === 'role'
    ? { kind: 'role', roleDefinitionId: r.roleDefinitionId ?? '', directoryScopeId: r.directoryScopeId ?? '/' }
    : { kind: 'group', groupId: r.groupId ?? '', accessId: r.accessId ?? 'member' };
}

/** Ids compare case-insensitively (Graph returns GUIDs in either case). */
export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
