// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, safeOpenUrl, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, optional } from './template';

export interface ContinuedInPersonalChatCardModel {
  /** Default {@link DEFAULT_CONTINUED_TEXT}. */
  text?: string;
  /** Deep link to the 1:1 chat with the bot (https://teams.microsoft.com/l/chat/…); adds an 'Open chat' button. */
  chatUrl?: string | null;
}

export const DEFAULT_CONTINUED_TEXT = 'I continued in our 1:1 chat, so your request and justification stay private.';

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
      title: 'Open chat',
      url: optional('chatUrl'),
    },
  ],
};

/** A short reply for group chats and channels: "I continued in our 1:1 chat", with an optional 'Open chat' link. */
export function continuedInPersonalChatCard(
  model: ContinuedInPersonalChatCardModel = {},
  _viewer: Viewer = {},
): AdaptiveCard {
  const chatUrl = model.chatUrl ? safeOpenUrl(model.chatUrl) : '';
  return expandCard(TEMPLATE, {
    text: displayText(model.text ?? DEFAULT_CONTINUED_TEXT, TEXT_LIMITS.text) || DEFAULT_CONTINUED_TEXT,
    hasChatUrl: chatUrl !== '',
    chatUrl,
  });
}
