import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import type { PromptOptions } from 'botbuilder-dialogs';
import { confirmationCard } from '../cards';
import { formatDuration, translator } from '../src/i18n';
import type { ActivationPolicy, PimTarget } from '../src/pim/pim-types';
import { approvalText } from '../src/views/role-view';

/** What the text dialog collected, complete: the last look before submitting. */
export interface CollectedActivation {
  targetKey?: string;
  target: PimTarget;
  policy: ActivationPolicy;
  minutes: number;
  justification?: string;
  ticket?: string;
}

/**
 * The text dialog's last question: the confirmation card (role, duration, justification, ticket, who approves,
 * a stronger sign-in ahead) in the reader's language, and what to say when the answer is neither Activate nor yes.
 */
export function confirmationPrompt(collected: CollectedActivation, locale?: string): PromptOptions {
  const t = translator(locale);
  const { target, policy } = collected;
  const card = confirmationCard(
    {
      key: collected.targetKey!,
      targetName: target.displayName,
      kind: target.kind,
      durationText: formatDuration(collected.minutes, locale),
      justification: collected.justification,
      ticketNumber: collected.ticket,
      approvalText: approvalText(policy, locale),
      stepUpText: policy.authContext ? t('activation:stepUpHint') : null,
    },
    { locale },
  );
  return {
    prompt: MessageFactory.attachment(CardFactory.adaptiveCard(card)) as Partial<Activity>,
    retryPrompt: MessageFactory.text(t('activation:ask.confirmRetry')) as Partial<Activity>,
  };
}
