import { stableGuid } from '../graph/ids';
import type { Json, JsonObject } from '../graph/json';
import { type ArmFixture, type ArmPolicyFixture, DEFAULT_POLICY } from './fixture';
import { ancestry, describeScope, roleDefinitionResourceId, sameScope } from './scopes';

/**
 * roleManagementPolicies and their assignments per scope (ARM-PIM.md §3.5). A role's policy at a scope is
 * the fixture's entry at that scope or, failing that, the nearest parent's, else Azure's default; the same
 * lookup governs an activation narrowed below the eligibility scope (UNVERIFIED which policy ARM applies
 * there: FIDELITY.md).
 */

export interface EffectivePolicy extends ArmPolicyFixture {
  /** The scope whose policy resource this is (the scope asked about). */
  policyScope: string;
  policyGuid: string;
}

export function effectivePolicy(fixture: ArmFixture, scope: string, roleGuid: string): EffectivePolicy {
  const policyGuid = stableGuid('arm-policy', scope.toLowerCase(), roleGuid.toLowerCase());
  for (const s of ancestry(scope)) {
    const found = fixture.policies.find(
      (p) => sameScope(p.scope, s) && p.roleDefinitionId.toLowerCase() === roleGuid.toLowerCase(),
    );
    if (found) return { ...found, policyScope: scope, policyGuid };
  }
  return { ...DEFAULT_POLICY, scope, roleDefinitionId: roleGuid, policyScope: scope, policyGuid };
}

function target(): JsonObject {
  return {
    caller: 'EndUser',
    operations: ['All'],
    level: 'Assignment',
    targetObjects: [],
    inheritableSettings: [],
    enforcedSettings: [],
  };
}

/** The end-user activation rules, with the ids and rule types of the spec examples (ARM-PIM.md §3.5). */
export function policyRules(p: ArmPolicyFixture, users: ArmFixture['users']): Json[] {
  const approvers = p.approverIds ?? [];
  return [
    {
      id: 'Expiration_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyExpirationRule',
      isExpirationRequired: true,
      maximumDuration: p.maximumDuration,
      target: target(),
    },
    {
      id: 'Enablement_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyEnablementRule',
      enabledRules: [...p.enabledRules],
      target: target(),
    },
    {
      id: 'Approval_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyApprovalRule',
      setting: {
        isApprovalRequired: approvers.length > 0,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: approvers.length > 0 ? 'SingleStage' : 'NoApproval',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: true,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: approvers.map((id) => ({
              id,
              userType: 'User',
              isBackup: false,
              description: users.find((u) => u.id === id)?.displayName ?? id,
            })),
          },
        ],
      },
      target: target(),
    },
    {
      id: 'AuthenticationContext_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyAuthenticationContextRule',
      isEnabled: p.authenticationContext !== undefined,
      ...(p.authenticationContext ? { claimValue: p.authenticationContext } : {}),
      target: target(),
    },
    {
      id: 'Notification_Approver_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyNotificationRule',
      notificationType: 'Email',
      recipientType: 'Approver',
      notificationLevel: 'Critical',
      isDefaultRecipientsEnabled: true,
      notificationRecipients: [],
      target: target(),
    },
  ];
}

const PROVIDER = '/providers/Microsoft.Authorization';

export function policyJson(fixture: ArmFixture, p: EffectivePolicy): JsonObject {
  const rules = policyRules(p, fixture.users);
  const scopeInfo = describeScope(p.policyScope, fixture.scopes);
  return {
    id: `${p.policyScope}${PROVIDER}/roleManagementPolicies/${p.policyGuid}`,
    name: p.policyGuid,
    type: 'Microsoft.Authorization/RoleManagementPolicies',
    properties: {
      scope: p.policyScope,
      displayName: 'Default',
      description: 'Default',
      isOrganizationDefault: false,
      rules,
      effectiveRules: rules,
      policyProperties: { scope: { ...scopeInfo } },
    },
  };
}

export function policyAssignmentJson(fixture: ArmFixture, p: EffectivePolicy): JsonObject {
  const role = fixture.roleDefinitions.find((r) => r.id.toLowerCase() === p.roleDefinitionId.toLowerCase());
  const roleId = roleDefinitionResourceId(p.policyScope, p.roleDefinitionId);
  const policyId = `${p.policyScope}${PROVIDER}/roleManagementPolicies/${p.policyGuid}`;
  const name = `${p.policyGuid}_${p.roleDefinitionId}`;
  return {
    id: `${p.policyScope}${PROVIDER}/roleManagementPolicyAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/RoleManagementPolicyAssignment',
    properties: {
      scope: p.policyScope,
      roleDefinitionId: roleId,
      policyId,
      effectiveRules: policyRules(p, fixture.users),
      policyAssignmentProperties: {
        scope: { ...describeScope(p.policyScope, fixture.scopes) },
        roleDefinition: {
          id: roleId,
          displayName: role?.roleName ?? p.roleDefinitionId,
          type: role?.type ?? 'BuiltInRole',
        },
        policy: { id: policyId },
      },
    },
  };
}

/** Every role's policy at a scope: one per role definition of the fixture (ARM creates them per scope). */
export function policiesAt(fixture: ArmFixture, scope: string): EffectivePolicy[] {
  return fixture.roleDefinitions.map((r) => effectivePolicy(fixture, scope, r.id));
}
