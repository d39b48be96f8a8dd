import type { ApprovalCardModel, StatusCardModel } from '../../cards';
import { describeMinutes } from '../pim/iso-duration';
import { formatLocalTime } from '../shared/local-time';
import type { TrackedRequest } from '../store/tracked-requests';
import { targetKey } from '../activation/target-key';

/** Approvers have 24 hours, not configurable in PIM. */
export const APPROVAL_WINDOW_MS = 24 * 3_600_000;

/** The approval card's view of a tracked request, as of now. */
export function approvalModel(
  request: TrackedRequest,
  options: { timeZone?: string; now: Date; alreadyDecidedNote?: string; errorText?: string; commentValue?: string },
): ApprovalCardModel {
  const at = (iso: string) => formatLocalTime(new Date(iso), options.timeZone, 'en-GB', options.now);
  return {
    requestId: request.requestId,
    kind: request.kind,
    requesterId: request.requester.aadObjectId,
    requesterName: request.requester.name,
    targetName: request.target.displayName,
    scopeText:
      request.target.kind === 'role'
        ? request.target.directoryScopeId === '/'
          ? 'Directory (tenant-wide)'
          : request.target.directoryScopeId
        : `Group ${request.target.accessId === 'owner' ? 'ownership' : 'membership'}`,
    durationText: describeMinutes(request.durationMinutes),
    justification: request.justification ?? null,
    ticketNumber: request.ticket ?? null,
    ticketSystem: request.ticketSystem ?? null,
    requestedAtText: at(request.requestedAt),
    expiresAtText: at(new Date(new Date(request.requestedAt).getTime() + APPROVAL_WINDOW_MS).toISOString()),
    hints: request.hints,
    state: request.status,
    decidedByName: request.decidedBy?.name ?? null,
    decidedAtText: request.decidedAt ? at(request.decidedAt) : null,
    decisionComment: request.decisionComment ?? null,
    alreadyDecidedNote: options.alreadyDecidedNote ?? null,
    errorText: options.errorText ?? null,
    commentValue: options.commentValue ?? null,
    approverIds: request.approvers.map((a) => a.aadObjectId),
    approverMris: request.approvers.map((a) => a.mri).filter((m): m is string => Boolean(m)),
  };
}

/** The requester's status card for a tracked request. */
export function requesterStatusModel(request: TrackedRequest, now: Date): StatusCardModel {
  const approvers = request.approvers.map((a) => a.name).join(' or ');
  const base: StatusCardModel = {
    requestKey: request.requestId,
    state: 'pendingApproval',
    targetName: request.target.displayName,
    durationText: describeMinutes(request.durationMinutes),
    justification: request.justification ?? null,
    ticketNumber: request.ticket ?? null,
    approversText: approvers ? `Waiting for ${approvers}.` : null,
  };
  const by = request.decidedBy ? ` by ${request.decidedBy.name}` : '';
  switch (request.status) {
    case 'approved':
      return request.activeUntil
        ? {
            ...base,
            state: 'active',
            approversText: `Approved${by}.`,
            activeUntilText: formatLocalTime(new Date(request.activeUntil), request.requesterTimeZone, 'en-GB', now),
            deactivateKey: targetKey(request.target),
            ownerAadObjectId: request.requester.aadObjectId,
          }
        : { ...base, approversText: `Approved${by}; PIM is activating it.` };
    case 'denied':
      return {
        ...base,
        state: 'denied',
        approversText: `Denied${by}.`,
        updatedText: request.decisionComment ? `Reason: ${request.decisionComment}` : null,
      };
    case 'expired':
      return {
        ...base,
        state: 'expired',
        approversText: 'Nobody decided within 24 hours, so PIM let the request expire.',
        updatedText: 'Ask again if you still need it.',
      };
    case 'canceled':
      return { ...base, state: 'canceled' };
    case 'failed':
      return {
        ...base,
        state: 'failed',
        failure: { message: 'PIM could not complete the request.', fix: 'Ask again.' },
      };
    default:
      return base;
  }
}
