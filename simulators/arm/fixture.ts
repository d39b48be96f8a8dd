/**
 * The Azure side of a simulated tenant: subscriptions and resource groups, Azure built-in roles, who is
 * eligible for what at which scope, and the PIM policy (roleManagementPolicy) of a role at a scope.
 * Users are the Entra tenant's (simulators/tenant), so a token the authority signs names a user ARM knows.
 */

/** Azure built-in role definition ids: the same GUID in every tenant (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const AzureBuiltInRoles = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3c0f-4bb5-b4d3-fc4ce1f5bc43',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
} as const;

export type ArmScopeType = 'managementgroup' | 'subscription' | 'resourcegroup' | 'resource';

export interface ArmScopeFixture {
  /** ARM form: `/subscriptions/{sub}`, `/subscriptions/{sub}/resourceGroups/{rg}`, `/providers/Microsoft.Management/managementGroups/{mg}`. */
  id: string;
  displayName: string;
  type: ArmScopeType;
}

export interface ArmRoleDefinitionFixture {
  /** The bare GUID. */
  id: string;
  roleName: string;
  description: string;
  type: 'BuiltInRole' | 'CustomRole';
}

export interface ArmUserFixture {
  id: string;
  displayName: string;
  mail: string;
}

export interface ArmEligibilityFixture {
  /** GUID of the roleEligibilitySchedule (its instance gets a GUID derived from it). */
  id: string;
  principalId: string;
  /** Bare role definition GUID. */
  roleDefinitionId: string;
  scope: string;
  /** ISO date-times; absent start = fixture load time, absent end = permanently eligible. */
  startDateTime?: string;
  endDateTime?: string;
}

export type EnablementRule = 'MultiFactorAuthentication' | 'Justification' | 'Ticketing';

/** The end-user activation rules of one role at one scope (ARM-PIM.md §3.5). */
export interface ArmPolicyFixture {
  scope: string;
  roleDefinitionId: string;
  /** ISO 8601 duration, e.g. 'PT8H'. */
  maximumDuration: string;
  enabledRules: EnablementRule[];
  /** User ids of the single approval stage's primary approvers; empty or absent = no approval. */
  approverIds?: string[];
  /** Authentication context claim value (e.g. 'c1') the activation token must carry in `acrs`. */
  authenticationContext?: string;
}

/** A standing (non-PIM) role assignment: `assignmentType: Assigned`. */
export interface ArmStandingAssignmentFixture {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  scope: string;
}

export interface ArmFixture {
  tenantId: string;
  users: ArmUserFixture[];
  scopes: ArmScopeFixture[];
  roleDefinitions: ArmRoleDefinitionFixture[];
  eligibilities: ArmEligibilityFixture[];
  policies: ArmPolicyFixture[];
  standingAssignments?: ArmStandingAssignmentFixture[];
  /** Items per list page before a `nextLink` (default 100). */
  pageSize?: number;
}

/** The rules of a role with no policy configured at its scope or above (Azure's default, UNVERIFIED: FIDELITY.md). */
export const DEFAULT_POLICY: Omit<ArmPolicyFixture, 'scope' | 'roleDefinitionId'> = {
  maximumDuration: 'PT8H',
  enabledRules: ['Justification'],
  approverIds: [],
};
