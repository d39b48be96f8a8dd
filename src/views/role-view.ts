import type { EligibleItem } from '../../cards';
import { describeMinutes } from '../pim/iso-duration';
import { type ActivationPolicy, type AssignmentInstance, isActivated, type PimTarget } from '../pim/pim-types';
import { sameTarget, targetKey } from '../pim/target-key';
import { scopeName } from '../activation/target-scope';
import { scopeText } from './scope-text';
import { formatDuration, formatTime, formattingLocale, translator } from '../i18n';

/** What else the "my roles" card shows: what is active now, and the roles each group grants. */
export interface RoleListContext {
  /** The user's assignments in effect now: an activated one marks its row "Active until …, … left". */
  active?: readonly AssignmentInstance[];
  /** Per target (same order), the roles a group grants; undefined when unknown or not a group. */
  grants?: ReadonlyArray<readonly string[] | undefined>;
  now: Date;
  timeZone?: string;
  locale?: string;
}

/** Rows of the "my roles" card: a target with the badges of its policy (when it could be read). */
export function roleItems(
  targets: readonly PimTarget[],
  policies: ReadonlyArray<ActivationPolicy | undefined>,
  context?: RoleListContext,
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
      // No policy read: the card says the maximum is unknown, in the reader's words.
      maxDurationText: policy ? formatDuration(policy.maxDurationMinutes, context?.locale) : '',
      requiresApproval: policy?.requiresApproval ?? false,
      requiresTicket: policy?.requiresTicket ?? false,
      requiresMfa: policy?.requiresMfa ?? false,
      requiresJustification: policy?.requiresJustification ?? false,
      authContext: policy?.authContext ?? null,
      activeUntilText: context ? activeUntilText(target, context) : null,
      grantsRoles: context?.grants?.[i] ? [...(context.grants[i] ?? [])] : undefined,
    };
  });
}

/** "14:30 (UTC+1), 1 hour 20 minutes left" for a target the user has activated now; null otherwise. */
function activeUntilText(target: PimTarget, context: RoleListContext): string | null {
  const running = context.active?.find((a) => isActivated(a) && sameTarget(a.target, target));
  if (!running) return null;
  const t = translator(context.locale);
  const end = running.endDateTime;
  if (!end) return t('myRoles:noEnd');
  const leftMinutes = Math.max(1, Math.round((end.getTime() - context.now.getTime()) / 60_000));
  return t('myRoles:activeUntilLeft', {
    until: formatTime(end, context.locale, context.timeZone, context.now),
    left: formatDuration(leftMinutes, context.locale),
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

/** "Needs approval by Megan Bowen or PIM Approvers", or that none is needed, in the reader's words. */
export function approvalText(policy: ActivationPolicy, locale?: string | null): string {
  const t = translator(locale);
  if (!policy.requiresApproval) return t('activation:approval.none');
  const names = policy.approvers.map((a) =>
    a.type === 'requestorManager'
      ? t('activation:approval.manager')
      : (a.description ?? (a.type === 'user' ? a.userId : a.groupId)),
  );
  if (names.length === 0) return t('activation:approval.needed');
  // "A or B", "A, B or C" / "A oder B": the language's own list words (CLDR, through Intl).
  const list = new Intl.ListFormat(formattingLocale(locale), { type: 'disjunction' }).format(names);
  return t('activation:approval.by', { names: list });
}
