import type { UnifiedRoleDefinition } from '@microsoft/microsoft-graph-types';
import { GraphCallFailed, type GraphTransport } from './graph-transport';
import {
  GROUPS,
  odataString,
  ROLES,
  requestsPath,
  toAssignmentInstance,
  toScheduleRequest,
  type WireInstance,
  type WireRequest,
} from './graph-wire';
import { toPimError } from './pim-error';
import { type AssignmentInstance, isActivated, type PimTargetRef, type ScheduleRequest } from './pim-types';
import { sameTarget } from './target-key';

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

/**
 * Tenant-wide PIM activity, read with the bot's own app-only credential (src/pim/graph-permissions.ts:
 * RoleManagement.ReadWrite.Directory to list role requests, RoleAssignmentSchedule.Read.Directory for role
 * instances, RoleManagement.Read.Directory for role names, PrivilegedAssignmentSchedule.Read.AzureADGroup
 * for groups): who asked for what (assignment schedule requests) and
 * what is in effect (assignment schedule instances). For the activation feed and the jobs that follow an
 * activation; never used to act.
 *
 * Query options are the ones Graph documents for these collections (PIM-API.md §5): `$select` always;
 * `$filter` with `eq` on `groupId` or `principalId` only. Graph requires one of the two on every PIM for
 * Groups collection, and documents no date filter on requests, so requests are read whole (paged) and
 * filtered by time by the caller.
 */
export class PimActivityReader {
  constructor(private readonly graph: GraphTransport) {}

  /** Every Entra role assignment schedule request (Graph keeps them for a limited time), all pages. */
  async listRoleAssignmentRequests(): Promise<ScheduleRequest[]> {
    const items = await this.run(() =>
      this.graph.list<WireRequest>(`${requestsPath('role')}?$select=${ROLE_REQUEST_SELECT}`),
    );
    return items.map((r) => toScheduleRequest('role', r));
  }

  /** The PIM for Groups assignment schedule requests of one group, all pages. */
  async listGroupAssignmentRequests(groupId: string): Promise<ScheduleRequest[]> {
    const filter = encodeURIComponent(`groupId eq ${odataString(groupId)}`);
    const items = await this.run(() =>
      this.graph.list<WireRequest>(`${requestsPath('group')}?$filter=${filter}&$select=${GROUP_REQUEST_SELECT}`),
    );
    return items.map((r) => toScheduleRequest('group', r));
  }

  /**
   * One principal's Entra role assignment schedule requests (`$filter=principalId eq`, documented:
   * PIM-API.md §5), all pages: what the watcher reads for a principal the audit log says changed.
   */
  async listRoleAssignmentRequestsOf(principalId: string): Promise<ScheduleRequest[]> {
    const filter = encodeURIComponent(`principalId eq ${odataString(principalId)}`);
    const items = await this.run(() =>
      this.graph.list<WireRequest>(`${requestsPath('role')}?$filter=${filter}&$select=${ROLE_REQUEST_SELECT}`),
    );
    return items.map((r) => toScheduleRequest('role', r));
  }

  /** One principal's PIM for Groups assignment schedule requests, every group (Graph takes principalId or groupId). */
  async listGroupAssignmentRequestsOf(principalId: string): Promise<ScheduleRequest[]> {
    const filter = encodeURIComponent(`principalId eq ${odataString(principalId)}`);
    const items = await this.run(() =>
      this.graph.list<WireRequest>(`${requestsPath('group')}?$filter=${filter}&$select=${GROUP_REQUEST_SELECT}`),
    );
    return items.map((r) => toScheduleRequest('group', r));
  }

  /**
   * One page of the tenant's role requests (no `source`: the whole collection) or of one group's, from the
   * start or from an @odata.nextLink: the watcher's reconciliation pages through them over several ticks.
   */
  async requestPage(
    source: { kind: 'role' } | { kind: 'group'; groupId: string },
    nextLink: string | null,
  ): Promise<{ requests: ScheduleRequest[]; nextLink: string | null }> {
    const first =
      source.kind === 'role'
        ? `${requestsPath('role')}?$select=${ROLE_REQUEST_SELECT}`
        : `${requestsPath('group')}?$filter=${encodeURIComponent(`groupId eq ${odataString(source.groupId)}`)}&$select=${GROUP_REQUEST_SELECT}`;
    const page = await this.run(() => this.graph.page<WireRequest>(nextLink ?? first));
    return { requests: page.items.map((r) => toScheduleRequest(source.kind, r)), nextLink: page.nextLink };
  }

  /** One principal's Entra role assignments in effect now (activated, assigned, and through groups). */
  async listRoleAssignmentInstances(principalId: string): Promise<AssignmentInstance[]> {
    const filter = encodeURIComponent(`principalId eq ${odataString(principalId)}`);
    const items = await this.run(() =>
      this.graph.list<WireInstance>(
        `${ROLES}/roleAssignmentScheduleInstances?$filter=${filter}&$select=${ROLE_INSTANCE_SELECT}`,
      ),
    );
    return items.map((i) => toAssignmentInstance('role', i));
  }

  /** One principal's PIM for Groups memberships and ownerships in effect now. */
  async listGroupAssignmentInstances(principalId: string): Promise<AssignmentInstance[]> {
    const filter = encodeURIComponent(`principalId eq ${odataString(principalId)}`);
    const items = await this.run(() =>
      this.graph.list<WireInstance>(
        `${GROUPS}/assignmentScheduleInstances?$filter=${filter}&$select=${GROUP_INSTANCE_SELECT}`,
      ),
    );
    return items.map((i) => toAssignmentInstance('group', i));
  }

  /** One principal's instances of the kind (roles or groups). */
  listAssignmentInstances(principalId: string, kind: 'role' | 'group'): Promise<AssignmentInstance[]> {
    return kind === 'role'
      ? this.listRoleAssignmentInstances(principalId)
      : this.listGroupAssignmentInstances(principalId);
  }

  /**
   * When one principal's activation of a role or group ends: the end of its activated instance, null
   * for one without an end, undefined when it is not active (ended, deactivated, not provisioned yet).
   */
  async activeUntil(principalId: string, target: PimTargetRef): Promise<Date | null | undefined> {
    const instances = await this.listAssignmentInstances(principalId, target.kind);
    const hit = instances.find((i) => isActivated(i) && sameTarget(i.target, target));
    return hit ? hit.endDateTime : undefined;
  }

  /** Every Entra role definition's display name in the tenant (built-in and custom), all pages. */
  async listRoleNames(): Promise<string[]> {
    const roles = await this.run(() =>
      this.graph.list<UnifiedRoleDefinition>(`${ROLES}/roleDefinitions?$select=id,displayName`),
    );
    return roles.map((r) => r.displayName ?? '').filter((name) => name !== '');
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
