import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { ActivationPolicy, PimTargetRef } from '../pim/pim-types';
import type { PimRequest } from './pim-request';

/** What happened to a request, for whoever follows requests (approval routing, the feed, expiry). */
export type RequestEvent =
  /** PIM Bot submitted it for the requester; PIM answered PendingApproval, or it is active now. */
  | { type: 'submitted'; request: PimRequest; policy: ActivationPolicy; approvalId: string }
  /** Approved earlier; PIM has provisioned it and it is active now. */
  | { type: 'activated'; request: PimRequest }
  /** The requester ended an activation early through PIM Bot. */
  | { type: 'deactivatedByUser'; userId: string; target: PimTargetRef; at: Date };

export type RequestEventHandler = (event: RequestEvent) => Promise<void>;

/**
 * In-process publish/subscribe of request events. Subscribers run one after the other, in the order they
 * subscribed; one that fails is logged and named in the result, and does not stop the others: the request
 * is in PIM either way, and each subscriber can be retried on its own.
 */
export class RequestEvents {
  private readonly subscribers: Array<{ name: string; handler: RequestEventHandler }> = [];

  constructor(private readonly logger: Logger) {}

  subscribe(name: string, handler: RequestEventHandler): void {
    this.subscribers.push({ name, handler });
  }

  /** Runs every subscriber; resolves with the names of those that failed. */
  async publish(event: RequestEvent): Promise<string[]> {
    const failed: string[] = [];
    for (const { name, handler } of this.subscribers) {
      try {
        await handler(event);
      } catch (err) {
        failed.push(name);
        this.logger.warn(
          { err: errorSummary(err), subscriber: name, event: event.type, requestId: requestIdOf(event) },
          'a request event subscriber failed',
        );
      }
    }
    return failed;
  }
}

function requestIdOf(event: RequestEvent): string | undefined {
  return 'request' in event ? event.request.id : undefined;
}
