import {
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationState,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type UserState,
} from 'botbuilder';
import { type Dialog, DialogSet, type DialogState, DialogTurnStatus } from 'botbuilder-dialogs';
import { activeRolesCard, continuedInPersonalChatCard, errorCard, helpCard, statusCard } from '../../cards';
import { activeItems } from '../../dialogs/deactivate-dialog';
import type { DialogServices } from '../../dialogs/dialog-services';
import { HELP_COMMANDS, MAIN_DIALOG, type MainDialogOptions } from '../../dialogs/main-dialog';
import { parseTargetKey, sameTarget } from '../activation/target-key';
import type { ApprovalService } from '../approvals/approval-service';
import type { ChannelSubscriptionStore } from '../notifications/channel-subscriptions';
import { isFeedAdmin } from '../notifications/feed-admins';
import type { DirectoryClient } from '../pim/directory-client';
import type { Logger } from '../observability/logger';
import { type ConversationReferenceStore, channelIdOf } from '../store/conversation-references';
import { PimError } from '../pim/pim-error';
import { errorSummary } from '../observability/error-summary';
import { turnLogger } from '../server';
import { type BotCommand, commandFromActivity } from './bot-command';

export interface PimBotDependencies {
  conversationState: ConversationState;
  userState: UserState;
  mainDialog: Dialog;
  services: DialogServices;
  logger: Logger;
  refs: ConversationReferenceStore;
  approvals?: ApprovalService;
  /** Channel subscriptions (subscribe / unsubscribe / subscriptions in a team channel). */
  subscriptions?: { store: ChannelSubscriptionStore; directory: DirectoryClient; adminGroupId?: string };
  /** The Bot Framework app id ('' in playground mode), for proactive sends. */
  botAppId: string;
  adapter: CloudAdapter;
}

/** Commands that need a private conversation: they collect justifications and act on the user's roles. */
const PERSONAL_ONLY = new Set<BotCommand['type']>(['activate', 'deactivate', 'roles', 'active', 'pending']);

/**
 * The Teams-facing bot: routes chat to the dialogs, answers card actions, and keeps justifications out
 * of channels by continuing in a 1:1 chat.
 */
export class PimBot extends TeamsActivityHandler {
  private readonly dialogs: DialogSet;
  private readonly dialogState;

  constructor(private readonly deps: PimBotDependencies) {
    super();
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(deps.mainDialog);

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name?.startsWith('pimbot/')) {
        const dc = await this.dialogs.createContext(context);
        await dc.continueDialog();
      }
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) {
        await context.sendActivity(
          MessageFactory.attachment(
            CardFactory.adaptiveCard(
              helpCard({
                intro: "Hi, I'm PIM Bot. I activate your Microsoft Entra PIM roles right here in chat:",
                commands: HELP_COMMANDS,
              }),
            ),
          ),
        );
      }
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await this.rememberConversation(context);
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
    await this.deps.userState.saveChanges(context, false);
  }

  /** Saved on install and on every message, so the bot can reach this user or channel later. */
  private async rememberConversation(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.type !== 'message' && activity.type !== 'conversationUpdate' && activity.type !== 'installationUpdate')
      return;
    try {
      const reference = TurnContext.getConversationReference(activity);
      const type = activity.conversation?.conversationType ?? 'personal';
      if (type === 'personal' && activity.from?.aadObjectId) {
        await this.deps.refs.rememberUser(activity.from.aadObjectId, reference);
      } else if (type === 'channel') {
        const channelId = channelIdOf(activity.conversation?.id, activity.channelData);
        if (channelId) await this.deps.refs.rememberChannel(channelId, reference);
      }
    } catch (err) {
      turnLogger(context, this.deps.logger).warn(
        { err: errorSummary(err) },
        'could not save the conversation reference',
      );
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const log = turnLogger(context, this.deps.logger);
    const command = commandFromActivity(context, { ticketPattern: this.deps.services.ticketPattern });
    log.info({ command: command.type, conversationType: context.activity.conversation?.conversationType }, 'message');

    const personal = (context.activity.conversation?.conversationType ?? 'personal') === 'personal';
    if (!personal) {
      await this.handleOutsidePersonalChat(context, command);
      return;
    }

    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog) {
      // The dialog takes the answer, or "cancel" (CancellableDialog).
      const result = await dc.continueDialog();
      if (result.status !== DialogTurnStatus.empty) return;
    }
    if (command.type === 'cancel') {
      await context.sendActivity('There is nothing to cancel.');
      return;
    }
    await dc.beginDialog(MAIN_DIALOG, { command } satisfies MainDialogOptions);
  }

  /** In channels and group chats only @mentions reach the bot; PIM work moves to a 1:1 chat. */
  private async handleOutsidePersonalChat(context: TurnContext, command: BotCommand): Promise<void> {
    if (!PERSONAL_ONLY.has(command.type)) {
      if (command.type === 'help' || command.type === 'unknown') {
        await context.sendActivity(
          MessageFactory.attachment(
            CardFactory.adaptiveCard(
              helpCard({ intro: 'Talk to me in a 1:1 chat to activate roles. I can:', commands: HELP_COMMANDS }),
            ),
          ),
        );
      } else {
        await this.handleSubscription(context, command);
      }
      return;
    }
    const from = context.activity.from;
    const tenantId =
      context.activity.conversation?.tenantId ??
      (context.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const params: ConversationParameters = {
      isGroup: false,
      bot: context.activity.recipient,
      members: [from],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    try {
      await this.deps.adapter.createConversationAsync(
        this.deps.botAppId,
        context.activity.channelId,
        context.activity.serviceUrl,
        '',
        params,
        async (personal) => {
          personal.activity.from = from;
          personal.activity.conversation = { ...personal.activity.conversation, conversationType: 'personal' };
          await personal.sendActivity(
            'You asked me in a channel; let us continue here, where your justification stays private.',
          );
          const dc = await this.dialogs.createContext(personal);
          await dc.beginDialog(MAIN_DIALOG, { command } satisfies MainDialogOptions);
          await this.deps.conversationState.saveChanges(personal, false);
        },
      );
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(continuedInPersonalChatCard({}))));
    } catch (err) {
      turnLogger(context, this.deps.logger).warn({ err: errorSummary(err) }, 'could not open a 1:1 chat');
      await context.sendActivity(
        'I could not open a 1:1 chat with you. Install PIM Bot for yourself (Apps > PIM Bot > Add) and ask me there.',
      );
    }
  }

  /** Approve / Deny / refresh on an approval card: every check happens in the approval service. */
  private async onApprovalAction(
    context: TurnContext,
    verb: 'approve' | 'deny' | 'refreshApproval',
    data: Record<string, unknown>,
  ): Promise<AdaptiveCardInvokeResponse> {
    const approvals = this.deps.approvals!;
    if (verb === 'refreshApproval') {
      const view =
        typeof data.requestId === 'string'
          ? await approvals.view(data.requestId, context.activity.from?.aadObjectId)
          : undefined;
      return cardResponse(
        view ?? errorCard({ title: 'Unknown request', message: 'This request is unknown.', fix: 'Type pending.' }),
      );
    }
    const card = await approvals.decide(
      context,
      data.requestId,
      verb === 'approve' ? 'Approve' : 'Deny',
      commentOf(data),
    );
    return cardResponse(card);
  }

  /** subscribe / unsubscribe / subscriptions in a team channel; changes are for feed admins only. */
  private async handleSubscription(context: TurnContext, command: BotCommand): Promise<void> {
    const feed = this.deps.subscriptions;
    const channelId = channelIdOf(context.activity.conversation?.id, context.activity.channelData);
    if (!feed || !channelId || context.activity.conversation?.conversationType !== 'channel') {
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
      turnLogger(context, this.deps.logger).warn({ err: errorSummary(err) }, 'feed admin group not readable');
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
    const args = 'args' in command && typeof command.args === 'string' ? command.args : '';
    const filters = args
      .split(/[,;]| and /)
      .map((f) => f.trim())
      .filter(Boolean);
    await feed.store.subscribe(channelId, {
      filters,
      by: { aadObjectId: userId, name: context.activity.from?.name },
      reference: TurnContext.getConversationReference(context.activity),
    });
    await context.sendActivity(
      filters.length
        ? `Subscribed: this channel gets every activation of ${filters.join(', ')}.`
        : 'Subscribed: this channel gets every activation.',
    );
  }

  /** Action.Execute from cards that change in place: "Deactivate now". */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const verb = invokeValue.action?.verb;
    const data = (invokeValue.action?.data ?? {}) as Record<string, unknown>;
    // Production: no SSO token yet for this user → ask Teams to sign them in (Universal Actions).
    const tokens = this.deps.services.sessions.tokens;
    if (verb !== 'refreshApproval' && tokens.loginRequest && !(await tokens.getUserAssertion(context))) {
      const login = await tokens.loginRequest(context);
      if (login) return login.body as AdaptiveCardInvokeResponse;
    }
    if ((verb === 'approve' || verb === 'deny' || verb === 'refreshApproval') && this.deps.approvals) {
      return this.onApprovalAction(context, verb, data);
    }
    if (verb !== 'deactivate') {
      return cardResponse(
        errorCard({ title: 'Unknown action', message: 'This button is not supported.', fix: 'Type help.' }),
      );
    }
    const target = parseTargetKey(data.target ?? data.key);
    if (!target) {
      return cardResponse(
        errorCard({ title: 'Invalid action', message: 'This button carries no role.', fix: 'Type active.' }),
      );
    }
    const pim = await this.deps.services.sessions.forTurn(context);
    if (!pim) {
      return cardResponse(
        errorCard({
          title: 'Sign-in needed',
          message: 'I could not get your sign-in.',
          fix: this.deps.services.sessions.tokens.missingTokenHelp,
        }),
      );
    }
    try {
      // Only what the clicker has active can be deactivated: the key is checked against their own list.
      const active = await pim.listActive();
      const mine = active.find((a) => sameTarget(a.target, target));
      if (!mine) {
        return cardResponse(
          activeRolesCard({ items: activeItems(active, context), emptyText: 'Nothing is active for you right now.' }),
        );
      }
      const userId = context.activity.from?.aadObjectId ?? '';
      await this.deps.services.activation.deactivate(pim, userId, mine.target);
      await this.deps.services.lifecycle
        ?.deactivatedByUser(userId, mine.target)
        .catch((err) => this.deps.logger.warn({ err: errorSummary(err) }, 'status card not updated'));
      return cardResponse(
        statusCard({
          requestKey: String(data.target ?? data.key),
          state: 'deactivated',
          targetName: mine.target.displayName,
          durationText: '',
          updatedText: 'Deactivated at your request.',
        }),
      );
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      return cardResponse(
        errorCard({
          title: 'Not deactivated',
          message: err.message,
          fix: err.fix,
          graphCode: err.graphCode ?? undefined,
          requestId: err.requestId ?? undefined,
        }),
      );
    }
  }
}

function commentOf(data: Record<string, unknown>): string {
  const inputId = typeof data.commentInputId === 'string' ? data.commentInputId : 'comment';
  const value = data[inputId] ?? data.comment;
  return typeof value === 'string' ? value.slice(0, 500) : '';
}

function cardResponse(card: Record<string, unknown>): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

export type { Activity };
