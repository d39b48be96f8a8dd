import { approvalRequired as isApprovalRequired, type FixtureApprover } from '../tenant/tenant-fixture';
import type { ResolvedPolicy } from './fixture-loader';
import type { JsonObject } from './json';
import type { EntityNode } from './odata/query';

const RULE_TYPE = 'microsoft.graph.unifiedRoleManagementPolicyRule';

function target(caller: 'Admin' | 'EndUser', level: 'Eligibility' | 'Assignment'): JsonObject {
  return { caller, operations: ['all'], level, inheritableSettings: [], enforcedSettings: [] };
}

function approverJson(a: FixtureApprover): JsonObject {
  switch (a.type) {
    case 'singleUser':
      return { '@odata.type': '#microsoft.graph.singleUser', userId: a.userId, description: a.description ?? null };
    case 'groupMembers':
      return { '@odata.type': '#microsoft.graph.groupMembers', groupId: a.groupId, description: a.description ?? null };
    case 'requestorManager':
      return { '@odata.type': '#microsoft.graph.requestorManager', managerLevel: a.managerLevel };
  }
}

function notification(
  id: string,
  recipientType: string,
  caller: 'Admin' | 'EndUser',
  level: 'Eligibility' | 'Assignment',
): JsonObject {
  return {
    '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyNotificationRule',
    id,
    notificationType: 'Email',
    recipientType,
    notificationLevel: 'All',
    isDefaultRecipientsEnabled: true,
    notificationRecipients: [],
    target: target(caller, level),
  };
}

/**
 * The 17 rules of a PIM policy, with the ids and @odata.types Graph lists (PIM-API.md §2). The
 * *_EndUser_Assignment rules come from the fixture's activation settings; the admin and notification
 * rules carry Entra's defaults.
 */
export function policyRules(policy: ResolvedPolicy): JsonObject[] {
  const a = policy.activation;
  const approvers = a.approvers ?? [];
  const approvalRequired = isApprovalRequired(a);
  return [
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_Admin_Eligibility',
      isExpirationRequired: false,
      maximumDuration: 'P365D',
      target: target('Admin', 'Eligibility'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_Admin_Eligibility',
      enabledRules: [],
      target: target('Admin', 'Eligibility'),
    },
    notification('Notification_Admin_Admin_Eligibility', 'Admin', 'Admin', 'Eligibility'),
    notification('Notification_Requestor_Admin_Eligibility', 'Requestor', 'Admin', 'Eligibility'),
    notification('Notification_Approver_Admin_Eligibility', 'Approver', 'Admin', 'Eligibility'),
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: false,
      maximumDuration: 'P180D',
      target: target('Admin', 'Assignment'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_Admin_Assignment',
      enabledRules: ['Justification'],
      target: target('Admin', 'Assignment'),
    },
    notification('Notification_Admin_Admin_Assignment', 'Admin', 'Admin', 'Assignment'),
    notification('Notification_Requestor_Admin_Assignment', 'Requestor', 'Admin', 'Assignment'),
    notification('Notification_Approver_Admin_Assignment', 'Approver', 'Admin', 'Assignment'),
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
      id: 'Approval_EndUser_Assignment',
      setting: {
        isApprovalRequired: approvalRequired,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: a.approverJustificationRequired ?? true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: approvers.map(approverJson),
            escalationApprovers: [],
          },
        ],
      },
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled: a.authenticationContext !== undefined,
      claimValue: a.authenticationContext ?? null,
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_EndUser_Assignment',
      enabledRules: [...a.enabledRules],
      target: target('EndUser', 'Assignment'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: true,
      maximumDuration: a.maximumDuration,
      target: target('EndUser', 'Assignment'),
    },
    notification('Notification_Admin_EndUser_Assignment', 'Admin', 'EndUser', 'Assignment'),
    notification('Notification_Requestor_EndUser_Assignment', 'Requestor', 'EndUser', 'Assignment'),
    notification('Notification_Approver_EndUser_Assignment', 'Approver', 'EndUser', 'Assignment'),
  ];
}

export function ruleNode(json: JsonObject): EntityNode {
  return { typeName: RULE_TYPE, json };
}

/** `scopeType` defaults to 'Directory' for roles (the policy read by id); an expansion passes its own. */
export function policyNode(policy: ResolvedPolicy, scopeType?: string): EntityNode {
  const isRole = policy.kind === 'role';
  const rules = (): EntityNode[] => policyRules(policy).map(ruleNode);
  return {
    typeName: 'microsoft.graph.unifiedRoleManagementPolicy',
    json: {
      id: policy.id,
      displayName: isRole ? 'DirectoryRole' : 'Group',
      description: isRole ? 'DirectoryRole' : 'Group',
      isOrganizationDefault: false,
      scopeId: isRole ? '/' : (policy.groupId ?? ''),
      scopeType: scopeType ?? (isRole ? 'Directory' : 'Group'),
      lastModifiedDateTime: null,
      lastModifiedBy: { displayName: null, id: null },
    },
    navigation: { rules, effectiveRules: rules },
  };
}

/** A policy assignment, and its policy when expanded, answering `scopeType` (see policyAssignmentScopeType). */
export function policyAssignmentNode(policy: ResolvedPolicy, scopeType: string): EntityNode {
  const isRole = policy.kind === 'role';
  return {
    typeName: 'microsoft.graph.unifiedRoleManagementPolicyAssignment',
    json: {
      id: policy.assignmentId,
      policyId: policy.id,
      scopeId: isRole ? '/' : (policy.groupId ?? ''),
      scopeType,
      roleDefinitionId: isRole ? policy.roleDefinitionId : policy.accessId,
    },
    navigation: { policy: () => policyNode(policy, scopeType) },
  };
}

/**
 * The `scopeType` a role policy assignment answers. The filter may name the tenant scope `Directory` or
 * `DirectoryRole` (both documented). Unexpanded, the docs' sample echoes the filter (`Directory` in,
 * `Directory` out); with `$expand=policy` the answer (and the expanded policy) say `DirectoryRole` (docs
 * sample, and issue 12's observation of real tenants for a `Directory` filter). Source: DOCS
 * api-reference/v1.0/api/policyroot-list-rolemanagementpolicyassignments.md examples 1 and 2.
 */
export function policyAssignmentScopeType(requested: string, policyExpanded: boolean): string {
  return policyExpanded ? 'DirectoryRole' : requested;
}
