import { BuiltInRoles } from '../tenant/tenant-fixture';
import { sameId } from './ids';
import type { SimState, StoredApproval, StoredRequest } from './state';

/**
 * The users who may decide an approval now: the policy's primary approvers, with groupMembers expanded
 * (permanent and PIM-active members) and requestorManager walked up the fixture's managerId chain. The
 * requester is never an approver of their own request. When nobody is left, PIM falls back to the
 * Privileged Role Administrators and Global Administrators (permanent fixture assignments).
 */
export function resolveApprovers(state: SimState, approval: StoredApproval, requesterId: string, now: Date): string[] {
  const tenant = state.tenant;
  const out = new Map<string, string>();
  const add = (id: string | undefined): void => {
    if (id && tenant.user(id) && !sameId(id, requesterId)) out.set(id.toLowerCase(), tenant.user(id)?.id ?? id);
  };
  for (const a of approval.approvers) {
    if (a.type === 'singleUser') add(a.userId);
    if (a.type === 'groupMembers') for (const m of state.groupMemberIds(a.groupId, now)) add(m);
    if (a.type === 'requestorManager') {
      let cur = tenant.user(requesterId);
      for (let level = 0; level < a.managerLevel && cur; level++)
        cur = cur.managerId ? tenant.user(cur.managerId) : undefined;
      add(cur?.id);
    }
  }
  if (out.size === 0) {
    const fallbackRoles = [BuiltInRoles.privilegedRoleAdministrator, BuiltInRoles.globalAdministrator];
    for (const ra of tenant.roleAssignments) {
      if (fallbackRoles.some((r) => sameId(r, ra.roleDefinitionId))) add(ra.principalId);
    }
  }
  return [...out.values()];
}

export function isApprover(
  state: SimState,
  approval: StoredApproval,
  requesterId: string,
  userId: string,
  now: Date,
): boolean {
  return resolveApprovers(state, approval, requesterId, now).some((id) => sameId(id, userId));
}

/** Requests with an approval the user may decide (any status; callers filter on status eq 'PendingApproval'). */
export function requestsForApprover(
  state: SimState,
  kind: 'role' | 'group',
  userId: string,
  now: Date,
): StoredRequest[] {
  return [...state.requests.values()].filter(
    (r) => r.kind === kind && r.approval !== null && isApprover(state, r.approval, r.principalId, userId, now),
  );
}
