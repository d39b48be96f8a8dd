import type {
  GroupEligibility,
  LoadedTenant,
  PermanentGroupAssignment,
  PermanentRoleAssignment,
  RoleEligibility,
} from './fixture-loader';
import { KeyIndex } from './key-index';

/** Lookups over a loaded tenant's eligibilities and permanent assignments (built once per fixture). */
export interface TenantIndex {
  roleEligibilitiesByPrincipal: KeyIndex<RoleEligibility>;
  roleEligibilitiesById: KeyIndex<RoleEligibility>;
  roleEligibilitiesByInstanceId: KeyIndex<RoleEligibility>;
  groupEligibilitiesByPrincipal: KeyIndex<GroupEligibility>;
  groupEligibilitiesByGroup: KeyIndex<GroupEligibility>;
  groupEligibilitiesById: KeyIndex<GroupEligibility>;
  groupEligibilitiesByInstanceId: KeyIndex<GroupEligibility>;
  roleAssignmentsByPrincipal: KeyIndex<PermanentRoleAssignment>;
  groupAssignmentsByPrincipal: KeyIndex<PermanentGroupAssignment>;
  groupAssignmentsByGroup: KeyIndex<PermanentGroupAssignment>;
  /** Permanent role assignments held by a role-assignable group (its members hold the role through it). */
  roleAssignmentsOfAssignableGroups: PermanentRoleAssignment[];
}

export function indexTenant(t: LoadedTenant): TenantIndex {
  return {
    roleEligibilitiesByPrincipal: KeyIndex.of(t.roleEligibilities, (e) => e.principalId),
    roleEligibilitiesById: KeyIndex.of(t.roleEligibilities, (e) => e.id),
    roleEligibilitiesByInstanceId: KeyIndex.of(t.roleEligibilities, (e) => e.instanceId),
    groupEligibilitiesByPrincipal: KeyIndex.of(t.groupEligibilities, (e) => e.principalId),
    groupEligibilitiesByGroup: KeyIndex.of(t.groupEligibilities, (e) => e.groupId),
    groupEligibilitiesById: KeyIndex.of(t.groupEligibilities, (e) => e.id),
    groupEligibilitiesByInstanceId: KeyIndex.of(t.groupEligibilities, (e) => e.instanceId),
    roleAssignmentsByPrincipal: KeyIndex.of(t.roleAssignments, (a) => a.principalId),
    groupAssignmentsByPrincipal: KeyIndex.of(t.groupAssignments, (a) => a.principalId),
    groupAssignmentsByGroup: KeyIndex.of(t.groupAssignments, (a) => a.groupId),
    roleAssignmentsOfAssignableGroups: t.roleAssignments.filter((a) => t.group(a.principalId)?.isAssignableToRole),
  };
}
