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
  /**
   * GET roleManagement/directory/roleAssignments (DOCS api-reference/v1.0/api/rbacapplication-list-roleassignments.md;
   * ../shared/graph/features-openapi-v1.0.yaml x-permissions), delegated and application alike.
   */
  roleAssignmentsRead: [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'Directory.Read.All',
    'RoleManagement.ReadWrite.Directory',
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
  /**
   * Listing or reading role assignment schedule requests (FIDELITY.md): delegated least privileged is
   * RoleAssignmentSchedule.Read.Directory; app-only only RoleManagement.ReadWrite.Directory. DOCS
   * api-reference/v1.0/includes/permissions/rbacapplication-list-roleassignmentschedulerequests-permissions.md
   * (PIM-API.md §4.1 differs; the docs win).
   */
  roleAssignmentRequestList: {
    delegated: [
      'RoleAssignmentSchedule.Read.Directory',
      'RoleAssignmentSchedule.ReadWrite.Directory',
      'RoleManagement.Read.All',
      'RoleManagement.Read.Directory',
      'RoleManagement.ReadWrite.Directory',
    ],
    application: ['RoleManagement.ReadWrite.Directory'],
  },
  /**
   * filterByCurrentUser on role requests: DOCS
   * api-reference/v1.0/includes/permissions/unifiedroleassignmentschedulerequest-filterbycurrentuser-permissions.md
   */
  roleAssignmentRequestRead: [
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
  /**
   * GET roleAssignmentScheduleRequests/{id}: ReadWrite only, delegated and app-only alike (DOCS
   * api-reference/beta/api/unifiedroleassignmentschedulerequest-get.md; the v1.0 include is not in the
   * docs snapshot and is assumed the same). FIDELITY.md.
   */
  roleAssignmentRequestGet: ['RoleAssignmentSchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'],
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
  /**
   * GET /users/{id} and /users/{id}/manager. App-only, User.ReadBasic.All is not accepted although the
   * permissions reference defines it as an application permission: DOCS user-get.md and user-list.md list
   * User.Read.All as least privileged for Application, and a call with User.ReadBasic.All alone answers 403
   * Authorization_RequestDenied (learn.microsoft.com/answers/questions/6019739). FIDELITY.md.
   */
  usersRead: {
    delegated: [
      'User.ReadBasic.All',
      'User.Read.All',
      'User.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
    ],
    application: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
  /** Also GET /groups/{id}/transitiveMembers (DOCS api-reference/v1.0/api/group-list-transitivemembers.md; GroupMember.ReadWrite.All too). */
  groupsRead: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  /**
   * Teams app installations in a user's personal scope: install (DOCS api-reference/v1.0/api/userteamwork-post-installedapps.md,
   * newer list per ../shared/graph/FEATURES-API.md §3) and read (list, get, get chat: userteamwork-list-installedapps.md,
   * userscopeteamsappinstallation-get-chat.md). Least privileged first.
   */
  teamsAppInstall: {
    delegated: [
      'TeamsAppInstallation.ReadWriteSelfForUser',
      'TeamsAppInstallation.ManageSelectedForUser',
      'TeamsAppInstallation.ReadWriteAndConsentSelfForUser',
      'TeamsAppInstallation.ReadWriteAndConsentForUser',
      'TeamsAppInstallation.ReadWriteForUser',
      'TeamsAppInstallation.ReadWriteSelectedForUser',
    ],
    application: [
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'TeamsAppInstallation.ManageSelectedForUser.All',
      'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
      'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
      'TeamsAppInstallation.ReadWriteForUser.All',
      'TeamsAppInstallation.ReadWriteSelectedForUser.All',
    ],
  },
  teamsAppInstallationRead: {
    delegated: [
      'TeamsAppInstallation.ReadForUser',
      'TeamsAppInstallation.ReadWriteSelfForUser',
      'TeamsAppInstallation.ReadWriteForUser',
    ],
    application: [
      'TeamsAppInstallation.ReadForUser.All',
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'TeamsAppInstallation.ReadWriteForUser.All',
    ],
  },
  /** DOCS api-reference/v1.0/api/appcatalogs-list-teamsapps.md */
  appCatalogRead: {
    delegated: ['AppCatalog.Submit', 'AppCatalog.Read.All', 'AppCatalog.ReadWrite.All'],
    application: ['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All'],
  },
} as const satisfies Record<string, readonly string[] | PermissionsByKind>;

/**
 * The *Self* installation permissions reach only the caller's own app: the one whose manifest
 * webApplicationInfo.id is the token's app id; other apps are invisible to a list
 * (microsoft-graph-docs-contrib#330) and refused on install (#478).
 */
export const SELF_ONLY_TEAMS_PERMISSIONS: readonly string[] = [
  'TeamsAppInstallation.ReadWriteSelfForUser',
  'TeamsAppInstallation.ReadWriteAndConsentSelfForUser',
  'TeamsAppInstallation.ReadWriteSelfForUser.All',
  'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
];

/** Where the reference lists different permissions for delegated and application access. */
export interface PermissionsByKind {
  delegated: readonly string[];
  application: readonly string[];
}

type Accepted = readonly string[] | PermissionsByKind;

function acceptedFor(caller: Caller, accepted: Accepted): readonly string[] {
  if ('delegated' in accepted) return caller.kind === 'user' ? accepted.delegated : accepted.application;
  return accepted as readonly string[];
}

export function hasAnyPermission(caller: Caller, accepted: Accepted): boolean {
  return acceptedFor(caller, accepted).some((p) => caller.permissions.has(p));
}

/** PIM endpoints: 403 UnknownError wrapping {"errorCode":"PermissionScopeNotGranted",...}. */
export function requirePimPermission(caller: Caller, accepted: Accepted): void {
  if (!hasAnyPermission(caller, accepted)) throw graphErrors.pimPermissionMissing(acceptedFor(caller, accepted));
}

/** Teams endpoints: 403 Forbidden naming the permissions wanted and those on the token. */
export function requireTeamsPermission(caller: Caller, accepted: PermissionsByKind): void {
  if (!hasAnyPermission(caller, accepted)) {
    throw graphErrors.teamsPermissionMissing(caller.kind, acceptedFor(caller, accepted), [...caller.permissions]);
  }
}

/**
 * Which apps the caller may see or manage through `accepted`: every app when the token holds a permission
 * of the list that is not *Self*, else only the app whose azureADAppId is the token's app id.
 */
export function teamsAppScope(
  caller: Caller,
  accepted: PermissionsByKind,
): (azureADAppId: string | undefined) => boolean {
  const granted = acceptedFor(caller, accepted).filter((p) => caller.permissions.has(p));
  if (granted.some((p) => !SELF_ONLY_TEAMS_PERMISSIONS.includes(p))) return () => true;
  return (azureADAppId) =>
    azureADAppId !== undefined && caller.appId !== null && azureADAppId.toLowerCase() === caller.appId.toLowerCase();
}

/** Directory endpoints (/me, /users, /groups): 403 Authorization_RequestDenied. */
export function requireDirectoryPermission(caller: Caller, accepted: Accepted): void {
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

/**
 * Delegated reads of other users' role requests also need one of these Entra roles on the signed-in user:
 * "for read operations: Global Reader, Security Operator, Security Reader, Security Administrator or
 * Privileged Role Administrator" (DOCS api-reference/v1.0/api/rbacapplication-post-roleassignmentschedulerequests.md).
 * Global Administrator is added as it holds every permission (UNVERIFIED: not in the list).
 */
export const READER_ROLE_IDS = [
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451', // Global Reader
  '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', // Security Operator
  '5d6b6bb7-de71-4623-b4af-96380a352509', // Security Reader
  '194ae4cb-b126-40b2-bd5b-6091b380977d', // Security Administrator
  'e8611ab8-c189-46e8-94e1-60213ab1f814', // Privileged Role Administrator
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
];
