import type { PimErrorReason } from '../pim/pim-error-reason';
import type { PimTarget, TicketInfo } from '../pim/pim-types';
import type { RequesterChat } from '../requests/pim-request';

/**
 * "Activate again" while the activation still runs. PIM refuses a second selfActivate for a role that is
 * active, whatever its start (400 RoleAssignmentExists, see simulators/graph/FIDELITY.md), and selfExtend
 * is for expiring assignments, not activations. So the bot queues the same request (role, duration,
 * justification, ticket) and submits it, on the user's behalf, when the running one ends.
 */
export interface QueuedActivation {
  /** The running activation's request id (one queued follow-up per activation). */
  id: string;
  userId: string;
  userName: string;
  target: PimTarget;
  durationMinutes: number;
  justification?: string;
  ticket?: TicketInfo;
  /** ISO: when the running one ends, and the new one starts. */
  startAt: string;
  chat: RequesterChat;
  state: 'queued' | 'submitting' | 'submitted' | 'canceled' | 'failed';
  /** ISO: a claim of the job (a lease that lapses if its instance stops). */
  claimedAt?: string;
  /** The card saying it is queued, updated in place when it is submitted, canceled or fails. */
  messageId?: string;
  /** PIM's request id once submitted. */
  newRequestId?: string;
  /** Why it failed, as data the card words in the reader's language; a string in records from before codes. */
  problem?: QueuedActivationProblem | string;
  /** Submissions PIM refused because the ending assignment was still there. */
  retries?: number;
}

/**
 * Why a queued activation was not submitted: no sign-in of the user's to submit it with, PIM refused it (its
 * reasons as codes and values; `message` the English one for logs and reasons-less errors), or PIM answered
 * with a status the bot does not expect.
 */
export type QueuedActivationProblem =
  | { code: 'noSignIn' }
  | { code: 'refused'; reasons: PimErrorReason[]; message: string }
  | { code: 'unexpectedStatus'; status: string };
