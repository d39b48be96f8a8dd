import {
  CardFactory,
  type CloudAdapter,
  type ConversationParameters,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { continuedInPersonalChatCard } from '../../cards';
import { translator } from '../i18n';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import { plainMessage } from '../views/plain-message';

/**
 * PIM work asked for in a channel or group chat continues in the user's 1:1 chat with the bot, so the
 * justification is not typed in front of the channel (who reads it afterwards: cards:continued.justificationAudience):
 * the chat is opened (or reused) and `begin` runs in it.
 */
export async function continueInPersonalChat(
  context: TurnContext,
  adapter: CloudAdapter,
  botAppId: string,
  begin: (personal: TurnContext) => Promise<void>,
  log: Logger,
): Promise<void> {
  const from = context.activity.from;
  // The channel message's sender reads both messages: their locale, also in the 1:1 chat this turn opens.
  const locale = context.activity.locale;
  const t = translator(locale);
  const tenantId =
    context.activity.conversation?.tenantId ??
    (context.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const params = {
    isGroup: false,
    bot: context.activity.recipient,
    members: [from],
    tenantId,
    channelData: { tenant: { id: tenantId } },
  } as ConversationParameters;
  try {
    await adapter.createConversationAsync(
      botAppId,
      context.activity.channelId,
      context.activity.serviceUrl,
      '',
      params,
      async (personal) => {
        personal.activity.from = from;
        personal.activity.conversation = { ...personal.activity.conversation, conversationType: 'personal' };
        personal.activity.locale = locale;
        await personal.sendActivity(plainMessage(t('bot:personalChat.continued')));
        await begin(personal);
      },
    );
    await context.sendActivity(
      MessageFactory.attachment(CardFactory.adaptiveCard(continuedInPersonalChatCard({}, { locale }))),
    );
  } catch (err) {
    log.warn({ err: errorSummary(err) }, 'could not open a 1:1 chat');
    await context.sendActivity(t('bot:personalChat.notOpened'));
  }
}
