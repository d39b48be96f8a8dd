/**
 * The shape of a simulated Entra tenant: who exists, which roles and groups they are eligible for,
 * and the PIM policy of each. Both stand-ins (the Entra authority and the Graph PIM simulator) are
 * built from one fixture, so a user the authority signs in is a user Graph knows.
 */

/** Built-in role template ids (Graph `unifiedRoleDefinition.templateId`, equal to `id` for built-ins). */
export const BuiltInRoles = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  exchangeAdministrator: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  sharePointAdministrator: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
} as const;

export interface FixtureUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
  jobTitle?: string;
  /** Object id of the user's manager (for requestorManager approvers). */
  managerId?: string;
}

export interface FixtureGroup {
  id: string;
  displayName: string;
  description?: string;
  /** Role-assignable groups can hold directory roles (PIM for Groups "bundles"). */
  isAssignableToRole?: boolean;
  /** Permanent (non-PIM) members. */
  memberIds: string[];
}

export interface FixtureRoleDefinition {
  id: string;
  displayName: string;
  description: string;
  isBuiltIn: boolean;
  templateId: string;
}

export type FixtureApprover =
  | { type: 'singleUser'; userId: string; description?: string }
  | { type: 'groupMembers'; groupId: string; description?: string }
  | { type: 'requestorManager'; managerLevel: number };

/** The end-user activation settings of one PIM policy (the *_EndUser_Assignment rules). */
export interface FixtureActivationPolicy {
  /** ISO 8601 duration, Expiration_EndUser_Assignment.maximumDuration (e.g. 'PT8H'). */
  maximumDuration: string;
  /** Enablement_EndUser_Assignment.enabledRules. */
  enabledRules: Array<'MultiFactorAuthentication' | 'Justification' | 'Ticketing'>;
  /** Approval_EndUser_Assignment; absent or empty means no approval. */
  approvers?: FixtureApprover[];
  /** AuthenticationContext_EndUser_Assignment claimValue ('c1'...'c99'); absent means disabled. */
  authenticationContext?: string;
  /**
   * Approval_EndUser_Assignment approvalStages[0].isApproverJustificationRequired; absent means true
   * (Entra's default). When true, an approval decision without a justification is refused.
   */
  approverJustificationRequired?: boolean;
}

export interface FixtureRolePolicy {
  roleDefinitionId: string;
  /** Policy id suffix; the simulator builds `DirectoryRole_{tenantId}_{policyGuid}`. */
  policyGuid: string;
  activation: FixtureActivationPolicy;
}

export interface FixtureGroupPolicy {
  groupId: string;
  accessId: 'member' | 'owner';
  policyGuid: string;
  activation: FixtureActivationPolicy;
}

export interface FixtureRoleEligibility {
  principalId: string;
  roleDefinitionId: string;
  /** '/' for tenant-wide. */
  directoryScopeId: string;
  /** ISO date-times; absent end means permanently eligible. */
  startDateTime?: string;
  endDateTime?: string;
}

export interface FixtureGroupEligibility {
  principalId: string;
  groupId: string;
  accessId: 'member' | 'owner';
  startDateTime?: string;
  endDateTime?: string;
}

/** Permanent (active, non-PIM) directory role assignments, e.g. a role-assignable group holding roles. */
export interface FixtureRoleAssignment {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

/** An administrative unit: a directory scope a role can be eligible at (`/administrativeUnits/{id}`). */
export interface FixtureAdministrativeUnit {
  id: string;
  displayName: string;
  description?: string;
}

export interface TenantFixture {
  tenantId: string;
  /** Verified domain, e.g. 'contoso.example'. */
  domain: string;
  displayName: string;
  users: FixtureUser[];
  groups: FixtureGroup[];
  roleDefinitions: FixtureRoleDefinition[];
  rolePolicies: FixtureRolePolicy[];
  groupPolicies: FixtureGroupPolicy[];
  roleEligibilities: FixtureRoleEligibility[];
  groupEligibilities: FixtureGroupEligibility[];
  roleAssignments: FixtureRoleAssignment[];
  /** Administrative units that role eligibilities may be scoped to (none when absent). */
  administrativeUnits?: FixtureAdministrativeUnit[];
}
