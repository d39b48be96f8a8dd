import { type Activity, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { PromptOptions } from 'botbuilder-dialogs';
import { myRolesCard } from '../cards';
import { translator } from '../src/i18n';
import type { PimTarget } from '../src/pim/pim-types';
import { roleItems } from '../src/views/role-view';
import type { DialogServices } from './dialog-services';

/**
 * The text dialog's role question: the choices as the roles card (each with its policy's badges and an
 * Activate button) under `intro`, and what to say when the answer is not one of them. The choices ride along
 * as the prompt's validations, so the validator knows what was offered.
 */
export async function targetChoice(
  services: DialogServices,
  context: TurnContext,
  options: PimTarget[],
  intro: string,
): Promise<PromptOptions> {
  const pim = await services.sessions.pimFor(context);
  const policies = await Promise.all(
    options.map((t) => (pim ? services.activation.policyFor(pim, t).catch(() => undefined) : undefined)),
  );
  const { locale } = context.activity;
  const t = translator(locale);
  const card = myRolesCard(
    { items: roleItems(options, policies, { now: services.now(), locale }), emptyText: t('activation:choose.none') },
    { locale },
  );
  return {
    prompt: MessageFactory.attachment(CardFactory.adaptiveCard(card), intro) as Partial<Activity>,
    retryPrompt: MessageFactory.text(t('activation:choose.retry')) as Partial<Activity>,
    validations: options,
  };
}
