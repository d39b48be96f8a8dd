import type { PimTarget } from '../pim/pim-types';
import type { ApprovalHint } from '../requests/pim-request';

/** Roles whose activation deserves a second look whatever the rest says. */
const HIGH_PRIVILEGE_ROLES = new Set([
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
  'e8611ab8-c189-46e8-94e1-60213ab1f814', // Privileged Role Administrator
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', // Privileged Authentication Administrator
  '194ae4cb-b126-40b2-bd5b-6091b380977d', // Security Administrator
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', // Conditional Access Administrator
]);

export interface HintInput {
  target: PimTarget;
  requestedAt: Date;
  /** The requester's time zone (Teams client), for "outside business hours". */
  timeZone?: string;
  /** Other requests of this requester still waiting. */
  otherPending: number;
  /** Has the requester asked for this target before (through the bot)? */
  askedBefore: boolean;
  isBreakGlass: boolean;
  /** The approvers are PIM's defaults (Privileged Role and Global Administrators): the policy names nobody. */
  defaultApprovers?: boolean;
}

/** What a reviewer should notice before approving, as codes (the target's name is the request's): views word them. */
export function approvalHints(input: HintInput): ApprovalHint[] {
  const hints: ApprovalHint[] = [];
  if (input.isBreakGlass) {
    hints.push({ kind: 'breakGlass' });
  }
  if (input.defaultApprovers) {
    hints.push({ kind: 'defaultApprovers' });
  }
  if (input.target.kind === 'role' && HIGH_PRIVILEGE_ROLES.has(input.target.roleDefinitionId)) {
    hints.push({ kind: 'highPrivilege' });
  }
  const { hour, weekday } = localHour(input.requestedAt, input.timeZone);
  if (weekday === 'Sat' || weekday === 'Sun' || hour < 8 || hour >= 18) {
    hints.push({ kind: 'outsideBusinessHours' });
  }
  if (input.otherPending > 0) {
    hints.push({ kind: 'severalRoles', count: input.otherPending });
  }
  if (!input.askedBefore) {
    hints.push({ kind: 'firstTime' });
  }
  return hints;
}

function localHour(at: Date, timeZone?: string): { hour: number; weekday: string } {
  let zone = 'UTC';
  try {
    if (timeZone) {
      new Intl.DateTimeFormat('en', { timeZone });
      zone = timeZone;
    }
  } catch {
    zone = 'UTC';
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hour: 'numeric',
    hourCycle: 'h23',
    weekday: 'short',
  }).formatToParts(at);
  return {
    hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 12),
    weekday: parts.find((p) => p.type === 'weekday')?.value ?? 'Mon',
  };
}
