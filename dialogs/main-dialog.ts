import type { TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogTurnResult,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { helpCard, TEXT_LIMITS } from '../cards';
import type { ActivationRequest } from '../src/activation/activation-service';
import { type TranslationKey, translator } from '../src/i18n';
import { PimError } from '../src/pim/pim-error';
import { pimErrorText } from '../src/views/pim-error-words';
import { plainMessage, plainPart } from '../src/views/plain-message';
import { ACTIVATE_ROLE_DIALOG, ActivateRoleDialog, type ActivateRoleOptions } from './activate-role-dialog';
import { ActivationSubmission, type SubmissionState } from './activation-submission';
import { CancellableDialog, endCancelled } from './cancellable-dialog';
import {
  DEACTIVATE_DIALOG,
  type DeactivateChoice,
  DeactivateDialog,
  type DeactivateOptions,
} from './deactivate-dialog';
import { cardMessage, userIdOf } from './dialog-replies';
import type { StepUpResult } from '../src/identity/step-up/resume';
import type { DialogServices } from './dialog-services';
import { helpCommands } from './help-commands';
import { type Interruption, readInterruption, waitingPromptId } from './interruptions';
import { Listings } from './listings';
import { replacementText } from './replacement-text';
import { unblockSession } from './session-unblock';
import { STEP_UP_DIALOG, StepUpDialog, type StepUpOptions } from './step-up-dialog';

export const MAIN_DIALOG = 'main';

/** A command for the 1:1 chat, as the bot read it from typed text or a card button. */
export type ChatCommand =
  | { type: 'help' | 'roles' | 'active' | 'pending' | 'cancel' }
  | ({ type: 'activate' } & ActivateRoleOptions)
  | ({ type: 'deactivate' } & DeactivateOptions)
  | { type: 'unknown'; text?: string };

export interface MainDialogOptions {
  command: ChatCommand;
}

/** Commands that act on PIM and so need the user signed in. */
const NEEDS_SIGN_IN = new Set<ChatCommand['type']>(['roles', 'active', 'activate', 'deactivate', 'pending']);

interface MainState {
  /** A step-up sign-in runs before the command (Conditional Access on the exchange): its result is read first. */
  stepUpFirst?: boolean;
  /** The child dialog running: its result is read accordingly. */
  child?: 'activate' | 'deactivate';
  submission?: SubmissionState;
}

/**
 * Routes a command to the dialog that collects it, then acts on the typed result (the child dialogs
 * collect; this parent submits and deactivates through the ActivationService): BotBuilder's core-bot shape.
 */
export class MainDialog extends CancellableDialog {
  private readonly listings: Listings;
  private readonly submission: ActivationSubmission;

  constructor(private readonly services: DialogServices) {
    super(MAIN_DIALOG);
    this.listings = new Listings(services);
    this.submission = new ActivationSubmission(services);
    this.addDialog(new ActivateRoleDialog(services));
    this.addDialog(new DeactivateDialog(services));
    this.addDialog(new StepUpDialog(services));
    if (services.sessions.signInDialog) this.addDialog(services.sessions.signInDialog);
    this.addDialog(
      new WaterfallDialog(`${MAIN_DIALOG}.steps`, [
        (s) => this.signIn(s),
        (s) => this.unblock(s),
        (s) => this.route(s),
        (s) => this.act(s),
        (s) => this.afterStepUp(s),
      ]),
    );
    this.initialDialogId = `${MAIN_DIALOG}.steps`;
  }

  /**
   * BotBuilder's interruption pattern (core-bot's CancelAndHelpDialog.onContinueDialog), for every prompt of
   * every child (the sign-in, the role chooser, duration, justification, ticket, confirmation, the deactivation
   * choice, the step-up wait): a command typed there is that command. ./interruptions decides which messages are
   * commands (the whole message, never a keyword in an answer); anything else goes to the prompt.
   */
  protected override async onBeginDialog(inner: DialogContext, options?: MainDialogOptions): Promise<DialogTurnResult> {
    return this.signInAgainIfEnded(inner, () => super.onBeginDialog(inner, options));
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    return this.signInAgainIfEnded(inner, () => this.continueOrInterrupt(inner));
  }

  /** The user's session ended mid-request (revoked, CAE): the same command again, from its sign-in step. */
  private async signInAgainIfEnded(inner: DialogContext, run: () => Promise<DialogTurnResult>) {
    try {
      return await run();
    } catch (err) {
      const steps = inner.stack.find((d) => d.id === `${MAIN_DIALOG}.steps`)?.state as { options?: MainDialogOptions };
      if (!steps?.options || !(await this.services.sessions.endedSession?.(inner.context))) throw err;
      await inner.cancelAllDialogs();
      return inner.beginDialog(`${MAIN_DIALOG}.steps`, steps.options);
    }
  }

  private async continueOrInterrupt(inner: DialogContext): Promise<DialogTurnResult> {
    const interruption = await readInterruption(inner.context, waitingPromptId(inner), this.services);
    if (!interruption) return super.onContinueDialog(inner);
    switch (interruption.kind) {
      case 'cancel':
        return endCancelled(inner);
      case 'answer':
        await this.answer(inner.context, interruption);
        return this.reprompt(inner);
      case 'replace': {
        await inner.context.sendActivity(plainMessage(replacementText(inner, interruption.command)));
        await inner.cancelAllDialogs();
        return inner.beginDialog(`${MAIN_DIALOG}.steps`, {
          command: interruption.command,
        } satisfies MainDialogOptions);
      }
    }
  }

  /** The same question again (the prompt's first wording, not its retry): the user picks up where they were. */
  private async reprompt(inner: DialogContext): Promise<DialogTurnResult> {
    const signIn = this.services.sessions.signInDialog;
    // botbuilder's OAuthPrompt cannot re-prompt: its sign-in card is sent again by beginning it again.
    if (signIn && inner.activeDialog?.id === signIn.id) return inner.replaceDialog(signIn.id);
    await inner.repromptDialog();
    return Dialog.EndOfTurn;
  }

  /** A command answered in the middle of a dialog, which then goes on. */
  private async answer(context: TurnContext, interruption: Extract<Interruption, { kind: 'answer' }>) {
    switch (interruption.command) {
      case 'roles':
        return this.listings.roles(context);
      case 'active':
        return this.listings.active(context);
      case 'pending':
        return this.listings.pending(context);
      case 'cancelRequest': {
        const canceller = this.services.waitingRequests;
        const answer = canceller
          ? await canceller.cancelTyped(context, interruption.targetText)
          : translator(context.activity.locale)('chat:noApprovalsToCancel');
        await context.sendActivity(typeof answer === 'string' ? answer : cardMessage(answer));
        return;
      }
      default:
        await context.sendActivity(helpMessage(context, 'help:intro.midDialog'));
    }
  }

  private state(step: WaterfallStepContext): MainState {
    const values = step.values as { main?: MainState };
    values.main ??= {};
    return values.main;
  }

  private async signIn(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { command } = step.options as MainDialogOptions;
    const { sessions } = this.services;
    if (NEEDS_SIGN_IN.has(command.type) && sessions.signInDialog && !(await sessions.hasToken(step.context))) {
      return step.beginDialog(sessions.signInDialog.id);
    }
    return step.next();
  }

  /** Signed in, but Entra will not exchange the token yet (./session-unblock): the step-up first, or a stop. */
  private async unblock(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { command } = step.options as MainDialogOptions;
    if (!NEEDS_SIGN_IN.has(command.type)) return step.next();
    const next = await unblockSession(step.context, this.services);
    if (next === undefined) return step.next();
    if (next === 'stop') return step.endDialog();
    this.state(step).stepUpFirst = true;
    return step.beginDialog(STEP_UP_DIALOG, next satisfies StepUpOptions);
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { command } = step.options as MainDialogOptions;
    if (this.state(step).stepUpFirst) {
      const signedIn = step.result as StepUpResult | undefined;
      if (!signedIn) return step.endDialog();
      await this.services.sessions.adoptStepUp?.(step.context, signedIn.token);
    }
    switch (command.type) {
      case 'activate': {
        const { type: _type, ...options } = command;
        this.state(step).child = 'activate';
        return step.beginDialog(ACTIVATE_ROLE_DIALOG, options satisfies ActivateRoleOptions);
      }
      case 'deactivate': {
        this.state(step).child = 'deactivate';
        return step.beginDialog(DEACTIVATE_DIALOG, {
          targetText: command.targetText,
          targetKey: command.targetKey,
        } satisfies DeactivateOptions);
      }
      case 'roles':
        await this.listings.roles(step.context);
        return step.endDialog();
      case 'active':
        await this.listings.active(step.context);
        return step.endDialog();
      case 'pending':
        await this.listings.pending(step.context);
        return step.endDialog();
      default: {
        const intro = command.type === 'unknown' && command.text ? 'help:intro.notUnderstood' : 'help:intro.greeting';
        await step.context.sendActivity(helpMessage(step.context, intro));
        return step.endDialog();
      }
    }
  }

  /** The child collected what to do: submit the activation, or end the chosen one. */
  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (state.child === 'activate' && step.result) {
      const { state: submission, result } = await this.submission.begin(step.context, step.result as ActivationRequest);
      state.submission = submission;
      if (result.done) return step.endDialog();
      return step.beginDialog(STEP_UP_DIALOG, {
        claims: result.claims,
        message: result.message,
      } satisfies StepUpOptions);
    }
    if (state.child === 'deactivate' && step.result) await this.deactivate(step, step.result as DeactivateChoice);
    return step.endDialog();
  }

  /** Signed in again: the same request goes to PIM with the new token, and no further step-up. */
  private async afterStepUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const signedIn = step.result as StepUpResult | undefined;
    const submission = this.state(step).submission;
    if (!signedIn || !submission) return step.endDialog();
    const pim = this.services.sessions.pimForToken(signedIn.token, userIdOf(step.context));
    await this.submission.submit(step.context, submission, pim, false);
    return step.endDialog();
  }

  private async deactivate(step: WaterfallStepContext, choice: DeactivateChoice): Promise<void> {
    const pim = await this.services.sessions.pimFor(step.context);
    if (!pim) return;
    try {
      await this.services.activation.deactivate(pim, userIdOf(step.context), choice.target);
      const t = translator(step.context.activity.locale);
      await step.context.sendActivity(
        plainMessage(t('chat:deactivated', { name: plainPart(choice.target.displayName) })),
      );
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      // It names the role (a directory name): plain, like every text message with outside names in it.
      await step.context.sendActivity(
        plainMessage(plainPart(pimErrorText(err, step.context.activity.locale), TEXT_LIMITS.message)),
      );
    }
  }
}

/** The help card in the reader's language, under the intro that fits where they are. */
function helpMessage(context: TurnContext, intro: TranslationKey) {
  const { locale } = context.activity;
  return cardMessage(helpCard({ intro: translator(locale)(intro), commands: helpCommands(locale) }, { locale }));
}
