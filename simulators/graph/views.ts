import type { GroupEligibility, RoleEligibility } from './fixture-loader';
import { sameId, stableGuid } from './ids';
import type { AccessId, SimState } from './state';

/** One role assignment as schedules and instances show it. */
export interface RoleAssignmentRecord {
  scheduleId: string;
  instanceId: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  assignmentType: 'Assigned' | 'Activated';
  /** 'Group': the principal holds the role through a role-assignable group's membership. */
  memberType: 'Direct' | 'Group';
  start: Date;
  end: Date | null;
  createdDateTime: Date;
  createdUsing: string | null;
  originId: string;
  eligibilityScheduleId: string | null;
  /** A permanent (non-PIM) assignment: its instance shows no start or end. */
  permanent?: boolean;
}

export interface GroupAssignmentRecord {
  scheduleId: string;
  instanceId: string;
  principalId: string;
  groupId: string;
  accessId: AccessId;
  assignmentType: 'assigned' | 'activated';
  memberType: 'direct';
  start: Date;
  end: Date | null;
  createdDateTime: Date;
  createdUsing: string | null;
  eligibilityScheduleId: string | null;
}

const inWindow = (start: Date, end: Date | null, now: Date): boolean => start <= now && (end === null || now < end);

/**
 * Narrows a view to one principal's (or one group's) items: the same items the whole view holds for it, in
 * the same order, read from the indexes (tenant-index.ts, state.ts) instead of the whole tenant. A scope
 * with both keeps the principal's. Without a scope, the whole view.
 */
export interface ViewScope {
  principalId?: string;
  groupId?: string;
}

function roleEligibilitiesIn(state: SimState, scope: ViewScope): readonly RoleEligibility[] {
  const index = state.tenant.index;
  return scope.principalId !== undefined
    ? index.roleEligibilitiesByPrincipal.get(scope.principalId)
    : state.tenant.roleEligibilities;
}

function groupEligibilitiesIn(state: SimState, scope: ViewScope): readonly GroupEligibility[] {
  const index = state.tenant.index;
  if (scope.principalId !== undefined) return index.groupEligibilitiesByPrincipal.get(scope.principalId);
  if (scope.groupId !== undefined) return index.groupEligibilitiesByGroup.get(scope.groupId);
  return state.tenant.groupEligibilities;
}

export function roleEligibilitySchedules(state: SimState, now: Date, scope: ViewScope = {}): RoleEligibility[] {
  return roleEligibilitiesIn(state, scope).filter((e) => e.end === null || now < e.end);
}

export function roleEligibilityInstances(state: SimState, now: Date, scope: ViewScope = {}): RoleEligibility[] {
  return roleEligibilitiesIn(state, scope).filter((e) => inWindow(e.start, e.end, now));
}

export function groupEligibilitySchedules(state: SimState, now: Date, scope: ViewScope = {}): GroupEligibility[] {
  return groupEligibilitiesIn(state, scope).filter((e) => e.end === null || now < e.end);
}

export function groupEligibilityInstances(state: SimState, now: Date, scope: ViewScope = {}): GroupEligibility[] {
  return groupEligibilitiesIn(state, scope).filter((e) => inWindow(e.start, e.end, now));
}

/** The eligibility that lets `principalId` activate a role at `now`. */
export function activeRoleEligibility(
  state: SimState,
  principalId: string,
  roleDefinitionId: string,
  directoryScopeId: string,
  now: Date,
): RoleEligibility | undefined {
  return roleEligibilityInstances(state, now, { principalId }).find(
    (e) =>
      sameId(e.principalId, principalId) &&
      sameId(e.roleDefinitionId, roleDefinitionId) &&
      e.directoryScopeId.toLowerCase() === directoryScopeId.toLowerCase(),
  );
}

export function activeGroupEligibility(
  state: SimState,
  principalId: string,
  groupId: string,
  accessId: AccessId,
  now: Date,
): GroupEligibility | undefined {
  return groupEligibilityInstances(state, now, { principalId }).find(
    (e) => sameId(e.principalId, principalId) && sameId(e.groupId, groupId) && e.accessId === accessId,
  );
}

/** Permanent assignments and not-yet-ended activations (schedules include activations that start later). */
export function roleAssignmentSchedules(state: SimState, now: Date, scope: ViewScope = {}): RoleAssignmentRecord[] {
  const principalId = scope.principalId;
  const permanent =
    principalId === undefined
      ? state.tenant.roleAssignments
      : state.tenant.index.roleAssignmentsByPrincipal.get(principalId);
  const out: RoleAssignmentRecord[] = permanent.map((a) => ({
    scheduleId: a.id,
    instanceId: a.instanceId,
    principalId: a.principalId,
    roleDefinitionId: a.roleDefinitionId,
    directoryScopeId: a.directoryScopeId,
    assignmentType: 'Assigned',
    memberType: 'Direct',
    start: a.start,
    end: null,
    permanent: true,
    createdDateTime: a.start,
    createdUsing: null,
    originId: a.id,
    eligibilityScheduleId: null,
  }));
  const activations = principalId === undefined ? state.roleActivations() : state.activationsOf(principalId, 'role');
  for (const act of activations) {
    if (!state.isCurrent(act, now)) continue;
    out.push({
      scheduleId: act.id,
      instanceId: act.instanceId,
      principalId: act.principalId,
      roleDefinitionId: act.roleDefinitionId ?? '',
      directoryScopeId: act.directoryScopeId ?? '/',
      assignmentType: 'Activated',
      memberType: 'Direct',
      start: act.start,
      end: state.activationEnd(act),
      createdDateTime: act.createdDateTime,
      createdUsing: act.eligibilityScheduleId,
      originId: act.id,
      eligibilityScheduleId: act.eligibilityScheduleId,
    });
  }
  return out;
}

/**
 * Role assignment instances in effect now. With `throughGroups`, members (permanent or PIM-activated) of a
 * role-assignable group also get one instance per role the group holds, memberType 'Group', ending when
 * their membership ends. filterByCurrentUser leaves those out: "This API doesn't return active role
 * assignments through group memberships" (PIM-API.md §1.5).
 */
export function roleAssignmentInstances(
  state: SimState,
  now: Date,
  throughGroups: boolean,
  scope: ViewScope = {},
): RoleAssignmentRecord[] {
  const principalId = scope.principalId;
  const direct = roleAssignmentSchedules(state, now, { principalId }).filter((r) => inWindow(r.start, r.end, now));
  if (!throughGroups) return direct;
  const derived: RoleAssignmentRecord[] = [];
  for (const a of state.tenant.index.roleAssignmentsOfAssignableGroups) {
    const group = state.tenant.group(a.principalId);
    if (!group) continue;
    for (const m of state.groupMemberships(group.id, now)) {
      if (principalId !== undefined && !sameId(m.principalId, principalId)) continue;
      derived.push({
        scheduleId: a.id,
        instanceId: stableGuid('role-instance-through-group', a.id, m.sourceId),
        principalId: m.principalId,
        roleDefinitionId: a.roleDefinitionId,
        directoryScopeId: a.directoryScopeId,
        assignmentType: 'Assigned',
        memberType: 'Group',
        start: m.start,
        end: m.end,
        createdDateTime: m.start,
        createdUsing: null,
        originId: a.id,
        eligibilityScheduleId: null,
      });
    }
  }
  return [...direct, ...derived];
}

export function groupAssignmentSchedules(state: SimState, now: Date, scope: ViewScope = {}): GroupAssignmentRecord[] {
  const index = state.tenant.index;
  const permanent =
    scope.principalId !== undefined
      ? index.groupAssignmentsByPrincipal.get(scope.principalId)
      : scope.groupId !== undefined
        ? index.groupAssignmentsByGroup.get(scope.groupId)
        : state.tenant.groupAssignments;
  const activations =
    scope.principalId !== undefined
      ? state.activationsOf(scope.principalId, 'group')
      : scope.groupId !== undefined
        ? state.activationsOfGroup(scope.groupId)
        : state.groupActivations();
  const out: GroupAssignmentRecord[] = permanent.map((a) => ({
    scheduleId: a.id,
    instanceId: a.instanceId,
    principalId: a.principalId,
    groupId: a.groupId,
    accessId: a.accessId,
    assignmentType: 'assigned',
    memberType: 'direct',
    start: a.start,
    end: null,
    createdDateTime: a.start,
    createdUsing: null,
    eligibilityScheduleId: null,
  }));
  for (const act of activations) {
    if (!state.isCurrent(act, now)) continue;
    out.push({
      scheduleId: act.id,
      instanceId: act.instanceId,
      principalId: act.principalId,
      groupId: act.groupId ?? '',
      accessId: act.accessId ?? 'member',
      assignmentType: 'activated',
      memberType: 'direct',
      start: act.start,
      end: state.activationEnd(act),
      createdDateTime: act.createdDateTime,
      createdUsing: act.eligibilityScheduleId,
      eligibilityScheduleId: act.eligibilityScheduleId,
    });
  }
  return out;
}

export function groupAssignmentInstances(state: SimState, now: Date, scope: ViewScope = {}): GroupAssignmentRecord[] {
  return groupAssignmentSchedules(state, now, scope).filter((r) => inWindow(r.start, r.end, now));
}
