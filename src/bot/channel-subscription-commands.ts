import { type TurnContext, TurnContext as Turn } from 'botbuilder';
import type { ChannelSubscriptionStore } from '../notifications/channel-subscriptions';
import { isFeedAdmin } from '../notifications/feed-admins';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import { channelIdOf } from '../teams/conversation-references';

export interface ChannelSubscriptionCommandsDependencies {
  store: ChannelSubscriptionStore;
  /** App-only reads of the feed admin group's members. */
  directory: DirectoryClient;
  /** FEED_ADMIN_GROUP_ID: whose members may change a channel's subscription. */
  adminGroupId?: string;
}

/**
 * subscribe / unsubscribe / subscriptions, @mentioned in a team channel: anyone may ask what the channel
 * gets; only members of the feed admin group may change it.
 */
export class ChannelSubscriptionCommands {
  constructor(private readonly deps: ChannelSubscriptionCommandsDependencies) {}

  async handle(
    context: TurnContext,
    command: { type: 'subscribe' | 'unsubscribe' | 'subscriptions'; args: string },
    log: Logger,
  ): Promise<void> {
    const feed = this.deps;
    const channelId = channelIdOf(context.activity.conversation?.id, context.activity.channelData);
    if (!channelId || context.activity.conversation?.conversationType !== 'channel') {
      await context.sendActivity('Subscriptions work in a team channel: @mention me there with "subscribe".');
      return;
    }
    if (command.type === 'subscriptions') {
      const current = await feed.store.get(channelId);
      await context.sendActivity(
        current
          ? `This channel gets ${current.filters.length ? `activations of: ${current.filters.join(', ')}` : 'every activation'}.`
          : 'This channel has no subscription. An admin can say "subscribe" (all roles) or "subscribe <role or group names>".',
      );
      return;
    }
    const userId = context.activity.from?.aadObjectId ?? '';
    if (!feed.adminGroupId) {
      await context.sendActivity(
        'Channel subscriptions are turned off: the bot has no FEED_ADMIN_GROUP_ID configured.',
      );
      return;
    }
    let admin: boolean;
    try {
      admin = await isFeedAdmin(feed.directory, feed.adminGroupId, userId);
    } catch (err) {
      // Not "you are not an admin": the bot could not tell.
      log.warn({ err: errorSummary(err) }, 'feed admin group not readable');
      await context.sendActivity(
        "I could not check who may change this channel's subscription (Microsoft Graph did not answer). Nothing was changed; try again in a minute.",
      );
      return;
    }
    if (!admin) {
      const group = await feed.directory
        .getGroup(feed.adminGroupId)
        .then((g) => `the ${g.displayName} group`)
        .catch(() => 'the PIM Bot admins group');
      await context.sendActivity(`Only members of ${group} can change this channel's subscription. Ask one of them.`);
      return;
    }
    if (command.type === 'unsubscribe') {
      const removed = await feed.store.unsubscribe(channelId);
      await context.sendActivity(
        removed ? 'Unsubscribed: this channel no longer gets activations.' : 'This channel had no subscription.',
      );
      return;
    }
    const filters = command.args
      .split(/[,;]| and /)
      .map((f) => f.trim())
      .filter(Boolean);
    await feed.store.subscribe(channelId, {
      filters,
      by: { aadObjectId: userId, name: context.activity.from?.name },
      reference: Turn.getConversationReference(context.activity),
    });
    await context.sendActivity(
      filters.length
        ? `Subscribed: this channel gets every activation of ${filters.join(', ')}.`
        : 'Subscribed: this channel gets every activation.',
    );
  }
}
