import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import {
  type AdaptiveCard,
  activeRolesCard,
  approvalCard,
  type ExecuteAction,
  type ExecuteVerb,
  errorCard,
  statusCard,
} from '../../cards';
import type { ActivationService } from '../activation/activation-service';
import type { ApprovalDecisions, DecisionResult } from '../approvals/approval-decisions';
import type { ApprovalInbox } from '../approvals/approval-inbox';
import type { CancelResult } from '../approvals/request-cancellation';
import { translator } from '../i18n';
import { PimError } from '../pim/pim-error';
import { parseTargetKey, sameTarget } from '../pim/target-key';
import type { Reader } from '../shared/local-time';
import type { UserPreferencesStore } from '../store/user-preferences-store';
import { readerForTurn } from '../teams/reader-preferences';
import type { TurnSessions } from '../teams/turn-sessions';
import type { ActivateAgainActions } from './activate-again-actions';
import { activeItems } from '../views/active-view';
import { approvalCardModel, decidedNote } from '../views/approval-view';
import { pimErrorText, pimErrorWords } from '../views/pim-error-words';
import { requestStatusModel } from '../views/status-view';
import { blockedSession, decisionFailure, invalidAction, signInNeeded, unknownRequest } from './card-action-replies';
import { InboxActions, refusalText } from './inbox-actions';

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
        this.deps.again
          ? this.deps.again.cancel(context, action.requestId)
          : invalidAction('cancelQueued', context.activity.locale),
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
      return cardResponse(
        signInNeeded(this.deps.sessions.signInHelp(context.activity.locale), context.activity.locale),
      );
    }
    if (!action) return cardResponse(invalidAction(rawVerb, context.activity.locale));
    // Signed in, but Entra will not act for them (Conditional Access, consent): said, rather than "sign in".
    const block = await this.deps.sessions.blocked(context);
    if (block) return cardResponse(blockedSession(block, context.activity.locale));
    const handler = this.handlers[action.verb] as (
      context: TurnContext,
      action: ExecuteAction,
    ) => Promise<AdaptiveCard>;
    return cardResponse(await handler(context, action));
  }

  /** "Deactivate now": only what the clicker has active can be deactivated (checked against their own list). */
  private async deactivate(context: TurnContext, key: string): Promise<AdaptiveCard> {
    const reader = await this.reader(context);
    const { locale } = reader;
    const target = parseTargetKey(key);
    if (!target) return invalidAction('deactivate', locale);
    const pim = await this.deps.sessions.pimFor(context);
    if (!pim) return this.signInMissing(locale);
    try {
      const active = await pim.listActive();
      const mine = active.find((a) => sameTarget(a.target, target));
      if (!mine) {
        return activeRolesCard({ items: activeItems(active, { ...reader, now: this.deps.now() }) }, { locale });
      }
      const userId = (await this.deps.sessions.verifiedUserId(context)) ?? '';
      await this.deps.activation.deactivate(pim, userId, mine.target);
      return statusCard(
        {
          state: 'deactivated',
          targetName: mine.target.displayName,
          durationText: '',
          updatedText: translator(locale)('requestStatus:deactivatedOnRequest'),
        },
        { locale },
      );
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      // PIM's refusal in the clicker's words (errors:pim.*), from its codes.
      const words = pimErrorWords(err, locale);
      return errorCard(
        {
          title: translator(locale)('actions:notDeactivated'),
          ...words,
          graphCode: err.graphCode ?? undefined,
          requestId: err.requestId ?? undefined,
        },
        { locale },
      );
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
    if (!decisions) return invalidAction('approve', context.activity.locale);
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

  /** The sign-in layer's advice is its own (src/teams), passed in as it words it. */
  private signInMissing(locale: string | undefined): AdaptiveCard {
    const t = translator(locale);
    return errorCard(
      {
        title: t('actions:signInNeeded.title'),
        message: t('actions:signInNeeded.notFound'),
        fix: this.deps.sessions.signInHelp(locale),
      },
      { locale },
    );
  }

  private decisionCard(result: DecisionResult, viewerId: string, reader: Reader): AdaptiveCard {
    const { locale } = reader;
    if (result.outcome === 'unknownRequest') return unknownRequest(locale);
    const t = translator(locale);
    const now = this.deps.now();
    const view = (options: { alreadyDecidedNote?: string; errorText?: string; commentValue?: string } = {}) =>
      approvalCard(approvalCardModel(result.request, { now, reader, ...options }), { aadObjectId: viewerId, locale });
    switch (result.outcome) {
      case 'refused':
        return view({ errorText: refusalText(result.refusal, t) });
      case 'signInNeeded':
        return view({ errorText: t('approval:signInNeeded', { help: this.deps.sessions.signInHelp(locale) }) });
      case 'failed':
        return view({ errorText: decisionFailure(result.error, t, locale), commentValue: result.comment });
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
    if (!cancellation) return invalidAction('cancelRequest', context.activity.locale);
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
    const t = translator(context.activity.locale);
    if (!cancellation) return t('actions:cancel.notHandled');
    const userId = context.activity.from?.aadObjectId ?? '';
    const waiting = await cancellation.waitingOf(userId, targetText);
    if (waiting.length === 0) return t(targetText ? 'actions:cancel.noneForTarget' : 'actions:cancel.none');
    if (waiting.length > 1) {
      const names = waiting.map((r) => r.target.displayName).join(', ');
      const first = waiting[0]!.target.displayName;
      return t('actions:cancel.several', { number: waiting.length, names, first });
    }
    const result = await cancellation.cancel(
      { aadObjectId: userId, pim: await this.deps.sessions.pimFor(context) },
      waiting[0]!.id,
    );
    return this.cancelCard(result, userId, await this.reader(context));
  }

  private cancelCard(result: CancelResult, viewerId: string, reader: Reader): AdaptiveCard {
    const { locale } = reader;
    if (result.outcome === 'unknownRequest') return unknownRequest(locale);
    const t = translator(locale);
    const now = this.deps.now();
    switch (result.outcome) {
      case 'refused':
        return errorCard(
          {
            title: t('actions:notPossible'),
            message: t('actions:cancel.refused'),
            fix: t('actions:cancel.refusedFix'),
          },
          { locale },
        );
      case 'signInNeeded':
        return this.signInMissing(locale);
      case 'failed':
        return errorCard(
          {
            title: t('actions:cancel.failedTitle'),
            message: result.error ? pimErrorText(result.error, locale) : t('actions:cancel.failedUnexpected'),
            fix: t('actions:cancel.failedFix'),
          },
          { locale },
        );
      case 'canceled':
      case 'alreadySettled':
        return statusCard(requestStatusModel(result.request, { now, reader }), { aadObjectId: viewerId, locale });
    }
  }

  /** The approval card as this viewer should see it now (Universal Actions refresh): only for those it concerns. */
  private async refreshApproval(context: TurnContext, requestId: string): Promise<AdaptiveCard> {
    const viewerId = await this.deps.sessions.verifiedUserId(context);
    const request = await this.deps.decisions?.view(requestId, viewerId);
    const reader = await this.reader(context);
    return request
      ? approvalCard(approvalCardModel(request, { now: this.deps.now(), reader }), {
          aadObjectId: viewerId,
          locale: reader.locale,
        })
      : invalidAction('refreshApproval', reader.locale);
  }
}

function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}
