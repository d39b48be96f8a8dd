import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import { requestTarget } from '../pim/graph-wire';
import type { PimClient } from '../pim/pim-client';
import { PimError } from '../pim/pim-error';
import type { ApprovalDecision, ScheduleRequest } from '../pim/pim-types';
import type { PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { ApprovalDecisions, Clicker, DecisionResult } from './approval-decisions';
import type { DecisionRefusal } from './approval-rules';

/** One request waiting for the approver: PIM's own record, the bot's when it tracks it, and names to show. */
export interface InboxEntry {
  request: ScheduleRequest;
  tracked: PimRequest | undefined;
  /** The requester's display name; never an id ('' when the directory does not say: the view words that). */
  requesterName: string;
  /** The role's or group's display name; never an id ('' when Graph does not say: the view words that). */
  targetName: string;
  /** A group's ownership is asked for (the view marks the name). */
  owner?: boolean;
}

/** At most this many requests on one inbox card: each carries a comment box and two buttons (phone width). */
export const INBOX_PAGE_SIZE = 5;

/** One page of the inbox. `index` is 0-based and within range; `count` is at least 1. */
export interface InboxPage {
  entries: InboxEntry[];
  index: number;
  count: number;
  total: number;
}

/** What a decision from the inbox became, for the item it was clicked on. */
export type InboxDecision =
  /** A request the bot tracks: decided through ApprovalDecisions (its copies updated, follow-up scheduled). */
  | { path: 'tracked'; result: DecisionResult }
  /** A request made outside the bot, decided in PIM with the approver's own token. */
  | {
      path: 'outside';
      outcome: 'decided' | 'alreadyDecided' | 'gone' | 'signInNeeded' | 'failed' | 'refused';
      decision: ApprovalDecision;
      entry?: InboxEntry;
      refusal?: DecisionRefusal;
      /** 'failed': PIM's refusal (worded by the view); absent when something else went wrong. */
      error?: PimError;
      comment?: string;
    };

/**
 * The approver's inbox ("pending"): requests waiting for their decision, from Graph with their own token, so
 * requests made outside the bot are there too. Names come from Graph (the expanded role definition, else the
 * directory), never ids. Decisions go through ApprovalDecisions when the bot tracks the request, else straight
 * to PIM with the approver's token after the same checks (PIM lists it for them, not their own, deny has a
 * reason).
 */
export class ApprovalInbox {
  constructor(
    private readonly requests: PimRequestStore,
    private readonly directory: DirectoryClient,
    private readonly decisions?: ApprovalDecisions,
    private readonly logger?: Logger,
  ) {}

  /** Everything waiting for this approver, oldest first (a stable order, so pages do not reshuffle). */
  async entries(pim: PimClient): Promise<InboxEntry[]> {
    const waiting = await pim.listAwaitingMyApproval();
    waiting.sort(
      (a, b) => (a.createdDateTime?.getTime() ?? 0) - (b.createdDateTime?.getTime() ?? 0) || a.id.localeCompare(b.id),
    );
    return Promise.all(waiting.map((request) => this.entry(request)));
  }

  /** Page `index` (clamped to the pages there are) of `entries`. */
  static page(entries: readonly InboxEntry[], index: number): InboxPage {
    const count = Math.max(1, Math.ceil(entries.length / INBOX_PAGE_SIZE));
    const at = Math.min(Math.max(0, Math.floor(index) || 0), count - 1);
    return {
      entries: entries.slice(at * INBOX_PAGE_SIZE, (at + 1) * INBOX_PAGE_SIZE),
      index: at,
      count,
      total: entries.length,
    };
  }

  /**
   * Approve or Deny one request from the inbox. A tracked request takes ApprovalDecisions' path (every check,
   * one winner, copies updated). Any other must be one PIM lists as waiting for this approver (read with their
   * token now: a request id from a card is no right to decide it).
   */
  async decide(
    clicker: Clicker,
    requestId: string,
    decision: ApprovalDecision,
    comment: string,
    replyToId?: string,
  ): Promise<InboxDecision> {
    if (this.decisions && (await this.requests.get(requestId))) {
      return { path: 'tracked', result: await this.decisions.decide(clicker, requestId, decision, comment, replyToId) };
    }
    const outside = (outcome: Extract<InboxDecision, { path: 'outside' }>['outcome'], more = {}) =>
      ({ path: 'outside', outcome, decision, ...more }) as InboxDecision;
    if (!clicker.pim) return outside('signInNeeded');
    const waiting = (await clicker.pim.listAwaitingMyApproval()).find(
      (r) => r.id.toLowerCase() === requestId.toLowerCase(),
    );
    if (!waiting) return outside('gone');
    const entry = await this.entry(waiting);
    if (waiting.principalId.toLowerCase() === clicker.aadObjectId.toLowerCase())
      return outside('refused', { entry, refusal: 'ownRequest' });
    const reason = comment.trim();
    if (decision === 'Deny' && !reason) return outside('refused', { entry, refusal: 'reasonRequired' });
    try {
      await clicker.pim.decide(
        waiting.kind,
        waiting.approvalId ?? waiting.id,
        decision,
        reason || 'Approved in Microsoft Teams',
        requestTarget(waiting),
      );
    } catch (err) {
      if (err instanceof PimError && err.kind === 'AlreadyDecided') return outside('alreadyDecided', { entry });
      if (!(err instanceof PimError)) {
        this.logger?.error({ err: errorSummary(err) }, 'inbox decision failed');
        return outside('failed', { entry, comment: reason });
      }
      return outside('failed', { entry, error: err, comment: reason });
    }
    this.logger?.info({ requestId: waiting.id, decision }, 'request made outside the bot decided from the inbox');
    return outside('decided', { entry });
  }

  private async entry(request: ScheduleRequest): Promise<InboxEntry> {
    const tracked = await this.requests.get(request.id);
    const [requesterName, targetName] = await Promise.all([
      tracked?.requester.name ?? this.userName(request.principalId),
      tracked?.target.displayName ?? this.targetName(request),
    ]);
    const owner = !tracked && request.kind === 'group' && request.accessId === 'owner';
    return { request, tracked, requesterName, targetName, ...(owner ? { owner } : {}) };
  }

  private userName(id: string): Promise<string> {
    return this.directory
      .getUser(id)
      .then((u) => u.displayName || '')
      .catch(() => '');
  }

  /** The expanded role definition's name; a group's from the directory (app-only); never the id ('' unknown). */
  private async targetName(request: ScheduleRequest): Promise<string> {
    if (request.targetName) return request.targetName;
    if (request.kind === 'group' && request.groupId) {
      const name = await this.directory
        .getGroup(request.groupId)
        .then((g) => g.displayName)
        .catch(() => undefined);
      return name ?? '';
    }
    return '';
  }
}
