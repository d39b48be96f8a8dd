import type {
  UnifiedRoleManagementPolicy,
  UnifiedRoleManagementPolicyApprovalRule,
  UnifiedRoleManagementPolicyAuthenticationContextRule,
  UnifiedRoleManagementPolicyEnablementRule,
  UnifiedRoleManagementPolicyExpirationRule,
  UnifiedRoleManagementPolicyRule,
} from '@microsoft/microsoft-graph-types';
import { isoDurationToMinutes } from './iso-duration';
import type { ActivationPolicy, PolicyApprover } from './pim-types';

/** Entra's default when a policy says nothing: 8 hours (PIM-API.md §2). */
const DEFAULT_MAX = 'PT8H';

type Rule = UnifiedRoleManagementPolicyRule & { '@odata.type'?: string };

/** The end-user activation rule of one kind: by its well-known id, else by type + target. */
function endUserRule<T extends Rule>(rules: Rule[], id: string, odataType: string): T | undefined {
  const byId = rules.find((r) => r.id === id);
  if (byId) return byId as T;
  return rules.find(
    (r) =>
      r['@odata.type']?.toLowerCase() === odataType.toLowerCase() &&
      r.target?.caller?.toLowerCase() === 'enduser' &&
      r.target?.level?.toLowerCase() === 'assignment',
  ) as T | undefined;
}

function approverOf(subject: Record<string, unknown>): PolicyApprover | undefined {
  const type = String(subject['@odata.type'] ?? '').toLowerCase();
  const description = typeof subject.description === 'string' ? subject.description : null;
  if (type.endsWith('singleuser') && typeof subject.userId === 'string') {
    return { type: 'user', userId: subject.userId, description };
  }
  if (type.endsWith('groupmembers') && typeof subject.groupId === 'string') {
    return { type: 'group', groupId: subject.groupId, description };
  }
  if (type.endsWith('requestormanager')) {
    return { type: 'requestorManager', managerLevel: Number(subject.managerLevel ?? 1) };
  }
  return undefined;
}

/** Reduces a unifiedRoleManagementPolicy (rules expanded) to what activation needs. */
export function toActivationPolicy(policy: UnifiedRoleManagementPolicy): ActivationPolicy {
  const rules = (policy.rules ?? []) as Rule[];
  const expiration = endUserRule<UnifiedRoleManagementPolicyExpirationRule>(
    rules,
    'Expiration_EndUser_Assignment',
    '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
  );
  const enablement = endUserRule<UnifiedRoleManagementPolicyEnablementRule>(
    rules,
    'Enablement_EndUser_Assignment',
    '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
  );
  const approval = endUserRule<UnifiedRoleManagementPolicyApprovalRule>(
    rules,
    'Approval_EndUser_Assignment',
    '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
  );
  const authContext = endUserRule<UnifiedRoleManagementPolicyAuthenticationContextRule>(
    rules,
    'AuthenticationContext_EndUser_Assignment',
    '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
  );

  const maxDuration = expiration?.maximumDuration ?? DEFAULT_MAX;
  const enabled = new Set((enablement?.enabledRules ?? []).map((r) => r.toLowerCase()));
  const setting = approval?.setting;
  const stage = setting?.approvalStages?.[0];
  const requiresApproval = setting?.isApprovalRequired === true;
  const approvers = requiresApproval
    ? (stage?.primaryApprovers ?? [])
        .map((s) => approverOf(s as unknown as Record<string, unknown>))
        .filter((a): a is PolicyApprover => a !== undefined)
    : [];

  return {
    policyId: policy.id ?? '',
    maxDuration,
    maxDurationMinutes: isoDurationToMinutes(maxDuration) ?? 480,
    requiresJustification: enabled.has('justification'),
    requiresTicket: enabled.has('ticketing'),
    requiresMfa: enabled.has('multifactorauthentication'),
    authContext: authContext?.isEnabled ? (authContext.claimValue ?? null) : null,
    requiresApproval,
    approvers,
    approverJustificationRequired: stage?.isApproverJustificationRequired ?? true,
  };
}
