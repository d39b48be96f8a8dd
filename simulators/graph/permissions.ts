import type { Caller } from './auth';
import { graphErrors } from './errors';

/**
 * Accepted permissions per operation (PIM-API.md §4.1): the least-privileged one first, then the
 * documented higher-privileged alternatives. Delegated tokens are checked against `scp`, app-only
 * tokens against `roles` (the permission names are the same).
 */
export const Permissions = {
  roleDefinitionsRead: [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  roleEligibilityRead: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
  ],
  roleAssignmentScheduleRead: [
    'RoleAssignmentSchedule.Read.Directory',
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
  ],
  /** Listing requests needs ReadWrite (a known service quirk, microsoft-graph-explorer-v4#2176). */
  roleAssignmentRequestRead: [
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  roleAssignmentRequestWrite: [
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleAssignmentSchedule.Remove.Directory',
    'RoleEligibilitySchedule.Remove.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  roleApprovalRead: [
    'RoleAssignmentSchedule.Read.Directory',
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  roleApprovalWrite: ['RoleAssignmentSchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'],
  rolePolicyRead: [
    'RoleManagementPolicy.Read.Directory',
    'RoleManagementPolicy.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  groupPolicyRead: ['RoleManagementPolicy.Read.AzureADGroup', 'RoleManagementPolicy.ReadWrite.AzureADGroup'],
  groupEligibilityRead: [
    'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.Read.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  groupAssignmentRead: [
    'PrivilegedAssignmentSchedule.Read.AzureADGroup',
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.Read.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  groupAssignmentWrite: [
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  groupApprovalRead: [
    'PrivilegedAssignmentSchedule.Read.AzureADGroup',
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.Read.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  groupApprovalWrite: [
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  me: [
    'User.Read',
    'User.ReadWrite',
    'User.ReadBasic.All',
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  usersRead: [
    'User.ReadBasic.All',
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  groupsRead: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
} as const satisfies Record<string, readonly string[]>;

export function hasAnyPermission(caller: Caller, accepted: readonly string[]): boolean {
  return accepted.some((p) => caller.permissions.has(p));
}

/** PIM endpoints: 403 UnknownError wrapping {"errorCode":"PermissionScopeNotGranted",...}. */
export function requirePimPermission(caller: Caller, accepted: readonly string[]): void {
  if (!hasAnyPermission(caller, accepted)) throw graphErrors.pimPermissionMissing(accepted);
}

/** Directory endpoints (/me, /users, /groups): 403 Authorization_RequestDenied. */
export function requireDirectoryPermission(caller: Caller, accepted: readonly string[]): void {
  if (!hasAnyPermission(caller, accepted)) throw graphErrors.insufficientPrivileges();
}

/** Self-service actions and approvals act as the signed-in user: app-only tokens are refused. */
export function requireDelegated(caller: Caller, what: string): void {
  if (caller.kind !== 'user') {
    throw graphErrors.forbidden(
      `${what} requires a delegated (user) token; application permissions are not supported.`,
    );
  }
}
