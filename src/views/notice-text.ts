import type { PimRequest } from '../requests/pim-request';

/** "Still waiting for your decision", to an approver who has not decided yet. */
export function reminderText(request: PimRequest): string {
  return `Reminder: ${request.requester.name} is still waiting for your decision on ${request.target.displayName}.`;
}

/** What the requester is told once their request was decided, or undefined while it was not. */
export function decidedText(request: PimRequest): string | undefined {
  const by = request.approval?.decision?.by.name ?? 'An approver';
  const target = request.target.displayName;
  switch (request.status) {
    case 'approved':
    case 'active':
      return `${by} approved your request for ${target}.`;
    case 'denied': {
      const comment = request.approval?.decision?.comment;
      return `${by} denied your request for ${target}${comment ? `: ${comment}` : '.'}`;
    }
    case 'timedOut':
      return `Nobody approved your request for ${target} within 24 hours, so it expired. Ask again if you still need it.`;
    default:
      return undefined;
  }
}
