import { type Activity, type TurnContext, TurnContext as Turn } from 'botbuilder';
import { readSubscriptionArgs } from '../commands/subscription-args';
import type { ChannelSubscription, ChannelSubscriptionStore } from '../notifications/channel-subscriptions';
import { isFeedAdmin } from '../notifications/feed-admins';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import { channelIdOf } from '../teams/conversation-references';
import { plainMessage, plainPart } from '../views/plain-message';

export interface ChannelSubscriptionCommandsDependencies {
  store: ChannelSubscriptionStore;
  /** App-only reads of the feed admin group's members. */
  directory: DirectoryClient;
  /** FEED_ADMIN_GROUP_ID: whose members may change a channel's subscription. */
  adminGroupId?: string;
  /**
   * The bot's own tenant(s) (Entra tenant ids): only a channel of a team in one of them may opt in to
   * justifications and tickets (`subscribe … with details`). Wired in src/app.ts.
   */
  allowedTenantIds: readonly string[];
}

/** What the channel's cards leave out, said wherever the bot talks about a subscription. */
export const NO_DETAILS_TEXT =
  'Cards show the role, who, when, until when and the approval; justifications and tickets stay out of the channel.';
export const DETAILS_TEXT = "Cards also show the requester's justification and ticket.";

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
      await context.sendActivity(
        plainMessage('Subscriptions work in a team channel: @mention me there with "subscribe".'),
      );
      return;
    }
    if (command.type === 'subscriptions') {
      const current = await feed.store.get(channelId);
      await context.sendActivity(
        plainMessage(
          current
            ? `This channel gets ${whatItGets(current)}. ${current.details === true ? DETAILS_TEXT : NO_DETAILS_TEXT}`
            : 'This channel has no subscription. An admin can say "subscribe" (all roles) or "subscribe <role or group names>" (add "with details" for justifications and tickets).',
        ),
      );
      return;
    }
    const userId = context.activity.from?.aadObjectId ?? '';
    if (!feed.adminGroupId) {
      await context.sendActivity(
        plainMessage('Channel subscriptions are turned off: the bot has no FEED_ADMIN_GROUP_ID configured.'),
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
        plainMessage(
          "I could not check who may change this channel's subscription (Microsoft Graph did not answer). Nothing was changed; try again in a minute.",
        ),
      );
      return;
    }
    if (!admin) {
      const group = await feed.directory
        .getGroup(feed.adminGroupId)
        .then((g) => `the ${plainPart(g.displayName) || 'PIM Bot admins'} group`)
        .catch(() => 'the PIM Bot admins group');
      await context.sendActivity(
        plainMessage(`Only members of ${group} can change this channel's subscription. Ask one of them.`),
      );
      return;
    }
    if (command.type === 'unsubscribe') {
      const removed = await feed.store.unsubscribe(channelId);
      await context.sendActivity(
        plainMessage(
          removed ? 'Unsubscribed: this channel no longer gets activations.' : 'This channel had no subscription.',
        ),
      );
      return;
    }
    const { filters, details } = readSubscriptionArgs(command.args);
    const mayShowDetails = inAllowedTenant(context.activity, feed.allowedTenantIds);
    if (details && !mayShowDetails) {
      log.warn({ channelId }, 'details refused: the channel is not in an allowed tenant');
      await context.sendActivity(
        plainMessage(
          'Only a channel of a team in this organisation\'s own Microsoft Entra tenant can show justifications and tickets. Nothing was changed; subscribe without "with details" to get the cards without them.',
        ),
      );
      return;
    }
    const subscription = await feed.store.subscribe(channelId, {
      filters,
      details,
      by: { aadObjectId: userId, name: context.activity.from?.name },
      reference: Turn.getConversationReference(context.activity),
    });
    await context.sendActivity(
      plainMessage(
        `Subscribed: this channel gets ${whatItGets(subscription)}. ${details ? DETAILS_TEXT : NO_DETAILS_TEXT}${!details && mayShowDetails ? ' An admin can add them with "subscribe … with details".' : ''}`,
      ),
    );
  }
}

/** "every activation", or "every activation of Exchange, Global Administrator" (filters made inert). */
function whatItGets(subscription: ChannelSubscription): string {
  return subscription.filters.length
    ? `every activation of ${subscription.filters.map((f) => plainPart(f)).join(', ')}`
    : 'every activation';
}

/**
 * Whether the channel's team is in one of the allowed tenants. Teams says the tenant twice (channelData.tenant.id
 * and conversation.tenantId): both that are present must be allowed, and at least one must be.
 */
function inAllowedTenant(activity: Partial<Activity>, allowedTenantIds: readonly string[]): boolean {
  const allowed = new Set(allowedTenantIds.map((id) => id.trim().toLowerCase()).filter(Boolean));
  const fromData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const said = [fromData, activity.conversation?.tenantId].filter((t) => t !== undefined && t !== null);
  if (said.length === 0) return false;
  return said.every((t) => typeof t === 'string' && allowed.has(t.trim().toLowerCase()));
}
