import type { ApprovalCardModel, ApprovalState } from '../../cards';
import { APPROVAL_WINDOW_MS } from '../approvals/approval-timers';
import { describeMinutes } from '../pim/iso-duration';
import type { PimRequest, RequestStatus } from '../requests/pim-request';
import { type Reader, readerTime } from '../shared/local-time';
import { scopeText } from './scope-text';

/** The approval card's state for where the request stands (an approved request stays "Approved" when it ends). */
const APPROVAL_STATE: Readonly<Record<RequestStatus, ApprovalState>> = {
  pendingApproval: 'pending',
  approved: 'approved',
  active: 'approved',
  expired: 'approved',
  deactivated: 'approved',
  denied: 'denied',
  timedOut: 'expired',
  canceled: 'canceled',
  failed: 'failed',
};

export interface ApprovalViewOptions {
  now: Date;
  /** Who reads the card (their time zone and locale); UTC when unknown. */
  reader?: Reader;
  alreadyDecidedNote?: string;
  errorText?: string;
  commentValue?: string;
}

/** The approval card's view of a request, as of now. */
export function approvalCardModel(request: PimRequest, options: ApprovalViewOptions): ApprovalCardModel {
  const at = (iso: string) => readerTime(iso, options.reader ?? {}, options.now);
  const approval = request.approval;
  const decision = approval?.decision;
  return {
    requestId: request.id,
    kind: request.target.kind,
    requesterId: request.requester.aadObjectId,
    requesterName: request.requester.name,
    targetName: request.target.displayName,
    scopeText: approvalScopeText(request),
    durationText: describeMinutes(request.durationMinutes),
    justification: request.justification ?? null,
    ticketNumber: request.ticket?.ticketNumber ?? null,
    ticketSystem: request.ticket?.ticketSystem ?? null,
    requestedAtText: at(request.requestedAt),
    expiresAtText: at(new Date(new Date(request.requestedAt).getTime() + APPROVAL_WINDOW_MS).toISOString()),
    hints: approval?.hints ?? [],
    state: APPROVAL_STATE[request.status],
    decidedByName: decision?.by.name ?? null,
    decidedAtText: decision ? at(decision.at) : null,
    decisionComment: decision?.comment ?? null,
    alreadyDecidedNote: options.alreadyDecidedNote ?? null,
    errorText: options.errorText ?? null,
    commentValue: options.commentValue ?? null,
    approverIds: (approval?.approvers ?? []).map((a) => a.aadObjectId),
    approverMris: (approval?.approvers ?? []).map((a) => a.mri).filter((m): m is string => Boolean(m)),
  };
}

/** "Already approved by Megan Bowen at 14:02 CET.", for an approver who clicked a stale card (their time). */
export function decidedNote(request: PimRequest, reader: Reader = {}, now: Date = new Date()): string | undefined {
  const state = APPROVAL_STATE[request.status];
  const decision = request.approval?.decision;
  if (state === 'approved' || state === 'denied') {
    const at = decision ? ` at ${readerTime(decision.at, reader, now)}` : '';
    return `Already ${state} by ${decision?.by.name ?? 'another approver'}${at}.`;
  }
  if (state === 'expired') return 'This request expired: nobody decided within 24 hours.';
  return undefined;
}

function approvalScopeText(request: PimRequest): string {
  const target = request.target;
  if (target.kind === 'role')
    return target.directoryScopeId === '/' ? 'Directory (tenant-wide)' : target.directoryScopeId;
  return scopeText(target);
}
