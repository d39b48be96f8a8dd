import type { EligibleItem } from '../../cards';
import { describeMinutes } from '../pim/iso-duration';
import type { ActivationPolicy, PimTarget } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import { scopeName } from '../activation/target-scope';
import { scopeText } from './scope-text';

/** Rows of the "my roles" card: a target with the badges of its policy (when it could be read). */
export function roleItems(
  targets: readonly PimTarget[],
  policies: ReadonlyArray<ActivationPolicy | undefined>,
): EligibleItem[] {
  return targets.map((target, i) => {
    const policy = policies[i];
    return {
      key: targetKey(target),
      name: target.displayName,
      kind: target.kind,
      // A role at an administrative unit or app scope says which: the same role may be listed at two scopes.
      accessLabel:
        target.kind === 'group'
          ? target.accessId === 'owner'
            ? 'Owner'
            : 'Member'
          : scopeName(target)
            ? scopeText(target)
            : undefined,
      maxDurationText: policy ? describeMinutes(policy.maxDurationMinutes) : 'unknown',
      requiresApproval: policy?.requiresApproval ?? false,
      requiresTicket: policy?.requiresTicket ?? false,
      requiresMfa: policy?.requiresMfa ?? false,
      requiresJustification: policy?.requiresJustification ?? false,
      authContext: policy?.authContext ?? null,
      activeUntilText: null,
    };
  });
}

/** "max 4 hours · approval · ticket · MFA" for text replies. */
export function policyBadges(policy: ActivationPolicy): string {
  return [
    `max ${describeMinutes(policy.maxDurationMinutes)}`,
    policy.requiresApproval ? 'approval' : undefined,
    policy.requiresTicket ? 'ticket' : undefined,
    policy.requiresMfa ? 'MFA' : undefined,
    policy.authContext ? `auth context ${policy.authContext}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** "Needs approval by Megan Bowen or PIM Approvers", or that none is needed. */
export function approvalText(policy: ActivationPolicy): string {
  if (!policy.requiresApproval) return 'No approval needed: it is active as soon as you confirm.';
  const names = policy.approvers.map((a) =>
    a.type === 'requestorManager' ? 'your manager' : (a.description ?? (a.type === 'user' ? a.userId : a.groupId)),
  );
  return names.length ? `Needs approval by ${names.join(' or ')}.` : 'Needs approval.';
}
