import type { RequestStatus } from '../requests/pim-request';
import { APPROVAL_WINDOW_MS } from './approval-timers';

/** A schedule request as PIM reports it now, read app-only by the reconciliation. */
export interface PimRequestState {
  id: string;
  /** Graph's `status` (request.md: Canceled, Denied, Failed, Granted, PendingAdminDecision, PendingApproval, …). */
  status: string;
  createdDateTime: Date | null;
  completedDateTime: Date | null;
}

/** Where PIM says a request the bot holds as waiting for approval now stands. */
export type PimOutcome = Extract<RequestStatus, 'approved' | 'denied' | 'canceled' | 'timedOut' | 'failed'>;

/** Still waiting for an approver (or an admin) in PIM. */
const WAITING = new Set(['pendingapproval', 'pendingadmindecision']);
/**
 * Approved, on its way to being in effect, or in effect (request.md). The follow-up job then waits for the
 * instance, as after a decision in Teams.
 */
const APPROVED = new Set([
  'granted',
  'provisioned',
  'pendingprovisioning',
  'pendingschedulecreation',
  'schedulecreated',
  'pendingapprovalprovisioning',
  'adminapproved',
]);
/** ARM's name (PIM-API.md §7) and the approval step's (`Expired`): nobody decided in time. */
const EXPIRED = new Set(['timedout', 'expired']);

/**
 * Where a request PIM reports in `state` stands for the bot, or undefined while PIM still waits for a
 * decision (or reports something the bot does not know, which it leaves alone rather than guess).
 *
 * `Canceled` is both the requester's cancel (request.md: "the status … changes to Canceled") and, in
 * the simulator, PIM's own 24 h expiry (UNVERIFIED in Graph, see simulators/graph/state.ts): a cancel
 * completed at or after the 24 h deadline is taken as the expiry, one before it as the requester's.
 */
export function outcomeOf(state: PimRequestState): PimOutcome | undefined {
  const status = state.status.toLowerCase();
  if (WAITING.has(status)) return undefined;
  if (APPROVED.has(status)) return 'approved';
  if (status === 'denied' || status === 'admindenied') return 'denied';
  if (EXPIRED.has(status)) return 'timedOut';
  if (status === 'canceled') return reachedDeadline(state) ? 'timedOut' : 'canceled';
  if (status === 'failed' || status === 'revoked') return 'failed';
  return undefined;
}

function reachedDeadline(state: PimRequestState): boolean {
  if (!state.createdDateTime || !state.completedDateTime) return false;
  return state.completedDateTime.getTime() - state.createdDateTime.getTime() >= APPROVAL_WINDOW_MS;
}
