/**
 * Every Microsoft Graph permission PIM Bot asks for, and nothing else: the one source of truth that the
 * app registration (appPackage/aad.manifest.json), the deploy guide (docs/deploy-to-your-tenant.md
 * sections 5 and 10) and the demo tenant's registration (simulators/demo-app.ts) are held to by
 * test/pim/graph-permissions.test.ts; test/pim/graph-permission-calls.test.ts sends each call below to the
 * Graph simulator with that permission alone.
 *
 * It lives here, beside the Graph clients whose requests it lists (pim-client.ts delegated; pim-reader.ts,
 * directory-client.ts, approvals/pim-request-states.ts, teams/teams-app-installations.ts app-only), so a
 * new Graph call and its permission change in one place; typed, so the tests and the demo registration
 * read it without parsing. Each permission is the least privileged one the Graph reference lists for its
 * calls (sources per row: DOCS = microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0).
 * Ids: https://learn.microsoft.com/graph/permissions-reference (checked against test/support).
 */

/** Delegated (`Scope`, on the user's on-behalf-of token) or application (`Role`, on the app's own credential). */
export type GraphPermissionType = 'Scope' | 'Role';

/** One request the bot sends with the permission; `{id}` stands for an id filled in at run time. */
export interface GraphCall {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and query after /v1.0 or /beta, as the code builds it. */
  path: string;
  version: 'v1.0' | 'beta';
  /** The code that sends it. */
  by: string;
}

export interface GraphPermission {
  name: string;
  /** The permission's id in the Graph permissions reference (delegated and application ids differ). */
  id: string;
  type: GraphPermissionType;
  /** What breaks without it, for the guide. */
  feature: string;
  /** Why this permission and not a broader one, with the reference page. */
  why: string;
  calls: readonly GraphCall[];
  /** An OpenID Connect scope of the step-up sign-in: asked of Entra, never sent to Graph. */
  openIdConnect?: true;
  /** The activation watcher (section 10 of the guide) uses it. */
  watcher?: true;
}

const ROLES = '/roleManagement/directory';
const GROUPS = '/identityGovernance/privilegedAccess/group';
const USER_SELECT = '$select=id,displayName,userPrincipalName,mail';

const get = (path: string, by: string, version: 'v1.0' | 'beta' = 'v1.0'): GraphCall => ({
  method: 'GET',
  path,
  version,
  by,
});
const post = (path: string, by: string): GraphCall => ({ method: 'POST', path, version: 'v1.0', by });

export const GRAPH_PERMISSIONS: readonly GraphPermission[] = [
  // Delegated: PIM acts on the signed-in user (selfActivate, approvals), which Graph accepts only on a
  // user's token (DOCS rbacapplication-post-roleassignmentschedulerequests.md; approvalstep-update.md).
  {
    name: 'User.Read',
    id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
    type: 'Scope',
    feature: 'Sign-in',
    why: "The user's own object id from `/me` when Teams did not send it; the least privileged permission for `/me` (DOCS user-get.md).",
    calls: [get('/me?$select=id', 'src/pim/pim-client.ts me()')],
  },
  {
    name: 'openid',
    id: '37f7f235-527c-4136-accd-4a02d197296e',
    type: 'Scope',
    feature: 'Step-up sign-in',
    why: 'The step-up sign-in (`/auth/start`) asks for `openid` to get the id_token that says who signed in (src/identity/step-up/code-redemption.ts).',
    calls: [],
    openIdConnect: true,
  },
  {
    name: 'profile',
    id: '14dad69e-099b-42c9-810b-d002981feec1',
    type: 'Scope',
    feature: 'Step-up sign-in',
    why: 'Asked with `openid` by the step-up sign-in (the name and UPN claims of its id_token).',
    calls: [],
    openIdConnect: true,
  },
  {
    name: 'RoleEligibilitySchedule.Read.Directory',
    id: 'eb0788c2-6d4e-4658-8c9e-c0fb8053f03d',
    type: 'Scope',
    feature: '`roles` (Entra roles)',
    why: 'The roles the user may activate; read-only is enough and is the least privileged (DOCS rbacapplication-list-roleeligibilityscheduleinstances.md).',
    calls: [
      get(
        `${ROLES}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope`,
        'src/pim/pim-client.ts listEligible()',
      ),
    ],
  },
  {
    name: 'RoleAssignmentSchedule.ReadWrite.Directory',
    id: '8c026be3-8e26-4774-9372-8d5d6f21daff',
    type: 'Scope',
    feature: '`activate`, `deactivate`, `active`, `pending`, approving Entra role requests',
    why: 'Least privileged for selfActivate/selfDeactivate and cancel (DOCS rbacapplication-post-roleassignmentschedulerequests.md), for the approver filter (unifiedroleassignmentschedulerequest-filterbycurrentuser.md) and for deciding an approval step (beta approvalstep-update.md); it also covers the instances and approval reads.',
    calls: [
      post(`${ROLES}/roleAssignmentScheduleRequests`, 'src/pim/pim-client.ts activate(), deactivate()'),
      post(`${ROLES}/roleAssignmentScheduleRequests/{id}/cancel`, 'src/pim/pim-client.ts cancel()'),
      get(
        `${ROLES}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition`,
        'src/pim/pim-client.ts listActive()',
      ),
      get(
        `${ROLES}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')?$filter=status%20eq%20'PendingApproval'&$expand=roleDefinition`,
        'src/pim/pim-client.ts listAwaitingMyApproval()',
      ),
      get(`${ROLES}/roleAssignmentApprovals/{id}`, 'src/pim/pim-client.ts getApproval()', 'beta'),
      {
        method: 'PATCH',
        path: `${ROLES}/roleAssignmentApprovals/{id}/steps/{id}`,
        version: 'beta',
        by: 'src/pim/pim-client.ts decide()',
      },
    ],
  },
  {
    name: 'RoleManagementPolicy.Read.Directory',
    id: '3de2cdbe-0ff5-47d5-bdee-7f45b4749ead',
    type: 'Scope',
    feature: 'Activation rules (Entra roles)',
    why: 'The rules of a role (duration, justification, ticket, MFA or authentication context, approval), so the bot asks only for what PIM requires; least privileged for policy assignments at the directory scope (DOCS policyroot-list-rolemanagementpolicyassignments.md).',
    calls: [
      get(
        "/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'%2F'%20and%20scopeType%20eq%20'DirectoryRole'%20and%20roleDefinitionId%20eq%20'{id}'&$expand=policy($expand=rules)",
        'src/pim/pim-client.ts getActivationPolicy()',
      ),
    ],
  },
  {
    name: 'RoleManagementPolicy.Read.AzureADGroup',
    id: '7e26fdff-9cb1-4e56-bede-211fe0e420e8',
    type: 'Scope',
    feature: 'Activation rules (PIM for Groups)',
    why: 'The same for group membership and ownership; policy assignments scoped to a group need this permission, not the directory one (DOCS policyroot-list-rolemanagementpolicyassignments.md).',
    calls: [
      get(
        "/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'{id}'%20and%20scopeType%20eq%20'Group'%20and%20roleDefinitionId%20eq%20'member'&$expand=policy($expand=rules)",
        'src/pim/pim-client.ts getActivationPolicy()',
      ),
    ],
  },
  {
    name: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    id: '8f44f93d-ecef-46ae-a9bf-338508d44d6b',
    type: 'Scope',
    feature: '`roles` (PIM for Groups)',
    why: 'The groups the user may activate; least privileged (DOCS privilegedaccessgroup-list-eligibilityscheduleinstances.md).',
    calls: [
      get(
        `${GROUPS}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
        'src/pim/pim-client.ts listEligible()',
      ),
    ],
  },
  {
    name: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    id: '06dbc45d-6708-4ef0-a797-f797ee68bf4b',
    type: 'Scope',
    feature: '`activate`, `deactivate`, `active`, `pending`, approving group requests',
    why: 'The only permission to create and cancel group assignment requests and to decide an approval stage (DOCS resources/privilegedidentitymanagement-for-groups-api-overview.md, approvalstage-update.md); it also covers the reads.',
    calls: [
      post(`${GROUPS}/assignmentScheduleRequests`, 'src/pim/pim-client.ts activate(), deactivate()'),
      post(`${GROUPS}/assignmentScheduleRequests/{id}/cancel`, 'src/pim/pim-client.ts cancel()'),
      get(
        `${GROUPS}/assignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
        'src/pim/pim-client.ts listActive()',
      ),
      get(
        `${GROUPS}/assignmentScheduleRequests/filterByCurrentUser(on='approver')?$filter=status%20eq%20'PendingApproval'&$expand=group`,
        'src/pim/pim-client.ts listAwaitingMyApproval()',
      ),
      get(`${GROUPS}/assignmentApprovals/{id}?$expand=stages`, 'src/pim/pim-client.ts getApproval()'),
      {
        method: 'PATCH',
        path: `${GROUPS}/assignmentApprovals/{id}/stages/{id}`,
        version: 'v1.0',
        by: 'src/pim/pim-client.ts decide()',
      },
    ],
  },

  // Application: reads with the bot's own identity (someone other than the signed-in user, or no one
  // signed in: approver routing, the watcher, the jobs), and installing the bot itself for an approver.
  {
    name: 'User.Read.All',
    id: 'df021288-bdef-4463-88db-98f22de89214',
    type: 'Role',
    feature: 'Approval cards, approver routing, activation watcher',
    why: "Names, UPN and mail of requesters, approvers and whoever activated; the requester's manager for manager-approved policies. Least privileged app-only for both (DOCS user-get.md; manager: learn.microsoft.com/answers/questions/1298947); User.ReadBasic.All is not accepted app-only (learn.microsoft.com/answers/questions/6019739).",
    calls: [
      get(`/users/{id}?${USER_SELECT}`, 'src/pim/directory-client.ts getUser()'),
      get(`/users/{id}/manager?${USER_SELECT}`, 'src/pim/directory-client.ts getManager()'),
    ],
    watcher: true,
  },
  {
    name: 'GroupMember.Read.All',
    id: '98830695-27a2-44f7-8c18-0c3ebc9698f6',
    type: 'Role',
    feature: 'Approver groups, feed admins, group names',
    why: 'Members of approver groups and of FEED_ADMIN_GROUP_ID; the names of PIM for Groups groups. Least privileged, narrower than Group.Read.All (DOCS group-list-members.md, group-get.md).',
    calls: [
      get('/groups/{id}?$select=id,displayName', 'src/pim/directory-client.ts getGroup()'),
      get(`/groups/{id}/members?${USER_SELECT}`, 'src/pim/directory-client.ts listGroupMembers()'),
    ],
    watcher: true,
  },
  {
    name: 'RoleManagement.ReadWrite.Directory',
    id: '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
    type: 'Role',
    feature: 'Activation watcher, approval follow-up and reconciliation',
    why: 'Listing role assignment schedule requests app-only: the only application permission the reference lists (DOCS includes/permissions/rbacapplication-list-roleassignmentschedulerequests-permissions.md); only requests show a denial, cancel or expiry. The bot only reads with it.',
    calls: [
      get(
        `${ROLES}/roleAssignmentScheduleRequests?$select=id,action,status,principalId,justification,ticketInfo,approvalId,createdDateTime,completedDateTime,scheduleInfo,isValidationOnly,targetScheduleId,roleDefinitionId,directoryScopeId`,
        'src/pim/pim-reader.ts listRoleAssignmentRequests()',
      ),
      get(
        `${ROLES}/roleAssignmentScheduleRequests?$filter=status%20eq%20'PendingApproval'&$select=id,status,createdDateTime,completedDateTime`,
        'src/approvals/pim-request-states.ts read()',
      ),
      get(
        `${ROLES}/roleAssignmentScheduleRequests/{id}?$select=id,status,createdDateTime,completedDateTime`,
        'src/approvals/pim-request-states.ts one()',
      ),
    ],
    watcher: true,
  },
  {
    name: 'RoleAssignmentSchedule.Read.Directory',
    id: 'd5fe8ce8-684c-4c83-a52c-46e882ce4be1',
    type: 'Role',
    feature: 'Approval follow-up, expiry jobs, watcher, group bundles in `roles`',
    why: 'Who holds which role now (is an activation provisioned, still active, until when; the roles a PIM for Groups group holds). Least privileged for assignment schedule instances (DOCS rbacapplication-list-roleassignmentscheduleinstances.md); asked for on its own so these keep working where RoleManagement.ReadWrite.Directory is withheld.',
    calls: [
      get(
        `${ROLES}/roleAssignmentScheduleInstances?$filter=principalId%20eq%20'{id}'&$select=id,principalId,startDateTime,endDateTime,assignmentType,memberType,roleDefinitionId,directoryScopeId,roleAssignmentScheduleId`,
        'src/pim/pim-reader.ts listRoleAssignmentInstances()',
      ),
    ],
    watcher: true,
  },
  {
    name: 'RoleManagement.Read.Directory',
    id: '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
    type: 'Role',
    feature: 'Role names: feed cards, channel subscriptions, group bundles',
    why: 'Role definitions (names): the reference lists no narrower permission for them, RoleAssignmentSchedule.* do not cover roleDefinitions (DOCS rbacapplication-list-roledefinitions.md, unifiedroledefinition-get.md).',
    calls: [
      get(`${ROLES}/roleDefinitions?$select=id,displayName`, 'src/pim/pim-reader.ts listRoleNames()'),
      get(`${ROLES}/roleDefinitions/{id}?$select=id,displayName`, 'src/pim/pim-reader.ts roleName()'),
    ],
    watcher: true,
  },
  {
    name: 'PrivilegedAssignmentSchedule.Read.AzureADGroup',
    id: 'cd4161cb-f098-48f8-a884-1eda9a42434c',
    type: 'Role',
    feature: 'Activation watcher and follow-up (PIM for Groups)',
    why: 'Group assignment requests of each WATCHED_GROUP_IDS group (Graph lists them only per group or principal) and instances to see when an activation ends. Least privileged app-only (DOCS privilegedaccessgroup-list-assignmentschedulerequests.md, privilegedaccessgroup-list-assignmentscheduleinstances.md; the PIM for Groups overview page names ReadWrite for requests: UNVERIFIED which one Graph enforces).',
    calls: [
      get(
        `${GROUPS}/assignmentScheduleRequests?$filter=groupId%20eq%20'{id}'&$select=id,status,createdDateTime,completedDateTime`,
        'src/pim/pim-reader.ts listGroupAssignmentRequests(), src/approvals/pim-request-states.ts read()',
      ),
      get(
        `${GROUPS}/assignmentScheduleInstances?$filter=principalId%20eq%20'{id}'&$select=id,principalId,startDateTime,endDateTime,assignmentType,memberType,groupId,accessId,assignmentScheduleId`,
        'src/pim/pim-reader.ts listGroupAssignmentInstances()',
      ),
    ],
    watcher: true,
  },
  {
    name: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
    id: '908de74d-f8b2-4d6b-a9ed-2a17b3b78179',
    type: 'Role',
    feature: 'Approval cards for approvers who never opened PIM Bot',
    why: 'Installs PIM Bot itself for such an approver and reads the chat to post in. Least privileged install permission; *Self* reaches only the app whose webApplicationInfo.id is this registration (DOCS userteamwork-post-installedapps.md, userteamwork-list-installedapps.md, userscopeteamsappinstallation-get-chat.md).',
    calls: [
      get(
        "/users/{id}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp%2FexternalId%20eq%20'{id}'",
        'src/teams/teams-app-installations.ts find()',
      ),
      post('/users/{id}/teamwork/installedApps', 'src/teams/teams-app-installations.ts install()'),
      get('/users/{id}/teamwork/installedApps/{id}/chat?$select=id', 'src/teams/teams-app-installations.ts chatId()'),
    ],
  },
];

/** The permissions of one type, in table order. */
export function graphPermissionsOfType(type: GraphPermissionType): GraphPermission[] {
  return GRAPH_PERMISSIONS.filter((p) => p.type === type);
}
