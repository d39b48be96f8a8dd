import type { FixtureGroup } from '../tenant/tenant-fixture';
import { KeyIndex } from './key-index';
import type {
  GroupEligibility,
  PermanentGroupAssignment,
  PermanentRoleAssignment,
  RoleEligibility,
} from './tenant-entities';

/** What the index reads of a loaded tenant (fixture-loader.ts LoadedTenant). */
interface IndexedTenant {
  roleEligibilities: readonly RoleEligibility[];
  groupEligibilities: readonly GroupEligibility[];
  roleAssignments: readonly PermanentRoleAssignment[];
  groupAssignments: readonly PermanentGroupAssignment[];
  group(id: string): FixtureGroup | undefined;
}

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

export function indexTenant(t: IndexedTenant): TenantIndex {
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
