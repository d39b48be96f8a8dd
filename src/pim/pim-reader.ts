import type {
  PrivilegedAccessGroupAssignmentScheduleInstance,
  PrivilegedAccessGroupAssignmentScheduleRequest,
  RequestSchedule,
  UnifiedRoleAssignmentScheduleInstance,
  UnifiedRoleAssignmentScheduleRequest,
  UnifiedRoleDefinition,
} from '@microsoft/microsoft-graph-types';
import { GraphCallFailed, type GraphTransport } from './graph-transport';
import { isoDurationToMinutes } from './iso-duration';
import { toPimError } from './pim-error';
import type { AccessId, PimTargetRef, TicketInfo } from './pim-types';

const ROLES = '/roleManagement/directory';
const GROUPS = '/identityGovernance/privilegedAccess/group';

/** The request properties the activation feed reads (`$select`, so pages stay small). */
const REQUEST_FIELDS = [
  'id',
  'action',
  'status',
  'principalId',
  'justification',
  'ticketInfo',
  'approvalId',
  'createdDateTime',
  'completedDateTime',
  'scheduleInfo',
  'isValidationOnly',
  'targetScheduleId',
];
const ROLE_REQUEST_SELECT = [...REQUEST_FIELDS, 'roleDefinitionId', 'directoryScopeId'].join(',');
const GROUP_REQUEST_SELECT = [...REQUEST_FIELDS, 'groupId', 'accessId'].join(',');
const INSTANCE_FIELDS = ['id', 'principalId', 'startDateTime', 'endDateTime', 'assignmentType', 'memberType'];
const ROLE_INSTANCE_SELECT = [
  ...INSTANCE_FIELDS,
  'roleDefinitionId',
  'directoryScopeId',
  'roleAssignmentScheduleId',
].join(',');
const GROUP_INSTANCE_SELECT = [...INSTANCE_FIELDS, 'groupId', 'accessId', 'assignmentScheduleId'].join(',');

/** A role or group assignment schedule request as anyone in the tenant made it (portal, PowerShell, bot). */
export interface AssignmentRequestRecord {
  id: string;
  kind: 'role' | 'group';
  /** selfActivate, adminAssign, selfDeactivate, … (Graph's string, as sent). */
  action: string;
  /** Provisioned, Granted, PendingApproval, Revoked, … */
  status: string;
  principalId: string;
  roleDefinitionId: string | null;
  directoryScopeId: string | null;
  groupId: string | null;
  accessId: AccessId | null;
  justification: string | null;
  ticket: TicketInfo | null;
  approvalId: string | null;
  createdDateTime: Date | null;
  completedDateTime: Date | null;
  /** Requested start (`scheduleInfo.startDateTime`). */
  startDateTime: Date | null;
  /** Requested end: `afterDateTime`'s end, or start + `afterDuration`; null for no expiration (or unknown). */
  endDateTime: Date | null;
  isValidationOnly: boolean;
  targetScheduleId: string | null;
}

/** A role or group assignment in effect now (activated or assigned). */
export interface AssignmentInstanceRecord {
  id: string;
  kind: 'role' | 'group';
  principalId: string;
  roleDefinitionId: string | null;
  directoryScopeId: string | null;
  groupId: string | null;
  accessId: AccessId | null;
  /** The schedule it comes from (`roleAssignmentScheduleId` / `assignmentScheduleId`). */
  scheduleId: string | null;
  /** Roles: Activated | Assigned; groups: activated | assigned. */
  assignmentType: string | null;
  memberType: string | null;
  startDateTime: Date | null;
  endDateTime: Date | null;
}

/** OData string literal: quotes doubled, so ids cannot break out of a $filter. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function date(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

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

type WireRequest = UnifiedRoleAssignmentScheduleRequest & PrivilegedAccessGroupAssignmentScheduleRequest;

function toRequest(kind: 'role' | 'group', r: WireRequest): AssignmentRequestRecord {
  const created = date(r.createdDateTime);
  const { start, end } = scheduleWindow(r.scheduleInfo, created);
  return {
    id: r.id ?? '',
    kind,
    action: r.action ?? 'unknownFutureValue',
    status: r.status ?? 'Unknown',
    principalId: r.principalId ?? '',
    roleDefinitionId: kind === 'role' ? (r.roleDefinitionId ?? null) : null,
    directoryScopeId: kind === 'role' ? (r.directoryScopeId ?? '/') : null,
    groupId: kind === 'group' ? (r.groupId ?? null) : null,
    accessId: kind === 'group' ? ((r.accessId as AccessId | undefined) ?? null) : null,
    justification: r.justification ?? null,
    ticket: r.ticketInfo?.ticketNumber
      ? { ticketNumber: r.ticketInfo.ticketNumber, ticketSystem: r.ticketInfo.ticketSystem ?? undefined }
      : null,
    approvalId: r.approvalId ?? null,
    createdDateTime: created,
    completedDateTime: date(r.completedDateTime),
    startDateTime: start,
    endDateTime: end,
    isValidationOnly: r.isValidationOnly === true,
    targetScheduleId: r.targetScheduleId ?? null,
  };
}

function fromRoleInstance(i: UnifiedRoleAssignmentScheduleInstance): AssignmentInstanceRecord {
  return {
    id: i.id ?? '',
    kind: 'role',
    principalId: i.principalId ?? '',
    roleDefinitionId: i.roleDefinitionId ?? null,
    directoryScopeId: i.directoryScopeId ?? '/',
    groupId: null,
    accessId: null,
    scheduleId: i.roleAssignmentScheduleId ?? null,
    assignmentType: i.assignmentType ?? null,
    memberType: i.memberType ?? null,
    startDateTime: date(i.startDateTime),
    endDateTime: date(i.endDateTime),
  };
}

function fromGroupInstance(i: PrivilegedAccessGroupAssignmentScheduleInstance): AssignmentInstanceRecord {
  return {
    id: i.id ?? '',
    kind: 'group',
    principalId: i.principalId ?? '',
    roleDefinitionId: null,
    directoryScopeId: null,
    groupId: i.groupId ?? null,
    accessId: (i.accessId as AccessId | undefined) ?? null,
    scheduleId: i.assignmentScheduleId ?? null,
    assignmentType: i.assignmentType ?? null,
    memberType: i.memberType ?? null,
    startDateTime: date(i.startDateTime),
    endDateTime: date(i.endDateTime),
  };
}

/**
 * Tenant-wide PIM activity, read with the bot's own app-only credential (RoleManagement.Read.Directory,
 * PrivilegedAssignmentSchedule.Read.AzureADGroup): who asked for what (assignment schedule requests) and
 * what is in effect (assignment schedule instances). For the activation feed; never used to act.
 *
 * Query options are the ones Graph documents for these collections (PIM-API.md §5): `$select` always;
 * `$filter` with `eq` on `groupId` or `principalId` only. Graph requires one of the two on every PIM for
 * Groups collection, and documents no date filter on requests, so requests are read whole (paged) and
 * filtered by time by the caller.
 */
export class PimActivityReader {
  constructor(private readonly graph: GraphTransport) {}

  /** Every Entra role assignment schedule request (Graph keeps them for a limited time), all pages. */
  async listRoleAssignmentRequests(): Promise<AssignmentRequestRecord[]> {
    const items = await this.run(() =>
      this.graph.list<WireRequest>(`${ROLES}/roleAssignmentScheduleRequests?$select=${ROLE_REQUEST_SELECT}`),
    );
    return items.map((r) => toRequest('role', r));
  }

  /** The PIM for Groups assignment schedule requests of one group, all pages. */
  async listGroupAssignmentRequests(groupId: string): Promise<AssignmentRequestRecord[]> {
    const filter = encodeURIComponent(`groupId eq ${odataString(groupId)}`);
    const items = await this.run(() =>
      this.graph.list<WireRequest>(
        `${GROUPS}/assignmentScheduleRequests?$filter=${filter}&$select=${GROUP_REQUEST_SELECT}`,
      ),
    );
    return items.map((r) => toRequest('group', r));
  }

  /** One principal's Entra role assignments in effect now (activated, assigned, and through groups). */
  async listRoleAssignmentInstances(principalId: string): Promise<AssignmentInstanceRecord[]> {
    const filter = encodeURIComponent(`principalId eq ${odataString(principalId)}`);
    const items = await this.run(() =>
      this.graph.list<UnifiedRoleAssignmentScheduleInstance>(
        `${ROLES}/roleAssignmentScheduleInstances?$filter=${filter}&$select=${ROLE_INSTANCE_SELECT}`,
      ),
    );
    return items.map(fromRoleInstance);
  }

  /** One principal's PIM for Groups memberships and ownerships in effect now. */
  async listGroupAssignmentInstances(principalId: string): Promise<AssignmentInstanceRecord[]> {
    const filter = encodeURIComponent(`principalId eq ${odataString(principalId)}`);
    const items = await this.run(() =>
      this.graph.list<PrivilegedAccessGroupAssignmentScheduleInstance>(
        `${GROUPS}/assignmentScheduleInstances?$filter=${filter}&$select=${GROUP_INSTANCE_SELECT}`,
      ),
    );
    return items.map(fromGroupInstance);
  }

  /**
   * When one principal's activation of a role or group ends: the end of its activated instance, null
   * for one without an end, undefined when it is not active (ended, deactivated, not provisioned yet).
   */
  async activeUntil(principalId: string, target: PimTargetRef): Promise<Date | null | undefined> {
    const instances =
      target.kind === 'role'
        ? await this.listRoleAssignmentInstances(principalId)
        : await this.listGroupAssignmentInstances(principalId);
    const hit = instances.find(
      (i) =>
        (i.assignmentType ?? '').toLowerCase() === 'activated' &&
        (target.kind === 'role'
          ? i.roleDefinitionId === target.roleDefinitionId &&
            (i.directoryScopeId ?? '/') === (target.directoryScopeId ?? '/')
          : i.groupId === target.groupId && i.accessId === target.accessId),
    );
    return hit ? hit.endDateTime : undefined;
  }

  /** A role definition's display name. */
  async roleName(roleDefinitionId: string): Promise<string> {
    const role = await this.run(() =>
      this.graph.get<UnifiedRoleDefinition>(
        `${ROLES}/roleDefinitions/${encodeURIComponent(roleDefinitionId)}?$select=id,displayName`,
      ),
    );
    return role.displayName ?? roleDefinitionId;
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GraphCallFailed) throw toPimError(err.failure, { operation: 'read' });
      throw err;
    }
  }
}
