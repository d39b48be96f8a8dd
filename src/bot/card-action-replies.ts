import { type AdaptiveCard, errorCard } from '../../cards';
import { type Translate, translator } from '../i18n';
import type { SessionBlock } from '../identity/obo-refusal';
import type { PimError } from '../pim/pim-error';
import { pimErrorText } from '../views/pim-error-words';

/** The error cards and lines the card actions answer with, in the clicker's language (actions:*). */

/** The clicked request is not one the bot knows. */
export const unknownRequest = (locale?: string) => {
  const t = translator(locale);
  return errorCard(
    {
      title: t('actions:notPossible'),
      message: t('actions:unknownRequest.knownToBot'),
      fix: t('actions:unknownRequest.fix'),
    },
    { locale },
  );
};

/** Why PIM did not take the decision, in the clicker's words. */
export function decisionFailure(error: PimError | undefined, t: Translate, locale: string | undefined): string {
  return error ? pimErrorText(error, locale) : t('approval:failedUnexpected');
}

/** No verified user: nothing about the request is shown. */
export function signInNeeded(help: string, locale: string | undefined): AdaptiveCard {
  const t = translator(locale);
  return errorCard(
    { title: t('actions:signInNeeded.title'), message: t('actions:signInNeeded.notVerified'), fix: help },
    { locale },
  );
}

/**
 * Entra will not exchange the clicker's token (./session-unblock in dialogs/ says the same in chat): Conditional
 * Access wants a sign-in a card button cannot open (the chat's step-up card can), or admin consent is missing.
 */
export function blockedSession(block: SessionBlock, locale: string | undefined): AdaptiveCard {
  const t = translator(locale);
  const key = block.kind === 'consentMissing' ? 'consentMissing' : 'conditionalAccess';
  return errorCard(
    {
      title: t(`actions:blocked.${key}.title`),
      message: t(`actions:blocked.${key}.message`),
      fix: t(`actions:blocked.${key}.fix`),
    },
    { locale },
  );
}

/** A button we do not know, or one whose data is not what our cards send. */
export function invalidAction(verb: unknown, locale: string | undefined): AdaptiveCard {
  const t = translator(locale);
  const card = (title: string, message: string, fix: string) => errorCard({ title, message, fix }, { locale });
  if (verb === 'deactivate')
    return card(t('actions:invalid.title'), t('actions:invalid.noRole'), t('actions:invalid.typeActive'));
  if (verb === 'approve' || verb === 'deny' || verb === 'cancelRequest') return unknownRequest(locale);
  if (verb === 'inboxPage' || verb === 'inboxApprove' || verb === 'inboxDeny')
    return card(t('actions:invalid.title'), t('actions:invalid.inbox'), t('actions:invalid.typePending'));
  if (verb === 'refreshApproval')
    return card(
      t('actions:unknownRequest.title'),
      t('actions:unknownRequest.message'),
      t('actions:invalid.typePending'),
    );
  return card(t('actions:unknownAction.title'), t('actions:unknownAction.message'), t('actions:unknownAction.fix'));
}
