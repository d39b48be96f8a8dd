import { TEXT_LIMITS } from '../../cards';
import type { PimRequest } from '../requests/pim-request';
import { plainPart } from './plain-message';

/*
 * Names and the approver's comment come from the directory and from people: each goes in through plainPart, so
 * none of them can format, link or mention anything in the message (see ./plain-message.ts).
 */

/** "Still waiting for your decision", to an approver who has not decided yet. */
export function reminderText(request: PimRequest): string {
  const requester = plainPart(request.requester.name) || 'Someone';
  return `Reminder: ${requester} is still waiting for your decision on ${plainPart(request.target.displayName)}.`;
}

/** What the requester is told once their request was decided, or undefined while it was not. */
export function decidedText(request: PimRequest): string | undefined {
  const decider = request.approval?.decision?.by;
  // A decision read back from PIM (portal, e-mail, PowerShell) has no decider the app may see: no object id.
  const by = decider && !decider.aadObjectId ? 'An approver outside Teams' : plainPart(decider?.name) || 'An approver';
  const target = plainPart(request.target.displayName);
  switch (request.status) {
    case 'approved':
    case 'active':
      return `${by} approved your request for ${target}.`;
    case 'denied': {
      const comment = plainPart(request.approval?.decision?.comment, TEXT_LIMITS.text);
      return `${by} denied your request for ${target}${comment ? `: ${comment}` : '.'}`;
    }
    case 'timedOut':
      return `Nobody approved your request for ${target} within 24 hours, so it expired. Ask again if you still need it.`;
    default:
      return undefined;
  }
}
