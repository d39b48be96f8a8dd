import { ActivityTypes, type TurnContext } from 'botbuilder';
import {
  Dialog,
  type DialogContext,
  type DialogTurnResult,
  Prompt,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { type TurnInput, turnInput } from './turn-input';

/** What the user answered: typed text, a card button, or (the step-up wait) the bot's resume event. */
export interface ChatInput extends TurnInput {
  /** For the step-up wait: the event the sign-in callback sent into the conversation. */
  eventName?: string;
}

/**
 * A prompt that accepts either typed text or a card submission. botbuilder's TextPrompt fails to
 * recognise Action.Submit messages, which carry `value` and no text.
 */
export class ChatInputPrompt extends Prompt<ChatInput> {
  constructor(
    dialogId: string,
    private readonly check?: PromptValidator<ChatInput>,
  ) {
    super(dialogId, check);
  }

  /**
   * botbuilder prompts ignore everything but messages; the step-up wait must also take the bot's own
   * resume event (sent into the conversation when the sign-in completes). Other events stay ignored.
   */
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    if (activity.type !== ActivityTypes.Event || !activity.name?.startsWith('pimbot/')) return super.continueDialog(dc);
    const promptState = dc.activeDialog?.state as { state: object; options: PromptOptions } | undefined;
    if (!promptState) return Dialog.EndOfTurn;
    const recognized = await this.onRecognize(dc.context);
    const valid = this.check
      ? await this.check({
          context: dc.context,
          recognized,
          state: promptState.state,
          options: promptState.options,
          attemptCount: 1,
        })
      : recognized.succeeded;
    return valid ? dc.endDialog(recognized.value) : Dialog.EndOfTurn;
  }

  protected async onPrompt(
    context: TurnContext,
    _state: object,
    options: PromptOptions,
    isRetry: boolean,
  ): Promise<void> {
    const prompt = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
    if (prompt) await context.sendActivity(prompt);
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<ChatInput>> {
    const activity = context.activity;
    if (activity.type === ActivityTypes.Event && activity.name?.startsWith('pimbot/')) {
      return { succeeded: true, value: { text: '', eventName: activity.name } };
    }
    if (activity.type !== ActivityTypes.Message) return { succeeded: false };
    const input = turnInput(context);
    if (!input.text && !input.action && !activity.value) return { succeeded: false };
    return { succeeded: true, value: input };
  }
}
