import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimClient } from '../pim/pim-client';
import { PimError } from '../pim/pim-error';
import type { PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { ApprovalCopies } from './approval-copies';

/** Who asked to cancel, and with which delegated PIM client (undefined: not signed in). */
export interface Canceller {
  aadObjectId: string;
  pim: PimClient | undefined;
}

/** What became of a cancel, for the card or the line the requester gets back. */
export type CancelResult =
  | { outcome: 'unknownRequest' }
  /** Only the requester may cancel their request. */
  | { outcome: 'refused'; request: PimRequest }
  | { outcome: 'signInNeeded'; request: PimRequest }
  /**
   * PIM refused and the request still waits. `error`: PIM's refusal (codes and values, worded by the view);
   * absent when something else went wrong.
   */
  | { outcome: 'failed'; request: PimRequest; error?: PimError }
  /** This cancel did it. */
  | { outcome: 'canceled'; request: PimRequest }
  /** Cancelled before (a second click, the portal), or decided or expired first: shown as it is. */
  | { outcome: 'alreadySettled'; request: PimRequest };

export interface RequestCancellationDependencies {
  requests: PimRequestStore;
  copies: ApprovalCopies;
  /** Reads one request in PIM and settles it as PIM says (ApprovalReconciler.settleOne). */
  settleInPim?: (requestId: string) => Promise<string | undefined>;
  logger: Logger;
  now: () => Date;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The requester withdraws a request that waits for approval: PIM's `cancel` action on the schedule
 * request with the requester's own delegated token (Graph allows it to the requester only:
 * unifiedroleassignmentschedulerequest-cancel.md, privilegedaccessgroupassignmentschedulerequest-cancel.md),
 * then the request is recorded cancelled and every copy says so (the approvers' buttons go). Idempotent:
 * a second cancel, or one after PIM settled it otherwise, answers with the request as it stands.
 */
export class RequestCancellation {
  constructor(private readonly deps: RequestCancellationDependencies) {}

  /** `replyToId`: the card that was clicked (the invoke answers it, so it is not updated again). */
  async cancel(canceller: Canceller, requestId: string, replyToId?: string): Promise<CancelResult> {
    const { deps } = this;
    const request = await deps.requests.get(requestId);
    if (!request) return { outcome: 'unknownRequest' };
    if (!same(request.requester.aadObjectId, canceller.aadObjectId)) {
      deps.logger.warn(
        { requestId, clicker: canceller.aadObjectId },
        'cancel by someone other than the requester refused',
      );
      return { outcome: 'refused', request };
    }
    if (request.status !== 'pendingApproval') return { outcome: 'alreadySettled', request };
    if (!canceller.pim) return { outcome: 'signInNeeded', request };
    try {
      await canceller.pim.cancel(request.target.kind, request.id);
    } catch (err) {
      if (!(err instanceof PimError)) {
        deps.logger.error({ err: errorSummary(err), requestId }, 'cancel failed');
        return { outcome: 'failed', request };
      }
      // PIM may refuse because it settled the request already (approved, denied, cancelled, expired).
      const settled = await deps.settleInPim?.(request.id).catch(() => undefined);
      const now = settled ? await deps.requests.get(request.id) : undefined;
      if (now && now.status !== 'pendingApproval') return { outcome: 'alreadySettled', request: now };
      return { outcome: 'failed', request, error: err };
    }
    const result = await deps.requests.update(request.id, (current) => {
      if (current.status !== 'pendingApproval') return undefined;
      const { decide: _released, ...steps } = current.steps;
      return { ...current, status: 'canceled', steps };
    });
    if (!result) throw new Error(`Request ${request.id} disappeared.`);
    if (!result.changed) return { outcome: 'alreadySettled', request: result.value };
    deps.logger.info({ requestId }, 'request cancelled by the requester');
    await deps.copies.publish(result.value, replyToId);
    return { outcome: 'canceled', request: result.value };
  }

  /** The requester's requests waiting for approval, those whose role or group name contains `targetText` if given. */
  async waitingOf(requesterId: string, targetText?: string): Promise<PimRequest[]> {
    const words = (targetText ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    return (await this.deps.requests.pendingApproval()).filter(
      (r) =>
        same(r.requester.aadObjectId, requesterId) &&
        words.every((w) => r.target.displayName.toLowerCase().includes(w)),
    );
  }
}
