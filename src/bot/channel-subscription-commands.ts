import { type Activity, type TurnContext, TurnContext as Turn } from 'botbuilder';
import { readSubscriptionArgs, readUnsubscribeArgs } from '../commands/subscription-args';
import { translator } from '../i18n';
import { type ChannelSubscriptionStore, FilterLimitError } from '../notifications/channel-subscriptions';
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
 * group (or is several) changes nothing and says what was meant. Answers are in the language of the person who
 * typed the command (their activity's locale), whoever else reads the channel.
 */
export class ChannelSubscriptionCommands {
  constructor(private readonly deps: ChannelSubscriptionCommandsDependencies) {}

  async handle(context: TurnContext, command: SubscriptionCommand, log: Logger): Promise<void> {
    const channelId = channelIdOf(context.activity.conversation?.id, context.activity.channelData);
    if (!channelId || context.activity.conversation?.conversationType !== 'channel') {
      await context.sendActivity(
        plainMessage(translator(context.activity.locale)('subscriptions:commands.onlyInChannel')),
      );
      return;
    }
    if (command.type === 'subscriptions') {
      const security = this.deps.securityChannelId?.trim().toLowerCase() === channelId.toLowerCase();
      await context.sendActivity(
        plainMessage(subscriptionsReply(await this.deps.store.get(channelId), security, context.activity.locale)),
      );
      return;
    }
    if (!(await this.mayChange(context, log))) return;
    if (command.type === 'unsubscribe') await this.unsubscribe(context, channelId, command.args);
    else await this.subscribe(context, channelId, command.args, log);
  }

  /** Whether the sender is a feed admin; when not (or when it cannot tell), says so and returns false. */
  private async mayChange(context: TurnContext, log: Logger): Promise<boolean> {
    const { adminGroupId, directory } = this.deps;
    const t = translator(context.activity.locale);
    if (!adminGroupId) {
      await context.sendActivity(plainMessage(t('subscriptions:commands.turnedOff')));
      return false;
    }
    try {
      if (await isFeedAdmin(directory, adminGroupId, context.activity.from?.aadObjectId ?? '')) return true;
    } catch (err) {
      // Not "you are not an admin": the bot could not tell.
      log.warn({ err: errorSummary(err) }, 'feed admin group not readable');
      await context.sendActivity(plainMessage(t('subscriptions:commands.adminsUnreadable')));
      return false;
    }
    const group = await directory
      .getGroup(adminGroupId)
      .then((g) => plainPart(g.displayName))
      .catch(() => '');
    await context.sendActivity(
      plainMessage(
        group ? t('subscriptions:commands.notAdmin', { group }) : t('subscriptions:commands.notAdminUnnamed'),
      ),
    );
    return false;
  }

  private async subscribe(context: TurnContext, channelId: string, args: string, log: Logger): Promise<void> {
    const locale = context.activity.locale;
    const t = translator(locale);
    const { filters: typed, details } = readSubscriptionArgs(args);
    const mayShowDetails = inAllowedTenant(context.activity, this.deps.allowedTenantIds);
    if (details === true && !mayShowDetails) {
      log.warn({ channelId }, 'details refused: the channel is not in an allowed tenant');
      await context.sendActivity(plainMessage(t('subscriptions:commands.detailsRefused')));
      return;
    }
    let known: readonly string[] = [];
    if (typed.length > 0) {
      try {
        known = await this.deps.names.known();
      } catch (err) {
        log.warn({ err: errorSummary(err) }, 'role names not readable');
        await context.sendActivity(plainMessage(t('subscriptions:commands.namesUnreadable')));
        return;
      }
    }
    const resolved = typed.map((text) => ({ text, match: resolveSubscriptionName(text, known) }));
    const problems = nameProblems(resolved, 'subscribe', [], locale);
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
        // The channel's feed cards follow the language of whoever subscribes it.
        locale,
      });
      await context.sendActivity(plainMessage(subscribedReply(outcome, names.length > 0, mayShowDetails, locale)));
    } catch (err) {
      if (!(err instanceof FilterLimitError)) throw err;
      await context.sendActivity(plainMessage(t(`subscriptions:commands.${err.code}`, { max: err.max })));
    }
  }

  private async unsubscribe(context: TurnContext, channelId: string, args: string): Promise<void> {
    const locale = context.activity.locale;
    const t = translator(locale);
    const typed = readUnsubscribeArgs(args);
    const current = await this.deps.store.get(channelId);
    if (!current) {
      await context.sendActivity(plainMessage(t('subscriptions:unsubscribed.noSubscription')));
      return;
    }
    if (typed.length > 0 && current.filters.length === 0) {
      await context.sendActivity(plainMessage(t('subscriptions:unsubscribed.everyActivation')));
      return;
    }
    // A name to remove is one the channel follows: matched among its own filters, not the whole tenant.
    const resolved = typed.map((text) => ({ text, match: resolveSubscriptionName(text, current.filters) }));
    const problems = nameProblems(resolved, 'unsubscribe', current.filters, locale);
    if (problems) {
      await context.sendActivity(plainMessage(problems));
      return;
    }
    const names = resolved.flatMap((r) => (r.match.kind === 'exact' ? [r.match.name] : []));
    const outcome = await this.deps.store.unsubscribe(channelId, names);
    await context.sendActivity(plainMessage(unsubscribedReply(outcome, names.length > 0, locale)));
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
