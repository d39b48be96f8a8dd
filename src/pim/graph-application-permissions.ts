import { get, GROUPS, post, ROLES, USER_SELECT, type GraphPermission } from './graph-permission-types';

/** Application rows of the Graph permission table (graph-permissions.ts: the whole table and how it is checked). */
export const APPLICATION_GRAPH_PERMISSIONS: readonly GraphPermission[] = [
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
    why: 'Members of approver groups (nested ones too) and of FEED_ADMIN_GROUP_ID; the names of PIM for Groups groups. Least privileged, narrower than Group.Read.All (DOCS group-list-members.md, group-list-transitivemembers.md, group-get.md).',
    calls: [
      get('/groups/{id}?$select=id,displayName', 'src/pim/directory-client.ts getGroup()'),
      get(`/groups/{id}/members?${USER_SELECT}`, 'src/pim/directory-client.ts listGroupMembers()'),
      // Approver groups, nested ones followed; with ConsistencyLevel: eventual (an advanced query).
      get(
        `/groups/{id}/transitiveMembers/microsoft.graph.user?$count=true&${USER_SELECT}`,
        'src/pim/directory-client.ts listGroupUsersTransitive()',
      ),
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
        `${ROLES}/roleAssignmentScheduleRequests?$filter=principalId%20eq%20'{id}'&$select=id,action,status,principalId,createdDateTime,completedDateTime,scheduleInfo,targetScheduleId,roleDefinitionId,directoryScopeId`,
        'src/pim/pim-reader.ts listRoleAssignmentRequestsOf()',
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
    feature: 'Role names: feed cards, channel subscriptions, group bundles; default approvers',
    why: 'Role definitions (names), and who holds Privileged Role Administrator or Global Administrator when a PIM policy names no approvers (they then approve): the reference lists no narrower permission for either, RoleAssignmentSchedule.* do not cover roleDefinitions or roleAssignments (DOCS rbacapplication-list-roledefinitions.md, unifiedroledefinition-get.md, rbacapplication-list-roleassignments.md).',
    calls: [
      get(`${ROLES}/roleDefinitions?$select=id,displayName`, 'src/pim/pim-reader.ts listRoleNames()'),
      get(`${ROLES}/roleDefinitions/{id}?$select=id,displayName`, 'src/pim/pim-reader.ts roleName()'),
      // Default approvers: who holds Privileged Role Administrator or Global Administrator now.
      get(
        `${ROLES}/roleAssignments?$filter=roleDefinitionId%20eq%20'{id}'&$expand=principal`,
        'src/pim/directory-client.ts listRoleHolders()',
      ),
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
        `${GROUPS}/assignmentScheduleRequests?$filter=principalId%20eq%20'{id}'&$select=id,action,status,principalId,createdDateTime,groupId,accessId`,
        'src/pim/pim-reader.ts listGroupAssignmentRequestsOf()',
      ),
      get(
        `${GROUPS}/assignmentScheduleInstances?$filter=principalId%20eq%20'{id}'&$select=id,principalId,startDateTime,endDateTime,assignmentType,memberType,groupId,accessId,assignmentScheduleId`,
        'src/pim/pim-reader.ts listGroupAssignmentInstances()',
      ),
    ],
    watcher: true,
  },
  {
    name: 'AuditLog.Read.All',
    id: 'b0afded3-3588-46d8-8b3d-9842eff778da',
    type: 'Role',
    feature: 'Activation watcher: what changed, without reading every request',
    why: "PIM's directory audit entries since the last tick name the principals whose requests changed, so a tick reads only theirs (issue 19; FEATURES-API.md §5). The page lists 'AuditLog.Read.All and Directory.Read.All' (DOCS directoryaudit-list.md): AuditLog.Read.All is the one that grants audit data (Directory.Read.All alone is refused for audit reports, microsoft-graph-docs-contrib#8997) and Directory.Read.All would read the whole directory, so only AuditLog.Read.All is asked for. Without it (or without a P1/P2 licence) the watcher falls back to reading every request.",
    calls: [
      get(
        "/auditLogs/directoryAudits?$filter=category%20eq%20'RoleManagement'%20and%20activityDateTime%20ge%202026-01-01T00%3A00%3A00.000Z&$orderby=activityDateTime%20asc&$top=1000",
        'src/pim/audit-reader.ts changesSince()',
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
