import type { TurnContext } from 'botbuilder';
import { type AdaptiveCard, DENY_REASON_REQUIRED_TEXT, errorCard, pendingApprovalsCard } from '../../cards';
import type { DecisionResult } from '../approvals/approval-decisions';
import { ApprovalInbox, type InboxDecision } from '../approvals/approval-inbox';
import type { DecisionRefusal } from '../approvals/approval-rules';
import type { PimClient } from '../pim/pim-client';
import { PimError } from '../pim/pim-error';
import type { ApprovalDecision } from '../pim/pim-types';
import type { Reader } from '../shared/local-time';
import { readerTime } from '../shared/local-time';
import type { UserPreferencesStore } from '../store/user-preferences-store';
import { readerForTurn } from '../teams/reader-preferences';
import type { TurnSessions } from '../teams/turn-sessions';
import { decidedNote } from '../views/approval-view';
import { type InboxDecidedItem, type InboxItemError, inboxCardModel } from '../views/inbox-view';

export interface InboxActionDependencies {
  sessions: TurnSessions;
  inbox?: ApprovalInbox;
  preferences?: UserPreferencesStore;
  now: () => Date;
}

const REFUSALS: Readonly<Record<DecisionRefusal, string>> = {
  ownRequest: 'You cannot approve or deny your own request.',
  notApprover: 'Only the approvers of this request can decide it.',
  reasonRequired: DENY_REASON_REQUIRED_TEXT,
};

/** A click on the inbox card: which page it was on and what it showed there. */
export interface InboxClick {
  requestId: string;
  decision: ApprovalDecision;
  comment: string;
  page: number;
  pageIds: readonly string[];
}

/**
 * The inbox card's buttons (issue 15): Previous / Next answer with that page; Approve / Deny decide (the bot's
 * tracked requests through ApprovalDecisions, requests made outside the bot in PIM with the approver's own
 * token) and answer with the same page: the decided item in its place, marked decided, the rest still there.
 */
export class InboxActions {
  constructor(private readonly deps: InboxActionDependencies) {}

  async page(context: TurnContext, index: number): Promise<AdaptiveCard> {
    return this.withPim(context, async (pim, reader) => {
      const all = await this.inbox().entries(pim);
      return pendingApprovalsCard(inboxCardModel(ApprovalInbox.page(all, index), { now: this.deps.now(), reader }));
    });
  }

  async decide(context: TurnContext, click: InboxClick): Promise<AdaptiveCard> {
    if (!this.deps.inbox) return this.withPim(context, async () => notEnabled());
    const clicker = {
      aadObjectId: (await this.deps.sessions.verifiedUserId(context)) ?? '',
      name: context.activity.from?.name,
      pim: await this.deps.sessions.pimFor(context),
    };
    const outcome = await this.inbox().decide(
      clicker,
      click.requestId,
      click.decision,
      click.comment,
      context.activity.replyToId,
    );
    return this.withPim(context, async (pim, reader) => {
      const now = this.deps.now();
      const all = await this.inbox().entries(pim);
      const position = Math.max(
        0,
        click.pageIds.findIndex((id) => id.toLowerCase() === click.requestId.toLowerCase()),
      );
      const shown = click.pageIds.length ? click.pageIds : [click.requestId];
      const view = shownAfter(outcome, click, position, reader, now);
      return pendingApprovalsCard(
        inboxCardModel(ApprovalInbox.page(all, click.page), { now, reader, all, shownIds: shown, ...view }),
      );
    });
  }

  private inbox(): ApprovalInbox {
    if (!this.deps.inbox) throw new Error('The inbox is not enabled.');
    return this.deps.inbox;
  }

  private async withPim(
    context: TurnContext,
    build: (pim: PimClient, reader: Reader) => Promise<AdaptiveCard>,
  ): Promise<AdaptiveCard> {
    if (!this.deps.inbox) return notEnabled();
    const pim = await this.deps.sessions.pimFor(context);
    if (!pim)
      return errorCard({
        title: 'Sign-in needed',
        message: 'I could not get your sign-in.',
        fix: this.deps.sessions.missingTokenHelp,
      });
    const reader = await readerForTurn(context.activity, this.deps.preferences);
    try {
      return await build(pim, reader);
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      return errorCard({ title: 'Inbox not available', message: err.userText, fix: 'Type pending to try again.' });
    }
  }
}

function notEnabled(): AdaptiveCard {
  return errorCard({ title: 'Not possible', message: 'Approvals are not enabled on this bot.', fix: 'Type help.' });
}

/** How the clicked item shows after the click: decided in place, or still open with why not. */
function shownAfter(
  outcome: InboxDecision,
  click: InboxClick,
  position: number,
  reader: Reader,
  now: Date,
): { decided?: InboxDecidedItem; error?: InboxItemError } {
  const error = (text: string, commentValue?: string) => ({
    error: { requestId: click.requestId, text, commentValue },
  });
  const decided = (names: { targetName: string; requesterName: string }, text: string, denied: boolean) => ({
    decided: { requestId: click.requestId, position, ...names, text, denied },
  });
  const byYou = (decision: ApprovalDecision) =>
    `${decision === 'Approve' ? 'Approved' : 'Denied'} by you at ${readerTime(now, reader, now)}.`;
  if (outcome.path === 'tracked') return trackedView(outcome.result, click, byYou, decided, error, reader, now);
  const names = {
    targetName: outcome.entry?.targetName ?? 'This request',
    requesterName: outcome.entry?.requesterName ?? '',
  };
  switch (outcome.outcome) {
    case 'decided':
      return decided(names, byYou(outcome.decision), outcome.decision === 'Deny');
    case 'alreadyDecided':
      return decided(names, 'Already decided by another approver.', false);
    case 'gone':
      return decided(names, 'No longer waiting for your decision: decided, cancelled or expired in PIM.', false);
    case 'refused':
      return error(REFUSALS[outcome.refusal ?? 'notApprover']);
    case 'signInNeeded':
      return error('I could not get your sign-in. Sign in and try again.');
    case 'failed':
      return error(outcome.message ?? 'Nothing was decided.', outcome.comment);
  }
}

function trackedView(
  result: DecisionResult,
  click: InboxClick,
  byYou: (d: ApprovalDecision) => string,
  decided: (
    names: { targetName: string; requesterName: string },
    text: string,
    denied: boolean,
  ) => { decided: InboxDecidedItem },
  error: (text: string, commentValue?: string) => { error: InboxItemError },
  reader: Reader,
  now: Date,
): { decided?: InboxDecidedItem; error?: InboxItemError } {
  if (result.outcome === 'unknownRequest') return error('This request is unknown to PIM Bot.');
  const names = { targetName: result.request.target.displayName, requesterName: result.request.requester.name };
  switch (result.outcome) {
    case 'decided':
      return decided(names, byYou(click.decision), click.decision === 'Deny');
    case 'alreadyDecided':
      return decided(
        names,
        decidedNote(result.request, reader, now) ?? 'Already decided.',
        result.request.status === 'denied',
      );
    case 'stillDeciding':
      return decided(names, "Another approver's decision is on its way to PIM.", false);
    case 'refused':
      return error(REFUSALS[result.refusal]);
    case 'signInNeeded':
      return error('I could not get your sign-in. Sign in and try again.');
    case 'failed':
      return error(result.message, result.comment);
  }
}
