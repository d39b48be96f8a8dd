import type { EligibleItem } from '../cards';
import { targetKey } from '../src/activation/target-key';
import { describeMinutes } from '../src/pim/iso-duration';
import type { ActivationPolicy, PimTarget } from '../src/pim/pim-types';

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
      accessLabel: target.kind === 'group' ? (target.accessId === 'owner' ? 'Owner' : 'Member') : undefined,
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
