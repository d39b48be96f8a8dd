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

/**
 * Who reads a justification once it is sent, said wherever the bot talks about keeping it out of a channel. It
 * must stay true: PIM keeps it (its audit log), approvers see it on their approval cards (their 1:1 chats and the
 * approvals channels), and a feed channel shows it only when its subscription opted in (`subscribe … with details`).
 */
export const JUSTIFICATION_AUDIENCE_TEXT =
  'Your justification goes to PIM and to your approvers (their chats and approvals channels); a channel feed shows it only if an admin subscribed that channel "with details".';

export const DEFAULT_CONTINUED_TEXT = `I continued in our 1:1 chat, so you do not type your request in front of this channel. ${JUSTIFICATION_AUDIENCE_TEXT}`;

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
