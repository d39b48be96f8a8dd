// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, safeOpenUrl, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, optional } from './template';

export interface ContinuedInPersonalChatCardModel {
  /** Replaces the card's own text (cards:continued.text, in the viewer's language). */
  text?: string;
  /** Deep link to the 1:1 chat with the bot (https://teams.microsoft.com/l/chat/…); adds an 'Open chat' button. */
  chatUrl?: string | null;
}

const english = translator('en');

/**
 * Who reads a justification once it is sent, said wherever the bot talks about keeping it out of a channel
 * (key cards:continued.justificationAudience, nested into other texts with $t()). It must stay true: PIM keeps it
 * (its audit log), approvers see it on their approval cards (their 1:1 chats and the approvals channels), and a
 * feed channel shows it only when its subscription opted in (`subscribe … with details`).
 *
 * English, for callers not yet converted to i18n: new code uses the key with the reader's locale.
 */
export const JUSTIFICATION_AUDIENCE_TEXT = english('cards:continued.justificationAudience');

/** The card's own text in English (cards:continued.text), for callers not yet converted to i18n. */
export const DEFAULT_CONTINUED_TEXT = english('cards:continued.text');

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  body: [{ type: 'TextBlock', id: 'continued-text', text: '${text}', wrap: true }],
  actions: [
    {
      $when: '${hasChatUrl}',
      type: 'Action.OpenUrl',
      id: 'continued-open-chat',
      title: '${openChatTitle}',
      url: optional('chatUrl'),
    },
  ],
};

/** A short reply for group chats and channels: "I continued in our 1:1 chat", with an optional 'Open chat' link. */
export function continuedInPersonalChatCard(
  model: ContinuedInPersonalChatCardModel = {},
  viewer: Viewer = {},
): AdaptiveCard {
  const t = translator(viewer.locale);
  const chatUrl = model.chatUrl ? safeOpenUrl(model.chatUrl) : '';
  return expandCard(TEMPLATE, {
    text: displayText(model.text, TEXT_LIMITS.text) || t('cards:continued.text'),
    hasChatUrl: chatUrl !== '',
    openChatTitle: t('cards:continued.openChat'),
    chatUrl,
  });
}
