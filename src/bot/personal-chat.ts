import {
  CardFactory,
  type CloudAdapter,
  type ConversationParameters,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { continuedInPersonalChatCard, JUSTIFICATION_AUDIENCE_TEXT } from '../../cards';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import { plainMessage } from '../views/plain-message';

/**
 * PIM work asked for in a channel or group chat continues in the user's 1:1 chat with the bot, so the
 * justification is not typed in front of the channel (who reads it afterwards: JUSTIFICATION_AUDIENCE_TEXT):
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
        await personal.sendActivity(
          plainMessage(`You asked me in a channel; let us continue in our 1:1 chat. ${JUSTIFICATION_AUDIENCE_TEXT}`),
        );
        await begin(personal);
      },
    );
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(continuedInPersonalChatCard({}))));
  } catch (err) {
    log.warn({ err: errorSummary(err) }, 'could not open a 1:1 chat');
    await context.sendActivity(
      'I could not open a 1:1 chat with you. Install PIM Bot for yourself (Apps > PIM Bot > Add) and ask me there.',
    );
  }
}
