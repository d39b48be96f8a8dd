import { type Activity, type TurnContext, TurnContext as Turn } from 'botbuilder';
import { readSubscriptionArgs, readUnsubscribeArgs } from '../commands/subscription-args';
import type { ChannelSubscriptionStore } from '../notifications/channel-subscriptions';
import { isFeedAdmin } from '../notifications/feed-admins';
import { resolveSubscriptionName, type SubscriptionNames } from '../notifications/subscription-names';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import { channelIdOf } from '../teams/conversation-references';
import { plainMessage, plainPart } from '../views/plain-message';
import { nameProblems, subscribedReply, subscriptionsReply, unsubscribedReply } from './subscription-replies';

export interface ChannelSubscriptionCommandsDependencies {
  store: ChannelSubscriptionStore;
  /** The role and group names a channel may subscribe to (typed names are matched as `activate` matches them). */
  names: SubscriptionNames;
  /** App-only reads of the feed admin group's members. */
  directory: DirectoryClient;
  /** FEED_ADMIN_GROUP_ID: whose members may change a channel's subscription. */
  adminGroupId?: string;
  /**
   * The bot's own tenant(s) (Entra tenant ids): only a channel of a team in one of them may opt in to
   * justifications and tickets (`subscribe … with details`). Wired in src/app.ts.
   */
  allowedTenantIds: readonly string[];
  /** SECURITY_CHANNEL_ID: gets every break-glass activation whatever it follows; `subscriptions` says so. */
  securityChannelId?: string;
}

type SubscriptionCommand = { type: 'subscribe' | 'unsubscribe' | 'subscriptions'; args: string };

/**
 * subscribe / unsubscribe / subscriptions, @mentioned in a team channel: anyone may ask what the channel
 * gets; only members of the feed admin group may change it. `subscribe <roles>` adds to the channel's filters,
 * `unsubscribe <role>` removes one, `unsubscribe` alone removes the subscription. A name that is not a role or
 * group (or is several) changes nothing and says what was meant.
 */
export class ChannelSubscriptionCommands {
  constructor(private readonly deps: ChannelSubscriptionCommandsDependencies) {}

  async handle(context: TurnContext, command: SubscriptionCommand, log: Logger): Promise<void> {
    const channelId = channelIdOf(context.activity.conversation?.id, context.activity.channelData);
    if (!channelId || context.activity.conversation?.conversationType !== 'channel') {
      await context.sendActivity(
        plainMessage('Subscriptions work in a team channel: @mention me there with "subscribe".'),
      );
      return;
    }
    if (command.type === 'subscriptions') {
      const security = this.deps.securityChannelId?.trim().toLowerCase() === channelId.toLowerCase();
      await context.sendActivity(plainMessage(subscriptionsReply(await this.deps.store.get(channelId), security)));
      return;
    }
    if (!(await this.mayChange(context, log))) return;
    if (command.type === 'unsubscribe') await this.unsubscribe(context, channelId, command.args);
    else await this.subscribe(context, channelId, command.args, log);
  }

  /** Whether the sender is a feed admin; when not (or when it cannot tell), says so and returns false. */
  private async mayChange(context: TurnContext, log: Logger): Promise<boolean> {
    const { adminGroupId, directory } = this.deps;
    if (!adminGroupId) {
      await context.sendActivity(
        plainMessage('Channel subscriptions are turned off: the bot has no FEED_ADMIN_GROUP_ID configured.'),
      );
      return false;
    }
    try {
      if (await isFeedAdmin(directory, adminGroupId, context.activity.from?.aadObjectId ?? '')) return true;
    } catch (err) {
      // Not "you are not an admin": the bot could not tell.
      log.warn({ err: errorSummary(err) }, 'feed admin group not readable');
      await context.sendActivity(
        plainMessage(
          "I could not check who may change this channel's subscription (Microsoft Graph did not answer). Nothing was changed; try again in a minute.",
        ),
      );
      return false;
    }
    const group = await directory
      .getGroup(adminGroupId)
      .then((g) => `the ${plainPart(g.displayName) || 'PIM Bot admins'} group`)
      .catch(() => 'the PIM Bot admins group');
    await context.sendActivity(
      plainMessage(`Only members of ${group} can change this channel's subscription. Ask one of them.`),
    );
    return false;
  }

  private async subscribe(context: TurnContext, channelId: string, args: string, log: Logger): Promise<void> {
    const { filters: typed, details } = readSubscriptionArgs(args);
    const mayShowDetails = inAllowedTenant(context.activity, this.deps.allowedTenantIds);
    if (details === true && !mayShowDetails) {
      log.warn({ channelId }, 'details refused: the channel is not in an allowed tenant');
      await context.sendActivity(
        plainMessage(
          'Only a channel of a team in this organisation\'s own Microsoft Entra tenant can show justifications and tickets. Nothing was changed; subscribe without "with details" to get the cards without them.',
        ),
      );
      return;
    }
    let known: readonly string[] = [];
    if (typed.length > 0) {
      try {
        known = await this.deps.names.known();
      } catch (err) {
        log.warn({ err: errorSummary(err) }, 'role names not readable');
        await context.sendActivity(
          plainMessage(
            "I could not read the tenant's role names (Microsoft Graph did not answer). Nothing was changed; try again in a minute.",
          ),
        );
        return;
      }
    }
    const resolved = typed.map((text) => ({ text, match: resolveSubscriptionName(text, known) }));
    const problems = nameProblems(resolved, 'subscribe');
    if (problems) {
      await context.sendActivity(plainMessage(problems));
      return;
    }
    const names = resolved.flatMap((r) => (r.match.kind === 'exact' ? [r.match.name] : []));
    try {
      const outcome = await this.deps.store.subscribe(channelId, {
        filters: names,
        // Only a channel that may show details keeps them when the admin does not say.
        details: details ?? (mayShowDetails ? undefined : false),
        by: { aadObjectId: context.activity.from?.aadObjectId ?? '', name: context.activity.from?.name },
        reference: Turn.getConversationReference(context.activity),
      });
      await context.sendActivity(plainMessage(subscribedReply(outcome, names.length > 0, mayShowDetails)));
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      await context.sendActivity(plainMessage(`${err.message} Nothing was changed.`));
    }
  }

  private async unsubscribe(context: TurnContext, channelId: string, args: string): Promise<void> {
    const typed = readUnsubscribeArgs(args);
    const current = await this.deps.store.get(channelId);
    if (!current) {
      await context.sendActivity(plainMessage('This channel had no subscription. Nothing was changed.'));
      return;
    }
    if (typed.length > 0 && current.filters.length === 0) {
      await context.sendActivity(
        plainMessage(
          'This channel gets every activation, not a list of roles, so there is no one role to remove. Nothing was changed. Say "unsubscribe" to stop the feed here, then "subscribe <role or group names>" for only those.',
        ),
      );
      return;
    }
    // A name to remove is one the channel follows: matched among its own filters, not the whole tenant.
    const resolved = typed.map((text) => ({ text, match: resolveSubscriptionName(text, current.filters) }));
    const problems = nameProblems(resolved, 'unsubscribe', current.filters);
    if (problems) {
      await context.sendActivity(plainMessage(problems));
      return;
    }
    const names = resolved.flatMap((r) => (r.match.kind === 'exact' ? [r.match.name] : []));
    const outcome = await this.deps.store.unsubscribe(channelId, names);
    await context.sendActivity(plainMessage(unsubscribedReply(outcome, names.length > 0)));
  }
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
