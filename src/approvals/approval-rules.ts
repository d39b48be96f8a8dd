import type { ApprovalDecision } from '../pim/pim-types';
import type { PimRequest, RequestStatus } from '../requests/pim-request';
import { leaseHeld } from '../store/compare-and-swap';

/**
 * Who may decide an approval and what a decision leads to: pure rules, no I/O, so every path (the card,
 * the inbox, a replayed click) is judged the same way.
 */

/** Why a click on Approve/Deny was not taken to PIM. */
export type DecisionRefusal =
  /** The requester clicked their own request. */
  | 'ownRequest'
  /** The clicker is not among the request's approvers. */
  | 'notApprover'
  /** Deny needs a reason (the approval card's comment). */
  | 'reasonRequired';

/** A decision's claim is taken over after this long (its instance died on the way to Graph). */
export const DECIDING_LEASE_MS = 2 * 60_000;

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

export function isApprover(request: PimRequest, userId: string | undefined): boolean {
  return (request.approval?.approvers ?? []).some((a) => same(a.aadObjectId, userId));
}

/** Only the people a request concerns may see it: a request id alone is not a right to read it. */
export function isConcerned(request: PimRequest, viewerId: string | undefined): boolean {
  return same(request.requester.aadObjectId, viewerId) || isApprover(request, viewerId);
}

/** Whether this clicker may take this decision now; undefined when they may. */
export function refusalOf(
  request: PimRequest,
  clickerId: string,
  decision: ApprovalDecision,
  reason: string,
): DecisionRefusal | undefined {
  if (same(clickerId, request.requester.aadObjectId)) return 'ownRequest';
  if (!isApprover(request, clickerId)) return 'notApprover';
  if (decision === 'Deny' && !reason.trim()) return 'reasonRequired';
  return undefined;
}

/** The request with this clicker's claim on the decision, or undefined when it is decided or being decided. */
export function claimDecision(current: PimRequest, clickerId: string, now: Date): PimRequest | undefined {
  if (current.status !== 'pendingApproval' || leaseHeld(current.steps.decide?.claimedAt, now, DECIDING_LEASE_MS))
    return undefined;
  return { ...current, steps: { ...current.steps, decide: { claimedAt: now.toISOString(), by: clickerId } } };
}

/** Where an approver's decision takes the request. */
export function statusAfter(decision: ApprovalDecision): RequestStatus {
  return decision === 'Approve' ? 'approved' : 'denied';
}

/**
 * Where a decision read back from PIM (someone decided elsewhere) takes the request: Approve → approved,
 * Deny → denied; anything else means nobody decided in time. The docs list the step's `reviewResult` as
 * `NotReviewed`/`Approved`/`Denied` (approvalstep.md) while their samples and the service answer
 * `Approve`/`Deny`: both are read.
 */
export function statusFromReview(reviewResult: string | undefined): RequestStatus {
  const result = (reviewResult ?? '').toLowerCase();
  if (result === 'approve' || result === 'approved') return 'approved';
  return result === 'deny' || result === 'denied' ? 'denied' : 'timedOut';
}

/** Decided by an approver, or left to expire: the requester is told once. */
export function isDecided(request: PimRequest): boolean {
  return request.status === 'approved' || request.status === 'denied' || request.status === 'timedOut';
}
