import { CancellableDialog } from './cancellable-dialog';
import { CardFactory, MessageFactory } from 'botbuilder';
import { type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { type AdaptiveCard, activeRolesCard, helpCard, myRolesCard } from '../cards';
import type { PimClient } from '../src/pim/pim-client';
import { PimError } from '../src/pim/pim-error';
import { ACTIVATE_ROLE_DIALOG, ActivateRoleDialog, type ActivateRoleOptions } from './activate-role-dialog';
import { activeItems, DEACTIVATE_DIALOG, DeactivateDialog } from './deactivate-dialog';
import type { DialogServices } from './dialog-services';
import { roleItems } from './role-view';

export const MAIN_DIALOG = 'main';

/** A command as the bot handler understood it (typed text or a card button). */
export interface RoutedCommand {
  type: string;
  text?: string;
  targetText?: string;
  targetKey?: string;
  minutes?: number;
  durationText?: string;
  ticket?: string;
  justification?: string;
}

export interface MainDialogOptions {
  command: RoutedCommand;
}

/** Commands that act on PIM and so need the user signed in. */
const NEEDS_SIGN_IN = new Set<string>(['roles', 'active', 'activate', 'deactivate', 'pending']);

export const HELP_COMMANDS = [
  { command: 'roles', description: 'Your eligible roles and groups, with what each needs.' },
  {
    command: 'activate Exchange Administrator 2h INC-42 fix mailbox rules',
    description: 'Activate a role; I ask for anything missing.',
  },
  { command: 'I need Exchange admin for 2 hours', description: 'The same, in your own words.' },
  { command: 'active', description: 'What is active for you now, and until when.' },
  { command: 'deactivate Exchange Administrator', description: 'End an activation early.' },
  { command: 'pending', description: 'Approvers: the requests waiting for your decision.' },
  { command: 'cancel', description: 'Stop what we are doing; nothing is submitted.' },
];

/** Routes a parsed command to its dialog or answer. */
export class MainDialog extends CancellableDialog {
  constructor(private readonly services: DialogServices) {
    super(MAIN_DIALOG);
    this.addDialog(new ActivateRoleDialog(services));
    this.addDialog(new DeactivateDialog(services));
    if (services.sessions.tokens.signInDialog) this.addDialog(services.sessions.tokens.signInDialog);
    this.addDialog(new WaterfallDialog(`${MAIN_DIALOG}.steps`, [(s) => this.signIn(s), (s) => this.route(s)]));
    this.initialDialogId = `${MAIN_DIALOG}.steps`;
  }

  private async signIn(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { command } = step.options as MainDialogOptions;
    const tokens = this.services.sessions.tokens;
    if (NEEDS_SIGN_IN.has(command.type) && tokens.signInDialog && !(await tokens.getUserAssertion(step.context))) {
      return step.beginDialog(tokens.signInDialog.id);
    }
    return step.next();
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { command } = step.options as MainDialogOptions;
    switch (command.type) {
      case 'activate': {
        const options: ActivateRoleOptions = {
          targetText: command.targetText,
          targetKey: command.targetKey,
          minutes: command.minutes,
          durationText: command.durationText,
          ticket: command.ticket,
          justification: command.justification,
        };
        return step.replaceDialog(ACTIVATE_ROLE_DIALOG, options);
      }
      case 'deactivate':
        return step.replaceDialog(DEACTIVATE_DIALOG, { targetText: command.targetText, targetKey: command.targetKey });
      case 'roles':
        await this.showRoles(step);
        return step.endDialog();
      case 'active':
        await this.showActive(step);
        return step.endDialog();
      case 'pending':
        await this.showPending(step);
        return step.endDialog();
      default:
        await step.context.sendActivity(
          MessageFactory.attachment(
            CardFactory.adaptiveCard(helpCard({ intro: helpIntro(command), commands: HELP_COMMANDS })),
          ),
        );
        return step.endDialog();
    }
  }

  /** Runs a read for the signed-in user and replies with its card, or says what went wrong. */
  private async replyWithCard(
    step: WaterfallStepContext,
    build: (pim: PimClient) => Promise<AdaptiveCard>,
  ): Promise<void> {
    const pim = await this.services.sessions.forTurn(step.context);
    if (!pim) {
      await step.context.sendActivity(
        `I could not get your sign-in. ${this.services.sessions.tokens.missingTokenHelp}`,
      );
      return;
    }
    try {
      await step.context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await build(pim))));
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      await step.context.sendActivity(err.userText);
    }
  }

  private showRoles(step: WaterfallStepContext): Promise<void> {
    return this.replyWithCard(step, async (pim) => {
      const userId = step.context.activity.from?.aadObjectId ?? '';
      const targets = (await this.services.activation.eligibleTargets(pim, userId)).map((e) => e.target);
      const policies = await Promise.all(
        targets.map((t) => this.services.activation.policyFor(pim, t).catch(() => undefined)),
      );
      return myRolesCard({
        items: roleItems(targets, policies),
        emptyText: 'You have no eligible roles or groups in PIM. Ask a PIM administrator to make you eligible.',
      });
    });
  }

  private showPending(step: WaterfallStepContext): Promise<void> {
    const approvals = this.services.approvals;
    return this.replyWithCard(step, (pim) =>
      approvals
        ? approvals.inbox(pim, step.context.activity.localTimezone)
        : Promise.resolve(helpCard({ intro: 'Approvals are not enabled on this bot.', commands: HELP_COMMANDS })),
    );
  }

  private showActive(step: WaterfallStepContext): Promise<void> {
    return this.replyWithCard(step, async (pim) =>
      activeRolesCard({
        items: activeItems(await this.services.activation.active(pim), step.context),
        emptyText: 'Nothing is active for you right now. Type "roles" to see what you can activate.',
      }),
    );
  }
}

function helpIntro(command: RoutedCommand): string {
  return command.type === 'unknown' && command.text
    ? "I didn't get that. Here is what I can do:"
    : "Hi, I'm PIM Bot. I activate your Microsoft Entra PIM roles right here in chat:";
}
