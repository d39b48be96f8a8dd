import type { Activity, CloudAdapter, ConversationParameters, ConversationReference } from 'botbuilder';
import type { Messenger, PostedMessage } from './messenger';

/**
 * botbuilder retries the connector's 5xx itself but not 429 (throttling: Teams allows a few messages per
 * second per conversation). Proactive sends retry it here, honouring Retry-After, so an approver's card is
 * not lost to a burst.
 */
async function retryThrottled<T>(send: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 429 || attempt >= attempts) throw err;
      const headers = (err as { response?: { headers?: { get?(name: string): string | undefined } } }).response
        ?.headers;
      const retryAfter = Number(headers?.get?.('retry-after'));
      const waitMs =
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 500 * 2 ** (attempt - 1);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** Messenger over the Bot Framework connector (CloudAdapter): continueConversation and createConversation. */
export class TeamsMessenger implements Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
  ) {}

  async send(conversation: Partial<ConversationReference>, activity: Partial<Activity>): Promise<PostedMessage> {
    let activityId = '';
    await this.adapter.continueConversationAsync(this.botAppId, conversation, async (context) => {
      activityId = (await retryThrottled(() => context.sendActivity(activity)))?.id ?? '';
    });
    return { conversation, activityId };
  }

  async sendToUser(
    via: Partial<ConversationReference>,
    user: { id: string; aadObjectId?: string; name?: string },
    activity: Partial<Activity>,
  ): Promise<PostedMessage> {
    const member = { id: user.id, aadObjectId: user.aadObjectId, name: user.name ?? '' };
    const tenantId = via.conversation?.tenantId;
    const params = {
      isGroup: false,
      bot: via.bot,
      members: [member],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    let posted: PostedMessage | undefined;
    await this.adapter.createConversationAsync(
      this.botAppId,
      via.channelId ?? 'msteams',
      via.serviceUrl ?? '',
      '',
      params,
      async (context) => {
        const id = (await retryThrottled(() => context.sendActivity(activity)))?.id ?? '';
        posted = {
          conversation: {
            channelId: via.channelId ?? 'msteams',
            serviceUrl: via.serviceUrl,
            bot: via.bot,
            user: member,
            conversation: {
              id: context.activity.conversation.id,
              conversationType: 'personal',
              isGroup: false,
              tenantId,
              name: '',
            },
          },
          activityId: id,
        };
      },
    );
    if (!posted) throw new Error('The connector did not open the 1:1 chat.');
    return posted;
  }

  async postToChannel(
    via: Partial<ConversationReference>,
    channelId: string,
    activity: Partial<Activity>,
  ): Promise<PostedMessage> {
    const tenantId = via.conversation?.tenantId;
    const params = {
      isGroup: true,
      bot: via.bot,
      tenantId,
      activity,
      channelData: { channel: { id: channelId }, tenant: { id: tenantId } },
    } as ConversationParameters;
    let posted: PostedMessage | undefined;
    await this.adapter.createConversationAsync(
      this.botAppId,
      via.channelId ?? 'msteams',
      via.serviceUrl ?? '',
      '',
      params,
      async (context) => {
        // Teams answers createConversation with the new thread's id ("19:…;messageid=…") and the
        // first activity's id.
        const created = context.activity;
        posted = {
          conversation: {
            channelId: via.channelId ?? 'msteams',
            serviceUrl: via.serviceUrl,
            bot: via.bot,
            conversation: {
              id: created.conversation.id,
              conversationType: 'channel',
              isGroup: true,
              tenantId,
              name: '',
            },
          },
          activityId: /;messageid=(.+)$/.exec(created.conversation.id)?.[1] ?? created.id ?? '',
        };
      },
    );
    if (!posted) throw new Error('The connector did not create the channel thread.');
    return posted;
  }

  async update(message: PostedMessage, activity: Partial<Activity>): Promise<void> {
    await this.adapter.continueConversationAsync(this.botAppId, message.conversation, async (context) => {
      await context.updateActivity({
        ...activity,
        id: message.activityId,
        conversation: context.activity.conversation,
      });
    });
  }
}
