import { BuiltInRoles } from '../tenant/tenant-fixture';
import { transitiveMemberIds } from './group-members';
import { sameId } from './ids';
import type { SimState, StoredApproval, StoredRequest } from './state';
import { roleAssignmentInstances } from './views';

/** The roles whose holders decide when a policy names no approvers (Entra docs, pim-how-to-change-default-settings). */
const DEFAULT_APPROVER_ROLES = [BuiltInRoles.privilegedRoleAdministrator, BuiltInRoles.globalAdministrator];

/**
 * The users who may decide an approval now: the policy's primary approvers, with groupMembers expanded
 * (permanent and PIM-active members, nested groups followed: FIDELITY.md, [3p] UNVERIFIED) and
 * requestorManager walked up the fixture's managerId chain. The requester is never an approver of their
 * own request. When nobody is left, PIM falls back to the Privileged Role Administrators and Global
 * Administrators: "If no specific approvers are selected, Privileged Role Administrators and Global
 * Administrators become the default approvers" (Entra docs, pim-how-to-change-default-settings). The
 * simulator takes those who hold either role now, tenant-wide: permanent, activated, or through a
 * role-assignable group's membership (UNVERIFIED that PIM counts activated and group holders; FIDELITY.md).
 */
export function resolveApprovers(state: SimState, approval: StoredApproval, requesterId: string, now: Date): string[] {
  const tenant = state.tenant;
  const out = new Map<string, string>();
  const add = (id: string | undefined): void => {
    if (id && tenant.user(id) && !sameId(id, requesterId)) out.set(id.toLowerCase(), tenant.user(id)?.id ?? id);
  };
  for (const a of approval.approvers) {
    if (a.type === 'singleUser') add(a.userId);
    if (a.type === 'groupMembers') for (const m of transitiveMemberIds(state, a.groupId, now)) add(m);
    if (a.type === 'requestorManager') {
      let cur = tenant.user(requesterId);
      for (let level = 0; level < a.managerLevel && cur; level++)
        cur = cur.managerId ? tenant.user(cur.managerId) : undefined;
      add(cur?.id);
    }
  }
  if (out.size === 0) {
    for (const held of roleAssignmentInstances(state, now, true)) {
      if (held.directoryScopeId === '/' && DEFAULT_APPROVER_ROLES.some((r) => sameId(r, held.roleDefinitionId))) {
        add(held.principalId);
      }
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
