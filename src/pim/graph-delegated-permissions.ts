import { get, GROUPS, post, ROLES, type GraphPermission } from './graph-permission-types';

/** Access review definitions (FEATURES-API.md §1). */
const REVIEWS = '/identityGovernance/accessReviews/definitions';

/** Delegated rows of the Graph permission table (graph-permissions.ts: the whole table and how it is checked). */
export const DELEGATED_GRAPH_PERMISSIONS: readonly GraphPermission[] = [
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
  {
    name: 'AccessReview.ReadWrite.All',
    id: 'e4aa47b9-9a69-4109-82ed-36ec70d85ff1',
    type: 'Scope',
    feature: 'Access reviews (deciding as the reviewer)',
    why: 'The only permission for recording a decision (PATCH) and acceptRecommendations, neither available to an application (FEATURES-API.md §1.7; DOCS accessreviewinstancedecisionitem-update.md, accessreviewinstance-acceptrecommendations.md); it also covers the reviewer reads, for which AccessReview.Read.All alone would do. Graph limits it to reviews the user may see.',
    calls: [
      get(
        "/identityGovernance/accessReviews/definitions/filterByCurrentUser(on='reviewer')",
        'src/reviews/access-review-client.ts listMyPendingReviews()',
      ),
      get(
        `${REVIEWS}/{id}/instances/filterByCurrentUser(on='reviewer')?$filter=status%20eq%20'InProgress'`,
        'src/reviews/access-review-client.ts listMyPendingReviews()',
      ),
      get(
        `${REVIEWS}/{id}/instances/{id}/decisions/filterByCurrentUser(on='reviewer')?$top=100&$skip=0`,
        'src/reviews/access-review-client.ts listItems(), recordDecision() (read before and after)',
      ),
      {
        method: 'PATCH',
        path: `${REVIEWS}/{id}/instances/{id}/decisions/{id}`,
        version: 'v1.0',
        by: 'src/reviews/access-review-client.ts recordDecision()',
      },
      post(
        `${REVIEWS}/{id}/instances/{id}/acceptRecommendations`,
        'src/reviews/access-review-client.ts acceptRecommendations()',
      ),
    ],
  },
];
