import { type TurnContext, TurnContext as Turn } from 'botbuilder';
import { type AdaptiveCard, errorCard, queuedActivationCard } from '../../cards';
import type { QueuedActivations } from '../activation/queued-activation';
import { translator } from '../i18n';
import { targetKey } from '../pim/target-key';
import type { TurnSessions } from '../teams/turn-sessions';
import { queuedActivationModel } from '../views/queued-activation-view';

/** What a click on "Activate again" leads to. */
export type ActivateAgainAnswer =
  /** A card to send: queued (its id is then remembered, so the job updates it), or why not. */
  | { kind: 'card'; card: AdaptiveCard; queuedId?: string }
  /** The activation is over: the activation dialog, prefilled with what was asked last time. */
  | {
      kind: 'prefill';
      options: { targetKey: string; minutes: number; justification?: string; ticket?: string };
    };

function unknownActivation(locale: string | undefined): AdaptiveCard {
  const t = translator(locale);
  return errorCard(
    {
      title: t('bot:activateAgain.notPossibleTitle'),
      message: t('bot:activateAgain.unknown'),
      fix: t('bot:activateAgain.unknownFix'),
    },
    { locale },
  );
}

/**
 * "Activate again" on the expiry warning and the ended status card (Action.Submit `activateAgain`), and
 * Cancel on the queued card (Action.Execute `cancelQueued`): only the requester's own activations.
 */
export class ActivateAgainActions {
  constructor(
    private readonly queued: QueuedActivations,
    private readonly sessions: TurnSessions,
    private readonly now: () => Date,
  ) {}

  async click(context: TurnContext, requestId: string): Promise<ActivateAgainAnswer> {
    const locale = context.activity.locale;
    const userId = await this.sessions.verifiedUserId(context);
    if (!userId) {
      const t = translator(locale);
      return {
        kind: 'card',
        card: errorCard(
          {
            title: t('bot:activateAgain.signInTitle'),
            message: t('bot:activateAgain.signInFailed'),
            fix: this.sessions.signInHelp(locale),
          },
          { locale },
        ),
      };
    }
    const result = await this.queued.queue(requestId, userId, Turn.getConversationReference(context.activity));
    switch (result.kind) {
      case 'unknown':
        return { kind: 'card', card: unknownActivation(locale) };
      case 'ended': {
        const { targetKeyOf, ...rest } = result.prefill;
        return { kind: 'prefill', options: { targetKey: targetKey(targetKeyOf), ...rest } };
      }
      case 'queued':
        return {
          kind: 'card',
          card: queuedActivationCard(queuedActivationModel(result.queued, this.now()), { locale }),
          queuedId: result.queued.messageId ? undefined : result.queued.id,
        };
    }
  }

  /** The card that says it is queued was sent: the job updates that one. */
  sent(queuedId: string, activityId: string): Promise<void> {
    return this.queued.rememberMessage(queuedId, activityId);
  }

  async cancel(context: TurnContext, requestId: string): Promise<AdaptiveCard> {
    const userId = (await this.sessions.verifiedUserId(context)) ?? '';
    const queued = await this.queued.cancel(requestId, userId);
    const locale = context.activity.locale;
    return queued
      ? queuedActivationCard(queuedActivationModel(queued, this.now()), { locale })
      : unknownActivation(locale);
  }
}
