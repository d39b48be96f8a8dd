import type { DirectoryClient } from '../pim/directory-client';
import type { Person } from '../requests/pim-request';
import { approverSet } from './approver-resolver';

/**
 * The roles whose holders approve when an Entra role's PIM policy requires approval but names nobody: "If no
 * specific approvers are selected, Privileged Role Administrators and Global Administrators become the default
 * approvers" (Entra docs, id-governance/privileged-identity-management/pim-how-to-change-default-settings; some
 * versions of the page name Privileged Role Administrators only, so both are asked, and PIM decides whom it
 * accepts). Graph then answers the approval rule with `isApprovalRequired: true` and an empty `primaryApprovers`
 * ([3p] SpecterOps BloodHound: "primaryApprovers array will be empty in this case").
 */
export const DEFAULT_APPROVER_ROLES = [
  { id: 'e8611ab8-c189-46e8-94e1-60213ab1f814', name: 'Privileged Role Administrator' },
  { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
] as const;

/**
 * The users who approve by default: those who hold Privileged Role Administrator or Global Administrator now
 * (assigned or activated; eligible-only holders are not listed), tenant-wide. A role-assignable group holding
 * one counts through its members (nested ones too); service principals approve nothing. The requester is never
 * their own approver.
 *
 * Read app-only from `roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '…'&$expand=principal`
 * rather than `roleAssignmentScheduleInstances`: the expanded principal says whether a holder is a user, a group or
 * a service principal in the same answer (instances carry only an id, and their per-member rows for groups are
 * UNVERIFIED: FEATURES-API.md §6), it lists each active assignment once, activated ones included, and
 * RoleManagement.Read.Directory is already granted for role names.
 */
export async function defaultApprovers(
  directory: Pick<DirectoryClient, 'listRoleHolders' | 'listGroupUsersTransitive'>,
  requesterId: string,
): Promise<Person[]> {
  const { add, found } = approverSet(requesterId);
  for (const role of DEFAULT_APPROVER_ROLES) {
    for (const holder of await directory.listRoleHolders(role.id)) {
      // A role held at an administrative unit only is not the tenant-wide administrator the docs name.
      if (holder.directoryScopeId !== '/') continue;
      if (holder.kind === 'user') add(holder.principalId, holder.displayName ?? holder.principalId);
      if (holder.kind === 'group') {
        for (const member of await directory.listGroupUsersTransitive(holder.principalId)) {
          add(member.id, member.displayName);
        }
      }
    }
  }
  return [...found.values()];
}
