import {
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  type CloudAdapter,
  type ConversationState,
  MessageFactory,
  TeamsActivityHandler,
  type TurnContext,
  type UserState,
} from 'botbuilder';
import { type Dialog, type DialogContext, DialogSet, type DialogState, DialogTurnStatus } from 'botbuilder-dialogs';
import { type FormSubmission, helpCard, readExecuteAction, type SubmitAction, type SubmitVerb } from '../../cards';
import { HELP_COMMANDS } from '../../dialogs/help-commands';
import { cardMessage } from '../../dialogs/dialog-replies';
import { type ChatCommand, MAIN_DIALOG, type MainDialogOptions } from '../../dialogs/main-dialog';
import { turnInput } from '../../dialogs/turn-input';
import { BUILT_IN_ROLE_NAMES } from '../commands/built-in-role-names';
import { type Command, parseCommand } from '../commands/command-parser';
import { translator } from '../i18n';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { UserPreferencesStore } from '../store/user-preferences-store';
import type { ConversationReferenceStore } from '../teams/conversation-references';
import { rememberReader } from '../teams/reader-preferences';
import { turnLogger } from '../teams/turn-logger';
import type { CardActionHandlers } from './card-action-handlers';
import type { ChannelSubscriptionCommands } from './channel-subscription-commands';
import { continueInPersonalChat } from './personal-chat';

export interface PimBotDependencies {
  conversationState: ConversationState;
  userState: UserState;
  mainDialog: Dialog;
  cardActions: CardActionHandlers;
  /** Channel subscriptions (subscribe / unsubscribe / subscriptions in a team channel). */
  subscriptions?: ChannelSubscriptionCommands;
  refs: ConversationReferenceStore;
  /** Each user's time zone and locale, remembered from their turns for the cards sent to them later. */
  preferences?: UserPreferencesStore;
  /** Ticket numbers users may type, for reading one-line commands. */
  ticketPattern: RegExp;
  logger: Logger;
  /** The Bot Framework app id ('' in playground mode), for proactive sends. */
  botAppId: string;
  adapter: CloudAdapter;
}

/** Where the conversation's dialog stack is kept; a new name whenever the dialogs' ids or steps change. */
const DIALOG_STATE_PROPERTY = 'dialogState.v2';

/**
 * The Teams-facing bot: reads what each activity asks for (a typed command, a card button, an invoke),
 * routes 1:1 chat to the dialogs, card buttons to their handlers, and keeps justifications out of
 * channels by continuing in a 1:1 chat.
 */
export class PimBot extends TeamsActivityHandler {
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: PimBotDependencies) {
    super();
    // Versioned: a dialog stack saved by an earlier version (other dialog ids and steps) is not resumed.
    this.dialogs = new DialogSet(deps.conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY));
    this.dialogs.add(deps.mainDialog);

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      // The bot's own events (a completed step-up sign-in) continue the waiting dialog.
      if (context.activity.name?.startsWith('pimbot/'))
        await (await this.dialogs.createContext(context)).continueDialog();
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) {
        const intro = translator(context.activity.locale)('bot:welcome.intro');
        await context.sendActivity(
          MessageFactory.attachment(CardFactory.adaptiveCard(helpCard({ intro, commands: HELP_COMMANDS }))),
        );
      }
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await this.rememberConversation(context);
    // The user's time zone and locale, for the cards sent to them later: alongside the turn, not before it.
    const remembering = this.deps.preferences
      ? rememberReader(context.activity, this.deps.preferences, turnLogger(context, this.deps.logger))
      : undefined;
    await super.run(context);
    await remembering;
    await this.deps.conversationState.saveChanges(context, false);
    await this.deps.userState.saveChanges(context, false);
  }

  // Teams SSO: the token exchange Teams sends after the OAuth card (and the verifyState of a sign-in by
  // the card's button) must reach the waiting OAuthPrompt; TeamsActivityHandler answers them 501
  // otherwise, and the sign-in never completes (found by test/production/sso-token-exchange.test.ts).
  protected override async handleTeamsSigninTokenExchange(context: TurnContext): Promise<void> {
    await (await this.dialogs.createContext(context)).continueDialog();
  }

  protected override async handleTeamsSigninVerifyState(context: TurnContext): Promise<void> {
    await (await this.dialogs.createContext(context)).continueDialog();
  }

  /** Saved on install and on every message, so the bot can reach this user or channel later. */
  private async rememberConversation(context: TurnContext): Promise<void> {
    const { type } = context.activity;
    if (type !== 'message' && type !== 'conversationUpdate' && type !== 'installationUpdate') return;
    try {
      // Uninstalled (or the bot removed from the team): a stored reference would only get 403s from now on,
      // and the approver installer would take it for "reachable" and never install the app again.
      if (removesBot(context.activity)) await this.deps.refs.forgetFrom(context.activity);
      else await this.deps.refs.rememberFrom(context.activity);
    } catch (err) {
      turnLogger(context, this.deps.logger).warn(
        { err: errorSummary(err) },
        'could not save the conversation reference',
      );
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const log = turnLogger(context, this.deps.logger);
    const command = commandFromActivity(context, { ticketPattern: this.deps.ticketPattern });
    log.info({ command: command.type, conversationType: context.activity.conversation?.conversationType }, 'message');
    const personal = (context.activity.conversation?.conversationType ?? 'personal') === 'personal';
    if (!personal) {
      await this.handleOutsidePersonalChat(context, command, log);
      return;
    }
    const dc = await this.dialogs.createContext(context);
    if (dc.activeDialog) {
      // The dialog takes the answer, or "cancel" (CancellableDialog).
      const result = await dc.continueDialog();
      if (result.status !== DialogTurnStatus.empty) return;
    }
    if (command.type === 'cancel') {
      await context.sendActivity(translator(context.activity.locale)('bot:nothingToCancel'));
      return;
    }
    if (command.type === 'activateAgain') {
      await this.activateAgain(context, command.requestId, dc);
      return;
    }
    if (command.type === 'cancelRequest') {
      const answer = await this.deps.cardActions.cancelTyped(context, command.targetText);
      await context.sendActivity(
        typeof answer === 'string' ? answer : MessageFactory.attachment(CardFactory.adaptiveCard(answer)),
      );
      return;
    }
    await dc.beginDialog(MAIN_DIALOG, { command: chatCommand(command) } satisfies MainDialogOptions);
  }

  /** "Activate again": queued while the activation runs (a card saying when), prefilled once it ended. */
  private async activateAgain(context: TurnContext, requestId: string, dc: DialogContext): Promise<void> {
    const again = this.deps.cardActions.again;
    const answer = again ? await again.click(context, requestId) : undefined;
    if (!answer) {
      await dc.beginDialog(MAIN_DIALOG, { command: { type: 'help' } } satisfies MainDialogOptions);
    } else if (answer.kind === 'prefill') {
      const command: ChatCommand = { type: 'activate', ...answer.options };
      await dc.beginDialog(MAIN_DIALOG, { command } satisfies MainDialogOptions);
    } else {
      const sent = await context.sendActivity(cardMessage(answer.card));
      if (answer.queuedId && sent?.id) await again!.sent(answer.queuedId, sent.id);
    }
  }

  /** In channels and group chats only @mentions reach the bot; PIM work moves to a 1:1 chat. */
  private async handleOutsidePersonalChat(context: TurnContext, command: BotCommand, log: Logger): Promise<void> {
    switch (command.type) {
      case 'subscribe':
      case 'unsubscribe':
      case 'subscriptions':
        if (this.deps.subscriptions) await this.deps.subscriptions.handle(context, command, log);
        else await context.sendActivity(translator(context.activity.locale)('bot:subscriptionsOnlyInChannel'));
        return;
      case 'activate':
      case 'deactivate':
      case 'roles':
      case 'active':
      case 'pending':
        // They collect justifications and act on the user's roles: never in front of the channel.
        await continueInPersonalChat(
          context,
          this.deps.adapter,
          this.deps.botAppId,
          async (personal) => {
            const dc = await this.dialogs.createContext(personal);
            await dc.beginDialog(MAIN_DIALOG, { command: chatCommand(command) } satisfies MainDialogOptions);
            await this.deps.conversationState.saveChanges(personal, false);
          },
          log,
        );
        return;
      default: {
        const intro = translator(context.activity.locale)('bot:outsideChat.intro');
        await context.sendActivity(
          MessageFactory.attachment(CardFactory.adaptiveCard(helpCard({ intro, commands: HELP_COMMANDS }))),
        );
      }
    }
  }

  /** Action.Execute from cards (Deactivate now, Approve, Deny, the approval card's refresh). */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return this.deps.cardActions.run(context, readExecuteAction(invokeValue), invokeValue.action?.verb);
  }
}

/** The 1:1 chat's command (channel-only commands never reach the dialogs). */
function chatCommand(command: BotCommand): ChatCommand {
  switch (command.type) {
    case 'subscribe':
    case 'unsubscribe':
    case 'subscriptions':
    case 'cancelRequest': // answered before any dialog
    case 'activateAgain':
      return { type: 'help' };
    default:
      return command;
  }
}

/** A chat command, or the same from a card button (which names its target by key). */
export type BotCommand =
  | Command
  | { type: 'activate'; targetKey: string }
  | { type: 'activateAgain'; requestId: string }
  | { type: 'activate'; form: FormSubmission; formSubmitted: boolean };

/** Each card button (Action.Submit) as the command it stands for. */
const FROM_CARD: { [V in SubmitVerb]: (action: Extract<SubmitAction, { verb: V }>) => BotCommand } = {
  roles: () => ({ type: 'roles' }),
  active: () => ({ type: 'active' }),
  cancel: () => ({ type: 'cancel' }),
  activate: (action) => ({ type: 'activate', targetKey: action.target }),
  // The activation form clicked when no dialog waits for it: a new activation dialog reads it.
  activationFormRole: (action) => ({ type: 'activate', form: action.form, formSubmitted: false }),
  activationForm: (action) => ({ type: 'activate', form: action.form, formSubmitted: true }),
  // A confirmation card clicked when no activation waits for it (the dialog ended or was cancelled).
  confirm: () => ({ type: 'unknown', text: '' }),
  activateAgain: (action) => ({ type: 'activateAgain', requestId: action.requestId }),
};

/** What the user asked for in this message: the card button they clicked, or what they typed. */
export function commandFromActivity(context: TurnContext, options: { ticketPattern?: RegExp } = {}): BotCommand {
  const input = turnInput(context);
  if (input.action) {
    const read = FROM_CARD[input.action.verb] as (action: SubmitAction) => BotCommand;
    return read(input.action);
  }
  return parseCommand(context.activity.text ?? '', {
    targetNames: BUILT_IN_ROLE_NAMES,
    ticketPattern: options.ticketPattern,
  });
}

/**
 * The bot leaves this conversation: installationUpdate `remove` (also `remove-upgrade`), or the bot among
 * conversationUpdate's membersRemoved (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events).
 */
function removesBot(activity: Activity): boolean {
  if (activity.type === 'installationUpdate') return String(activity.action ?? '').startsWith('remove');
  const botId = activity.recipient?.id;
  return activity.type === 'conversationUpdate' && (activity.membersRemoved ?? []).some((m) => m.id === botId);
}
