import type { Activity } from 'botbuilder';
import {
  type DialogTurnResult,
  type PromptValidatorContext,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { activeRolesCard } from '../cards';
import { matchTarget } from '../src/activation/target-matcher';
import { translator } from '../src/i18n';
import { isActivated, type PimTarget } from '../src/pim/pim-types';
import { findTarget } from '../src/pim/target-key';
import { activeItems } from '../src/views/active-view';
import { plainPart } from '../src/views/plain-message';
import { CancellableDialog } from './cancellable-dialog';
import { type ChatInput, ChatInputPrompt } from './chat-input-prompt';
import { cardMessage } from './dialog-replies';
import type { DialogServices } from './dialog-services';

export const DEACTIVATE_DIALOG = 'deactivate';

export interface DeactivateOptions {
  targetText?: string;
  targetKey?: string;
}

/** The dialog's result: the activation to end. */
export interface DeactivateChoice {
  target: PimTarget;
}

const CHOOSE_PROMPT = 'deactivate.choose';

/**
 * Which of the user's activations to end early: the one named, the only one, or the one they pick from
 * the card. Ends with a {@link DeactivateChoice} (nothing when there is nothing to end); the parent acts.
 */
export class DeactivateDialog extends CancellableDialog {
  constructor(private readonly services: DialogServices) {
    super(DEACTIVATE_DIALOG);
    this.addDialog(new ChatInputPrompt(CHOOSE_PROMPT, (p) => this.validateChoice(p)));
    this.addDialog(new WaterfallDialog(`${DEACTIVATE_DIALOG}.steps`, [(s) => this.choose(s), (s) => this.chosen(s)]));
    this.initialDialogId = `${DEACTIVATE_DIALOG}.steps`;
  }

  private async choose(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as DeactivateOptions;
    const t = translator(step.context.activity.locale);
    const pim = await this.services.sessions.pimFor(step.context);
    if (!pim) {
      await step.context.sendActivity(
        t('chat:signInMissing', { help: this.services.sessions.signInHelp(step.context.activity.locale) }),
      );
      return step.endDialog();
    }
    const active = (await pim.listActive()).filter(isActivated);
    if (active.length === 0) {
      await step.context.sendActivity(t('chat:deactivate.noneActive'));
      return step.endDialog();
    }
    const targets = active.map((a) => a.target);
    const byKey = options.targetKey ? findTarget(targets, options.targetKey) : undefined;
    if (byKey) return step.next(byKey);
    if (options.targetText) {
      const match = matchTarget(options.targetText, targets);
      if (match.kind === 'exact') return step.next(match.target);
    } else if (targets.length === 1) {
      return step.next(targets[0]);
    }
    (step.values as { choices?: PimTarget[] }).choices = targets;
    const { localTimezone, locale } = step.context.activity;
    const card = activeRolesCard({ items: activeItems(active, { timeZone: localTimezone, locale }) }, { locale });
    return step.prompt(CHOOSE_PROMPT, {
      prompt: cardMessage(
        card,
        // What they typed is shown, never read as markdown (plainPart), inside the sentence.
        options.targetText
          ? t('chat:deactivate.notActive', { name: plainPart(options.targetText) })
          : t('chat:deactivate.choose'),
      ),
      retryPrompt: { type: 'message', text: t('chat:deactivate.retry') } as Partial<Activity>,
      validations: targets,
    });
  }

  private async validateChoice(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    return chosenTarget(prompt.recognized.value, prompt.options.validations as PimTarget[]) !== undefined;
  }

  private async chosen(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as PimTarget | ChatInput;
    const target =
      'kind' in result ? result : chosenTarget(result, (step.values as { choices?: PimTarget[] }).choices ?? []);
    return step.endDialog(target ? ({ target } satisfies DeactivateChoice) : undefined);
  }
}

function chosenTarget(answer: ChatInput | undefined, choices: PimTarget[]): PimTarget | undefined {
  if (!answer) return undefined;
  // The active list's buttons are Action.Execute (answered in place); a typed name answers the question.
  const match = answer.text ? matchTarget(answer.text, choices) : undefined;
  return match?.kind === 'exact' ? match.target : undefined;
}
