import { randomUUID } from 'node:crypto';
import {
  type DialogTurnResult,
  type PromptValidatorContext,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { signInCard } from '../cards';
import { translator } from '../src/i18n';
import { CancellableDialog } from './cancellable-dialog';
import { type ChatInput, ChatInputPrompt } from './chat-input-prompt';
import { cardMessage } from './dialog-replies';
import { STEP_UP_TOKEN, type StepUpResult } from '../src/identity/step-up/resume';
import type { DialogServices } from './dialog-services';

export const STEP_UP_DIALOG = 'stepUp';

export interface StepUpOptions {
  /** The claims challenge PIM answered with (MFA, an authentication context). */
  claims: string;
  /** PIM's reason, shown on the sign-in card. */
  message: string;
  /** Signed in before the request began (Conditional Access on the exchange): the request carries on, nothing submitted yet. */
  beforeRequest?: boolean;
}

const WAIT_PROMPT = 'stepUp.wait';

/**
 * Collects a stronger sign-in: a card with a link to the bot's /auth/start (authorization code + PKCE
 * with the claims), then waits for the sign-in callback's resume event. Ends with the step-up token,
 * which lives in the resumed turn's memory only (never in dialog state).
 */
export class StepUpDialog extends CancellableDialog {
  constructor(private readonly services: DialogServices) {
    super(STEP_UP_DIALOG);
    this.addDialog(new ChatInputPrompt(WAIT_PROMPT, (p) => this.validateResume(p)));
    this.addDialog(new WaterfallDialog(`${STEP_UP_DIALOG}.steps`, [(s) => this.askSignIn(s), (s) => this.signedIn(s)]));
    this.initialDialogId = `${STEP_UP_DIALOG}.steps`;
  }

  private async askSignIn(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { claims, message } = step.options as StepUpOptions;
    const stepUp = this.services.stepUp;
    if (!stepUp) return step.endDialog();
    const resumeKey = randomUUID();
    const url = await stepUp.begin(step.context, { claims, resumeKey });
    const { locale } = step.context.activity;
    // The resume event comes from the sign-in callback, not from Teams, so it has no locale: keep the user's.
    (step.values as { locale?: string }).locale = locale;
    (step.values as { beforeRequest?: boolean }).beforeRequest = (step.options as StepUpOptions).beforeRequest;
    const card = signInCard({ url, reason: message }, { locale });
    return step.prompt(WAIT_PROMPT, {
      prompt: cardMessage(card),
      retryPrompt: { type: 'message', text: translator(locale)('chat:stepUp.retry') },
      validations: { resumeKey },
    });
  }

  private async validateResume(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    const expected = (prompt.options.validations as { resumeKey: string }).resumeKey;
    const result = prompt.context.turnState.get(STEP_UP_TOKEN) as StepUpResult | undefined;
    return prompt.recognized.value?.eventName !== undefined && result?.resumeKey === expected;
  }

  /** The token of this turn only: handed to the parent, which submits with it and forgets it. */
  private async signedIn(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.context.turnState.get(STEP_UP_TOKEN) as StepUpResult | undefined;
    if (!result) return step.endDialog();
    const { locale, beforeRequest } = step.values as { locale?: string; beforeRequest?: boolean };
    await step.context.sendActivity(
      translator(locale)(beforeRequest ? 'chat:stepUp.signedInFirst' : 'chat:stepUp.signedIn'),
    );
    return step.endDialog(result);
  }
}
