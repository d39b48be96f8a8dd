import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import {
  type AdaptiveCard,
  activeRolesCard,
  approvalCard,
  DENY_REASON_REQUIRED_TEXT,
  type ExecuteAction,
  type ExecuteVerb,
  errorCard,
  statusCard,
} from '../../cards';
import type { ActivationService } from '../activation/activation-service';
import type { ApprovalDecisions, DecisionResult } from '../approvals/approval-decisions';
import type { ApprovalInbox } from '../approvals/approval-inbox';
import type { DecisionRefusal } from '../approvals/approval-rules';
import type { CancelResult } from '../approvals/request-cancellation';
import { PimError } from '../pim/pim-error';
import { parseTargetKey, sameTarget } from '../pim/target-key';
import type { Reader } from '../shared/local-time';
import type { UserPreferencesStore } from '../store/user-preferences-store';
import { readerForTurn } from '../teams/reader-preferences';
import type { TurnSessions } from '../teams/turn-sessions';
import type { ActivateAgainActions } from './activate-again-actions';
import { activeItems } from '../views/active-view';
import { approvalCardModel, decidedNote } from '../views/approval-view';
import { requestStatusModel } from '../views/status-view';
import { InboxActions } from './inbox-actions';

export interface CardActionDependencies {
  sessions: TurnSessions;
  activation: ActivationService;
  /** Approve / Deny / refresh; absent when approvals are off. */
  decisions?: ApprovalDecisions;
  /** The approver's inbox (paging, decisions that keep the inbox); absent when approvals are off. */
  inbox?: ApprovalInbox;
  /** Remembered time zones and locales, for what the clicker's client did not send. */
  preferences?: UserPreferencesStore;
  /** Activate again while active (queued) and its Cancel. */
  again?: ActivateAgainActions;
  now: () => Date;
}

type Handler<V extends ExecuteVerb> = (
  context: TurnContext,
  action: Extract<ExecuteAction, { verb: V }>,
) => Promise<AdaptiveCard>;

const REFUSALS: Readonly<Record<DecisionRefusal, string>> = {
  ownRequest: 'You cannot approve or deny your own request.',
  notApprover: 'Only the approvers of this request can decide it.',
  reasonRequired: DENY_REASON_REQUIRED_TEXT,
};

const unknownRequest = () =>
  errorCard({
    title: 'Not possible',
    message: 'This request is unknown to PIM Bot.',
    fix: 'Type "pending" to see what waits for you.',
  });

/**
 * The Action.Execute buttons of PIM Bot's cards, one handler per verb (the compiler checks that every
 * verb has one). Each answers with the card that replaces the clicked one, and checks that the clicker
 * may act: only their own activations, only approvals they are an approver of.
 */
export class CardActionHandlers {
  private readonly handlers: { [V in ExecuteVerb]: Handler<V> };
  private readonly inbox: InboxActions;

  constructor(private readonly deps: CardActionDependencies) {
    this.inbox = new InboxActions(deps);
    this.handlers = {
      deactivate: (context, action) => this.deactivate(context, action.target),
      approve: (context, action) => this.decide(context, action.requestId, 'Approve', action.comment),
      deny: (context, action) => this.decide(context, action.requestId, 'Deny', action.comment),
      refreshApproval: (context, action) => this.refreshApproval(context, action.requestId),
      cancelRequest: (context, action) => this.cancelRequest(context, action.requestId),
      inboxPage: (context, action) => this.inbox.page(context, action.page),
      inboxApprove: (context, action) => this.inbox.decide(context, { ...action, decision: 'Approve' }),
      inboxDeny: (context, action) => this.inbox.decide(context, { ...action, decision: 'Deny' }),
      cancelQueued: async (context, action) =>
        this.deps.again ? this.deps.again.cancel(context, action.requestId) : invalidAction('cancelQueued'),
    };
  }

  /** Activate again (an Action.Submit, so a message: see PimBot), when the bot queues activations. */
  get again(): ActivateAgainActions | undefined {
    return this.deps.again;
  }

  /** Runs the clicked action; `undefined` when the invoke carried none of ours (or a malformed one). */
  async run(
    context: TurnContext,
    action: ExecuteAction | undefined,
    rawVerb: unknown,
  ): Promise<AdaptiveCardInvokeResponse> {
    // No verified token for this user (issue 13: the refresh too, as the approval card shows the
    // justification) → production asks Teams to sign them in (Universal Actions); the demo says why.
    if (!(await this.deps.sessions.verifiedUserId(context))) {
      const login = await this.deps.sessions.loginRequest(context);
      if (login) return login.body as AdaptiveCardInvokeResponse;
      return cardResponse(signInNeeded(this.deps.sessions.missingTokenHelp));
    }
    if (!action) return cardResponse(invalidAction(rawVerb));
    const handler = this.handlers[action.verb] as (
      context: TurnContext,
      action: ExecuteAction,
    ) => Promise<AdaptiveCard>;
    return cardResponse(await handler(context, action));
  }

  /** "Deactivate now": only what the clicker has active can be deactivated (checked against their own list). */
  private async deactivate(context: TurnContext, key: string): Promise<AdaptiveCard> {
    const target = parseTargetKey(key);
    if (!target)
      return errorCard({ title: 'Invalid action', message: 'This button carries no role.', fix: 'Type active.' });
    const pim = await this.deps.sessions.pimFor(context);
    if (!pim) {
      return errorCard({
        title: 'Sign-in needed',
        message: 'I could not get your sign-in.',
        fix: this.deps.sessions.missingTokenHelp,
      });
    }
    try {
      const active = await pim.listActive();
      const mine = active.find((a) => sameTarget(a.target, target));
      if (!mine) {
        return activeRolesCard({
          items: activeItems(active, { ...(await this.reader(context)), now: this.deps.now() }),
          emptyText: 'Nothing is active for you right now.',
        });
      }
      const userId = (await this.deps.sessions.verifiedUserId(context)) ?? '';
      await this.deps.activation.deactivate(pim, userId, mine.target);
      return statusCard({
        state: 'deactivated',
        targetName: mine.target.displayName,
        durationText: '',
        updatedText: 'Deactivated at your request.',
      });
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      return errorCard({
        title: 'Not deactivated',
        message: err.message,
        fix: err.fix,
        graphCode: err.graphCode ?? undefined,
        requestId: err.requestId ?? undefined,
      });
    }
  }

  /** Approve / Deny: every check is the approval decisions' (clicker, claim, PIM's answer). */
  private async decide(
    context: TurnContext,
    requestId: string,
    decision: 'Approve' | 'Deny',
    comment: string,
  ): Promise<AdaptiveCard> {
    const decisions = this.deps.decisions;
    if (!decisions) return invalidAction('approve');
    const from = context.activity.from;
    const clicker = {
      // The verified token's user (run() made sure there is one), not what the activity claims.
      aadObjectId: (await this.deps.sessions.verifiedUserId(context)) ?? '',
      name: from?.name,
      pim: await this.deps.sessions.pimFor(context),
    };
    const result = await decisions.decide(clicker, requestId, decision, comment, context.activity.replyToId);
    return this.decisionCard(result, clicker.aadObjectId, await this.reader(context));
  }

  /** The clicker's time zone and locale: what their client sends, else what was remembered. */
  private reader(context: TurnContext): Promise<Reader> {
    return readerForTurn(context.activity, this.deps.preferences);
  }

  private decisionCard(result: DecisionResult, viewerId: string, reader: Reader): AdaptiveCard {
    if (result.outcome === 'unknownRequest') return unknownRequest();
    const now = this.deps.now();
    const view = (options: { alreadyDecidedNote?: string; errorText?: string; commentValue?: string } = {}) =>
      approvalCard(approvalCardModel(result.request, { now, reader, ...options }), { aadObjectId: viewerId });
    switch (result.outcome) {
      case 'refused':
        return view({ errorText: REFUSALS[result.refusal] });
      case 'signInNeeded':
        return view({ errorText: `I could not get your sign-in. ${this.deps.sessions.missingTokenHelp}` });
      case 'failed':
        return view({ errorText: result.message, commentValue: result.comment });
      case 'alreadyDecided':
        return view({ alreadyDecidedNote: decidedNote(result.request, reader, now) });
      case 'decided':
      case 'stillDeciding':
        return view();
    }
  }

  /** "Cancel request" on the requester's waiting card: only the requester; the card answers with where it stands. */
  private async cancelRequest(context: TurnContext, requestId: string): Promise<AdaptiveCard> {
    const cancellation = this.deps.decisions?.cancellation;
    if (!cancellation) return invalidAction('cancelRequest');
    const canceller = {
      aadObjectId: context.activity.from?.aadObjectId ?? '',
      pim: await this.deps.sessions.pimFor(context),
    };
    const result = await cancellation.cancel(canceller, requestId, context.activity.replyToId);
    return this.cancelCard(result, canceller.aadObjectId, await this.reader(context));
  }

  /**
   * `cancel request` / `cancel <role>` typed in the 1:1 chat: the requester's one waiting request (or the
   * one for that role) is cancelled, and the answer is its card; several waiting are listed by name.
   */
  async cancelTyped(context: TurnContext, targetText: string | undefined): Promise<AdaptiveCard | string> {
    const cancellation = this.deps.decisions?.cancellation;
    if (!cancellation) return 'Approvals are not handled by this bot, so there is nothing to cancel here.';
    const userId = context.activity.from?.aadObjectId ?? '';
    const waiting = await cancellation.waitingOf(userId, targetText);
    if (waiting.length === 0)
      return targetText
        ? 'You have no request for that role or group waiting for approval. Type "cancel request" to see what waits.'
        : 'You have no request waiting for approval.';
    if (waiting.length > 1) {
      const names = waiting.map((r) => r.target.displayName).join(', ');
      return `You have ${waiting.length} requests waiting for approval: ${names}. Say which one, for example "cancel ${waiting[0]!.target.displayName}".`;
    }
    const result = await cancellation.cancel(
      { aadObjectId: userId, pim: await this.deps.sessions.pimFor(context) },
      waiting[0]!.id,
    );
    return this.cancelCard(result, userId, await this.reader(context));
  }

  private cancelCard(result: CancelResult, viewerId: string, reader: Reader): AdaptiveCard {
    if (result.outcome === 'unknownRequest') return unknownRequest();
    const now = this.deps.now();
    switch (result.outcome) {
      case 'refused':
        return errorCard({
          title: 'Not possible',
          message: 'Only the person who asked for this request can cancel it.',
          fix: 'Approvers decide with Approve or Deny on the approval card.',
        });
      case 'signInNeeded':
        return errorCard({
          title: 'Sign-in needed',
          message: 'I could not get your sign-in.',
          fix: this.deps.sessions.missingTokenHelp,
        });
      case 'failed':
        return errorCard({
          title: 'Not cancelled',
          message: result.message,
          fix: 'Try again, or cancel it in the Entra portal (My roles, Pending requests).',
        });
      case 'canceled':
      case 'alreadySettled':
        return statusCard(requestStatusModel(result.request, { now, reader }), { aadObjectId: viewerId });
    }
  }

  /** The approval card as this viewer should see it now (Universal Actions refresh): only for those it concerns. */
  private async refreshApproval(context: TurnContext, requestId: string): Promise<AdaptiveCard> {
    const viewerId = await this.deps.sessions.verifiedUserId(context);
    const request = await this.deps.decisions?.view(requestId, viewerId);
    return request
      ? approvalCard(approvalCardModel(request, { now: this.deps.now(), reader: await this.reader(context) }), {
          aadObjectId: viewerId,
        })
      : errorCard({ title: 'Unknown request', message: 'This request is unknown.', fix: 'Type pending.' });
  }
}

/** No verified user: nothing about the request is shown. */
function signInNeeded(help: string): AdaptiveCard {
  return errorCard({ title: 'Sign-in needed', message: 'I could not verify your sign-in.', fix: help });
}

/** A button we do not know, or one whose data is not what our cards send. */
function invalidAction(verb: unknown): AdaptiveCard {
  if (verb === 'deactivate')
    return errorCard({ title: 'Invalid action', message: 'This button carries no role.', fix: 'Type active.' });
  if (verb === 'approve' || verb === 'deny' || verb === 'cancelRequest') return unknownRequest();
  if (verb === 'inboxPage' || verb === 'inboxApprove' || verb === 'inboxDeny')
    return errorCard({ title: 'Invalid action', message: 'This inbox button is not valid.', fix: 'Type pending.' });
  if (verb === 'refreshApproval')
    return errorCard({ title: 'Unknown request', message: 'This request is unknown.', fix: 'Type pending.' });
  return errorCard({ title: 'Unknown action', message: 'This button is not supported.', fix: 'Type help.' });
}

function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}
