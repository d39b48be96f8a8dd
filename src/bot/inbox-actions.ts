import type { TurnContext } from 'botbuilder';
import { type AdaptiveCard, errorCard, pendingApprovalsCard } from '../../cards';
import { ApprovalInbox, type InboxDecision } from '../approvals/approval-inbox';
import type { DecisionRefusal } from '../approvals/approval-rules';
import { formatTime, type Translate, translator } from '../i18n';
import type { PimClient } from '../pim/pim-client';
import { PimError } from '../pim/pim-error';
import type { ApprovalDecision } from '../pim/pim-types';
import type { Reader } from '../shared/local-time';
import type { UserPreferencesStore } from '../store/user-preferences-store';
import { readerForTurn } from '../teams/reader-preferences';
import type { TurnSessions } from '../teams/turn-sessions';
import { decidedNote } from '../views/approval-view';
import { entryNames, type InboxDecidedItem, type InboxItemError, inboxCardModel } from '../views/inbox-view';
import { pimErrorText } from '../views/pim-error-words';

export interface InboxActionDependencies {
  sessions: TurnSessions;
  inbox?: ApprovalInbox;
  preferences?: UserPreferencesStore;
  now: () => Date;
}

/** Why a decision was refused, in the clicker's words (the approval card and the inbox say the same). */
export function refusalText(refusal: DecisionRefusal, t: Translate): string {
  switch (refusal) {
    case 'ownRequest':
      return t('approval:refusal.ownRequest');
    case 'notApprover':
      return t('approval:refusal.notApprover');
    case 'reasonRequired':
      return t('approval:denyReasonRequired');
  }
}

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
      return pendingApprovalsCard(
        inboxCardModel(ApprovalInbox.page(all, index), {
          now: this.deps.now(),
          reader,
          all,
          viewerId: context.activity.from?.id,
        }),
        { locale: reader.locale },
      );
    });
  }

  async decide(context: TurnContext, click: InboxClick): Promise<AdaptiveCard> {
    if (!this.deps.inbox) return this.withPim(context, async () => notEnabled(context.activity.locale));
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
        inboxCardModel(ApprovalInbox.page(all, click.page), {
          now,
          reader,
          all,
          shownIds: shown,
          viewerId: context.activity.from?.id,
          ...view,
        }),
        { locale: reader.locale },
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
    const reader = await readerForTurn(context.activity, this.deps.preferences);
    const { locale } = reader;
    const t = translator(locale);
    if (!this.deps.inbox) return notEnabled(locale);
    const pim = await this.deps.sessions.pimFor(context);
    if (!pim)
      return errorCard(
        {
          title: t('actions:signInNeeded.title'),
          message: t('actions:signInNeeded.notFound'),
          // The sign-in layer's own advice (src/teams), in the reader's language.
          fix: this.deps.sessions.signInHelp(locale),
        },
        { locale },
      );
    try {
      return await build(pim, reader);
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      return errorCard(
        { title: t('inbox:notAvailable.title'), message: pimErrorText(err, locale), fix: t('inbox:notAvailable.fix') },
        { locale },
      );
    }
  }
}

function notEnabled(locale: string | undefined): AdaptiveCard {
  const t = translator(locale);
  return errorCard(
    {
      title: t('actions:notPossible'),
      message: t('actions:approvalsOff.message'),
      fix: t('actions:approvalsOff.fix'),
    },
    { locale },
  );
}

/** How the clicked item shows after the click: decided in place, or still open with why not (reader's words). */
function shownAfter(
  outcome: InboxDecision,
  click: InboxClick,
  position: number,
  reader: Reader,
  now: Date,
): { decided?: InboxDecidedItem; error?: InboxItemError } {
  const t = translator(reader.locale);
  const error = (text: string, commentValue?: string) => ({
    error: { requestId: click.requestId, text, commentValue },
  });
  const decided = (names: { targetName: string; requesterName: string }, text: string, denied: boolean) => ({
    decided: { requestId: click.requestId, position, ...names, text, denied },
  });
  const byYou = (decision: ApprovalDecision) =>
    t(decision === 'Approve' ? 'inbox:decided.approvedByYou' : 'inbox:decided.deniedByYou', {
      time: formatTime(now, reader.locale, reader.timeZone, now),
    });
  const failed = (err: PimError | undefined) =>
    err ? pimErrorText(err, reader.locale) : t('approval:failedUnexpected');
  if (outcome.path === 'tracked') {
    const result = outcome.result;
    if (result.outcome === 'unknownRequest') return error(t('inbox:unknownRequest'));
    const names = { targetName: result.request.target.displayName, requesterName: result.request.requester.name };
    switch (result.outcome) {
      case 'decided':
        return decided(names, byYou(click.decision), click.decision === 'Deny');
      case 'alreadyDecided':
        return decided(
          names,
          decidedNote(result.request, reader, now) ?? t('inbox:decided.already'),
          result.request.status === 'denied',
        );
      case 'stillDeciding':
        return decided(names, t('inbox:decided.stillDeciding'), false);
      case 'refused':
        return error(refusalText(result.refusal, t));
      case 'signInNeeded':
        return error(t('inbox:signInAgain'));
      case 'failed':
        return error(failed(result.error), result.comment);
    }
  }
  const names = outcome.entry
    ? entryNames(outcome.entry, t)
    : { targetName: t('inbox:thisRequest'), requesterName: '' };
  switch (outcome.outcome) {
    case 'decided':
      return decided(names, byYou(outcome.decision), outcome.decision === 'Deny');
    case 'alreadyDecided':
      return decided(names, t('inbox:decided.byAnother'), false);
    case 'gone':
      return decided(names, t('inbox:decided.gone'), false);
    case 'refused':
      return error(refusalText(outcome.refusal ?? 'notApprover', t));
    case 'signInNeeded':
      return error(t('inbox:signInAgain'));
    case 'failed':
      return error(failed(outcome.error), outcome.comment);
  }
}
