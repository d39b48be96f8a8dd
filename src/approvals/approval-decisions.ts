import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimClient } from '../pim/pim-client';
import { PimError } from '../pim/pim-error';
import type { ApprovalDecision } from '../pim/pim-types';
import type { Person, PimRequest, RequestStatus } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { ApprovalCopies } from './approval-copies';
import {
  claimDecision,
  type DecisionRefusal,
  isApprover,
  isConcerned,
  statusAfter,
  statusFromReview,
} from './approval-rules';
import type { ApprovalTimers } from './approval-timers';
import { RequestCancellation } from './request-cancellation';

/** Who clicked Approve or Deny, and with which delegated PIM client (undefined: not signed in). */
export interface Clicker {
  aadObjectId: string;
  name?: string;
  pim: PimClient | undefined;
}

/** What became of a click, for the card the clicker gets back. */
export type DecisionResult =
  | { outcome: 'unknownRequest' }
  | { outcome: 'refused'; request: PimRequest; refusal: DecisionRefusal }
  | { outcome: 'signInNeeded'; request: PimRequest }
  /**
   * Graph refused the decision; nothing was decided. `error`: PIM's refusal (its codes and values, which the
   * view words); absent when something else went wrong.
   */
  | { outcome: 'failed'; request: PimRequest; error?: PimError; comment: string }
  /** This click decided it. */
  | { outcome: 'decided'; request: PimRequest }
  /** It was decided before: here, in another copy, or outside Teams. */
  | { outcome: 'alreadyDecided'; request: PimRequest }
  /** Another approver's click is on its way to PIM and had not settled yet. */
  | { outcome: 'stillDeciding'; request: PimRequest };

export interface ApprovalDecisionsDependencies {
  requests: PimRequestStore;
  copies: ApprovalCopies;
  timers: ApprovalTimers;
  /** Reads one request in PIM and settles it as PIM says (ApprovalReconciler.settleOne), for a refused cancel. */
  settleInPim?: (requestId: string) => Promise<string | undefined>;
  logger: Logger;
  now: () => Date;
}

/**
 * Approve or Deny from a card: checks that the clicker is an approver of this request and not the
 * requester, claims the decision (one winner however many clicks), decides with the clicker's own token,
 * then updates every copy. A decision PIM already has (409) is read back from PIM and shown as it is.
 */
export class ApprovalDecisions {
  /** The requester's side of the same record and copies: withdrawing a request that waits. */
  readonly cancellation: RequestCancellation;

  constructor(private readonly deps: ApprovalDecisionsDependencies) {
    this.cancellation = new RequestCancellation(deps);
  }

  /** `replyToId`: the card that was clicked (answered by the invoke itself, so not updated again). */
  async decide(
    clicker: Clicker,
    requestId: string,
    decision: ApprovalDecision,
    comment: string,
    replyToId?: string,
  ): Promise<DecisionResult> {
    const { deps } = this;
    const clickerId = clicker.aadObjectId.toLowerCase();
    const request = await deps.requests.get(requestId);
    if (!request) return { outcome: 'unknownRequest' };
    if (clickerId === request.requester.aadObjectId.toLowerCase())
      return { outcome: 'refused', request, refusal: 'ownRequest' };
    if (!isApprover(request, clickerId)) {
      deps.logger.warn({ requestId, clicker: clickerId }, 'approval action by a non-approver refused');
      return { outcome: 'refused', request, refusal: 'notApprover' };
    }
    if (request.status !== 'pendingApproval') return { outcome: 'alreadyDecided', request };
    const reason = comment.trim();
    if (decision === 'Deny' && !reason) return { outcome: 'refused', request, refusal: 'reasonRequired' };

    const claimed = await deps.requests.update(requestId, (current) => claimDecision(current, clickerId, deps.now()));
    if (!claimed?.changed) {
      // Someone else's click is deciding: answer with the outcome once it is known.
      const settled = await this.waitForDecision(requestId);
      return settled ? { outcome: 'alreadyDecided', request: settled } : { outcome: 'stillDeciding', request };
    }
    if (!clicker.pim) {
      await this.release(requestId);
      return { outcome: 'signInNeeded', request };
    }
    const approval = request.approval;
    let final: PimRequest;
    let already = false;
    try {
      await clicker.pim.decide(
        request.target.kind,
        approval?.approvalId ?? request.id,
        decision,
        reason || 'Approved in Microsoft Teams',
        request.target,
      );
      final = await this.settle(requestId, statusAfter(decision), {
        by: { aadObjectId: clickerId, name: clicker.name || nameOf(request, clickerId) },
        at: deps.now().toISOString(),
        comment: reason || undefined,
      });
    } catch (err) {
      if (err instanceof PimError && err.kind === 'AlreadyDecided') {
        final = await this.settleFromGraph(clicker.pim, request);
        already = true;
      } else {
        await this.release(requestId);
        if (err instanceof PimError) return { outcome: 'failed', request, error: err, comment: reason };
        deps.logger.error({ err: errorSummary(err) }, 'approval failed');
        return { outcome: 'failed', request, comment: reason };
      }
    }
    await deps.copies.publish(final, replyToId);
    // Outside the approver's turn: a job reads (app-only) until PIM has provisioned it.
    if (final.status === 'approved') await deps.timers.followUp(final.id);
    return already ? { outcome: 'alreadyDecided', request: final } : { outcome: 'decided', request: final };
  }

  /** The request as its approval card shows it, for a viewer it concerns (the requester or an approver) only. */
  async view(requestId: string, viewerId: string | undefined): Promise<PimRequest | undefined> {
    const request = await this.deps.requests.get(requestId);
    return request && isConcerned(request, viewerId) ? request : undefined;
  }

  private async settle(
    requestId: string,
    status: RequestStatus,
    decision: { by: Person; at: string; comment?: string } | undefined,
  ): Promise<PimRequest> {
    const result = await this.deps.requests.update(requestId, (current) => {
      const { decide: _released, ...steps } = current.steps;
      return {
        ...current,
        status,
        steps,
        approval: current.approval && { ...current.approval, decision },
      };
    });
    if (!result) throw new Error(`Request ${requestId} disappeared.`);
    return result.value;
  }

  /** Graph says someone already decided (409): record who, from the approval itself. */
  private async settleFromGraph(pim: PimClient, request: PimRequest): Promise<PimRequest> {
    const approval = await pim.getApproval(request.target.kind, request.approval?.approvalId ?? request.id);
    const step = approval.steps.find((s) => s.reviewResult !== 'NotReviewed') ?? approval.steps[0];
    const byId = step?.reviewedById ?? undefined;
    return this.settle(
      request.id,
      statusFromReview(step?.reviewResult),
      byId
        ? {
            by: { aadObjectId: byId, name: step?.reviewedByName ?? nameOf(request, byId) },
            at: (step?.reviewedDateTime ?? this.deps.now()).toISOString(),
            comment: step?.justification ?? undefined,
          }
        : undefined,
    );
  }

  private async release(requestId: string): Promise<void> {
    await this.deps.requests.update(requestId, (current) => {
      if (!current.steps.decide) return undefined;
      const { decide: _released, ...steps } = current.steps;
      return { ...current, steps };
    });
  }

  private async waitForDecision(requestId: string, timeoutMs = 10_000): Promise<PimRequest | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const current = await this.deps.requests.get(requestId);
      if (current && current.status !== 'pendingApproval') return current;
      if (!current?.steps.decide || Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** The approver's name as the request knows it; '' when unknown (the views word that in the reader's language). */
function nameOf(request: PimRequest, id: string): string {
  return request.approval?.approvers.find((a) => a.aadObjectId.toLowerCase() === id.toLowerCase())?.name ?? '';
}
