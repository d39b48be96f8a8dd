// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, safeOpenUrl, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard } from './template';

export interface SignInCardModel {
  /** E.g. 'Sign in again to continue'. */
  title: string;
  /** E.g. 'Exchange Administrator needs multi-factor authentication. Sign in, then come back here.' */
  text: string;
  /**
   * The bot's own step-up sign-in URL (never user text): `https://…`, or `http://` on 127.0.0.1/localhost
   * for local development. Anything else makes the builder throw a TypeError.
   */
  url: string;
  /** E.g. 'Sign in'. */
  buttonTitle: string;
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
export function signInCard(model: SignInCardModel, _viewer: Viewer = {}): AdaptiveCard {
  return expandCard(TEMPLATE, {
    title: displayText(model.title, TEXT_LIMITS.name) || 'Sign in to continue',
    text: displayText(model.text, TEXT_LIMITS.text) || 'Sign in, then come back to this chat.',
    buttonTitle: displayText(model.buttonTitle, 40) || 'Sign in',
    url: safeOpenUrl(model.url),
  });
}
