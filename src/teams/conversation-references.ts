import { type Activity, type ConversationReference, type Storage, TurnContext } from 'botbuilder';

/**
 * Where the bot can reach people and channels later (proactive messages): the conversation reference
 * of each user's 1:1 chat with the bot, and of each team channel it was installed in or mentioned in.
 * Saved on install and on every message. Holds no secrets.
 */
export class ConversationReferenceStore {
  constructor(private readonly storage: Storage) {}

  /** Saves where this activity came from: a user's 1:1 chat, or a team channel. */
  async rememberFrom(activity: Activity): Promise<void> {
    const reference = TurnContext.getConversationReference(activity);
    const type = activity.conversation?.conversationType ?? 'personal';
    if (type === 'personal' && activity.from?.aadObjectId) {
      await this.rememberUser(activity.from.aadObjectId, reference);
    } else if (type === 'channel') {
      const channelId = channelIdOf(activity.conversation?.id, activity.channelData);
      if (channelId) await this.rememberChannel(channelId, reference);
    }
  }

  /** Forgets where this activity came from (the bot was removed there): nothing can be sent to it any more. */
  async forgetFrom(activity: Activity): Promise<void> {
    const type = activity.conversation?.conversationType ?? 'personal';
    if (type === 'personal' && activity.from?.aadObjectId) {
      await this.forgetUser(activity.from.aadObjectId);
    } else if (type === 'channel') {
      const channelId = channelIdOf(activity.conversation?.id, activity.channelData);
      if (channelId) await this.storage.delete([channelKey(channelId)]);
    }
  }

  async rememberUser(aadObjectId: string, reference: Partial<ConversationReference>): Promise<void> {
    await this.storage.write({ [userKey(aadObjectId)]: { reference, eTag: '*' } });
  }

  async user(aadObjectId: string): Promise<Partial<ConversationReference> | undefined> {
    const items = await this.storage.read([userKey(aadObjectId)]);
    return (items[userKey(aadObjectId)] as { reference?: Partial<ConversationReference> } | undefined)?.reference;
  }

  async forgetUser(aadObjectId: string): Promise<void> {
    await this.storage.delete([userKey(aadObjectId)]);
  }

  async rememberChannel(channelId: string, reference: Partial<ConversationReference>): Promise<void> {
    await this.storage.write({ [channelKey(channelId)]: { reference, eTag: '*' } });
  }

  async channel(channelId: string): Promise<Partial<ConversationReference> | undefined> {
    const items = await this.storage.read([channelKey(channelId)]);
    return (items[channelKey(channelId)] as { reference?: Partial<ConversationReference> } | undefined)?.reference;
  }
}

function userKey(aadObjectId: string): string {
  return `refs/user/${aadObjectId.toLowerCase()}`;
}

function channelKey(channelId: string): string {
  return `refs/channel/${encodeURIComponent(channelId)}`;
}

/** The channel id of a channel conversation ("19:…@thread.tacv2", without ";messageid=…"). */
export function channelIdOf(conversationId: string | undefined, channelData: unknown): string | undefined {
  const fromData = (channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
  if (typeof fromData === 'string' && fromData) return fromData;
  return conversationId?.split(';')[0];
}
