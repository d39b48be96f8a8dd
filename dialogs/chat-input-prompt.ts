import {
  Dialog,
  type DialogContext,
  type DialogTurnResult,
  Prompt,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import { ActivityTypes, type TurnContext } from 'botbuilder';

/** What the user answered: typed text, or the data of a card button/form (Action.Submit). */
export interface ChatInput {
  text: string;
  /** Card data with inputs merged (Action.Submit), if the answer came from a card. */
  value: Record<string, unknown> | undefined;
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
      return { succeeded: true, value: { text: '', value: asRecord(activity.value), eventName: activity.name } };
    }
    if (activity.type !== ActivityTypes.Message) return { succeeded: false };
    const text = (activity.text ?? '').trim();
    const value = asRecord(activity.value);
    if (!text && !value) return { succeeded: false };
    return { succeeded: true, value: { text, value } };
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The card verb of an answer ({ pimbot: 'confirm' } → 'confirm'), if any. */
export function cardVerb(input: ChatInput | undefined): string | undefined {
  const verb = input?.value?.pimbot;
  return typeof verb === 'string' ? verb : undefined;
}

/** The opaque target id of a card answer (`target`; `key` on cards posted before the rename). */
export function cardTargetOf(input: ChatInput | undefined): string | undefined {
  const target = input?.value?.target ?? input?.value?.key;
  return typeof target === 'string' ? target : undefined;
}
