// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, safeOpenUrl, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard } from './template';

/**
 * The card words itself in the viewer's language: give it the `url` and, for a step-up, the `reason` (why
 * PIM wants a stronger sign-in, already in the viewer's language). `title`, `text` and `buttonTitle` replace
 * its wording and are for callers not yet converted to i18n (docs/i18n.md).
 */
export interface SignInCardModel {
  /**
   * The bot's own step-up sign-in URL (never user text): `https://…`, or `http://` on 127.0.0.1/localhost
   * for local development. Anything else makes the builder throw a TypeError.
   */
  url: string;
  /**
   * E.g. 'Exchange Administrator needs multi-factor authentication.' Makes the card a step-up: 'Sign in again
   * to continue', the reason, then that the request is kept.
   */
  reason?: string | null;
  /** Replaces the title, e.g. 'Sign in again to continue'. */
  title?: string;
  /** Replaces the text, e.g. 'Exchange Administrator needs multi-factor authentication. Sign in, then come back here.' */
  text?: string;
  /** Replaces the button's title, e.g. 'Sign in'. */
  buttonTitle?: string;
}

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  body: [
    { type: 'TextBlock', id: 'sign-in-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    { type: 'TextBlock', id: 'sign-in-text', text: '${text}', wrap: true },
  ],
  actions: [{ type: 'Action.OpenUrl', id: 'sign-in-open', title: '${buttonTitle}', style: 'positive', url: '${url}' }],
};

/** Step-up sign-in: title, text and one Action.OpenUrl button to the validated `url`. */
export function signInCard(model: SignInCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const reason = displayText(model.reason, TEXT_LIMITS.message);
  return expandCard(TEMPLATE, {
    title:
      displayText(model.title, TEXT_LIMITS.name) || (reason ? t('cards:signIn.againTitle') : t('cards:signIn.title')),
    // The reason is a value inside the sentence, never glued to it: word order is the translation's.
    text:
      displayText(model.text, TEXT_LIMITS.text) ||
      (reason ? t('cards:signIn.againText', { reason }) : t('cards:signIn.text')),
    buttonTitle: displayText(model.buttonTitle, 40) || t('cards:signIn.button'),
    url: safeOpenUrl(model.url),
  });
}
