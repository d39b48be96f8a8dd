import type { PendingApprovalItem } from '../../cards';
import type { InboxEntry } from '../approvals/approval-inbox';
import { APPROVAL_WINDOW_MS } from '../approvals/approval-timers';
import { describeMinutes } from '../pim/iso-duration';
import { formatLocalTime } from '../shared/local-time';

/** The inbox card's rows, times in the approver's time zone. */
export function inboxItems(
  entries: readonly InboxEntry[],
  options: { now: Date; timeZone?: string },
): PendingApprovalItem[] {
  const { now, timeZone } = options;
  return entries.map(({ request, tracked, requesterName }) => {
    const requested = request.createdDateTime ?? now;
    return {
      requestId: request.id,
      requesterName,
      targetName: tracked?.target.displayName ?? request.roleDefinitionId ?? request.groupId ?? 'role',
      durationText: tracked ? describeMinutes(tracked.durationMinutes) : (request.duration ?? ''),
      justification: request.justification,
      ticketNumber: request.ticket?.ticketNumber ?? null,
      requestedAtText: formatLocalTime(requested, timeZone, 'en-GB', now),
      expiresAtText: formatLocalTime(new Date(requested.getTime() + APPROVAL_WINDOW_MS), timeZone, 'en-GB', now),
      hints: tracked?.approval?.hints ?? null,
    };
  });
}
