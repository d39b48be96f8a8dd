/** The PIM objects a loaded fixture derives (fixture-loader.ts), with their stable ids. */

export interface RoleEligibility {
  id: string;
  instanceId: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  start: Date;
  end: Date | null;
}

export interface GroupEligibility {
  id: string;
  instanceId: string;
  principalId: string;
  groupId: string;
  accessId: 'member' | 'owner';
  start: Date;
  end: Date | null;
}

/** A permanent (non-PIM) role assignment from the fixture. */
export interface PermanentRoleAssignment {
  id: string;
  instanceId: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  start: Date;
}

/** A permanent member of a PIM-managed group, shown by PIM for Groups as an 'assigned' assignment. */
export interface PermanentGroupAssignment {
  id: string;
  instanceId: string;
  principalId: string;
  groupId: string;
  accessId: 'member';
  start: Date;
}
