import { CancellableDialog } from './cancellable-dialog';
import { type Activity, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import {
  type DialogTurnResult,
  type PromptValidatorContext,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { activeRolesCard } from '../cards';
import { findTarget, targetKey } from '../src/activation/target-key';
import { matchTarget } from '../src/activation/target-matcher';
import { PimError } from '../src/pim/pim-error';
import type { ActiveAssignment, PimTarget } from '../src/pim/pim-types';
import { formatLocalTime } from '../src/shared/local-time';
import { type ChatInput, ChatInputPrompt, cardTargetOf, cardVerb } from './chat-input-prompt';
import type { DialogServices } from './dialog-services';
import { errorSummary } from '../src/observability/error-summary';

export const DEACTIVATE_DIALOG = 'deactivate';

export interface DeactivateOptions {
  targetText?: string;
  targetKey?: string;
}

const CHOOSE_PROMPT = 'deactivate.choose';

/** Ends one of the user's PIM activations early: which one (asked when unclear), then selfDeactivate. */
export class DeactivateDialog extends CancellableDialog {
  constructor(private readonly services: DialogServices) {
    super(DEACTIVATE_DIALOG);
    this.addDialog(new ChatInputPrompt(CHOOSE_PROMPT, (p) => this.validateChoice(p)));
    this.addDialog(
      new WaterfallDialog(`${DEACTIVATE_DIALOG}.steps`, [(s) => this.choose(s), (s) => this.deactivate(s)]),
    );
    this.initialDialogId = `${DEACTIVATE_DIALOG}.steps`;
  }

  private async choose(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as DeactivateOptions;
    const pim = await this.services.sessions.forTurn(step.context);
    if (!pim) {
      await step.context.sendActivity(
        `I could not get your sign-in. ${this.services.sessions.tokens.missingTokenHelp}`,
      );
      return step.endDialog();
    }
    const active = (await pim.listActive()).filter((a) => (a.assignmentType ?? '').toLowerCase() === 'activated');
    if (active.length === 0) {
      await step.context.sendActivity('You have no active PIM roles or groups to deactivate.');
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
    (step.values as Record<string, unknown>).choices = targets;
    const card = activeRolesCard({ items: activeItems(active, step.context) });
    return step.prompt(CHOOSE_PROMPT, {
      prompt: MessageFactory.attachment(
        CardFactory.adaptiveCard(card),
        options.targetText
          ? `"${options.targetText}" is not one of your active roles. Which one do you want to deactivate?`
          : 'Which one do you want to deactivate?',
      ) as Partial<Activity>,
      retryPrompt: MessageFactory.text(
        'Pick one with its button or type its name, or say cancel.',
      ) as Partial<Activity>,
      validations: targets,
    });
  }

  private async validateChoice(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    return chosenTarget(prompt.recognized.value, prompt.options.validations as PimTarget[]) !== undefined;
  }

  private async deactivate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as PimTarget | ChatInput;
    const target =
      'kind' in result ? result : chosenTarget(result, (step.values as Record<string, unknown>).choices as PimTarget[]);
    if (!target) return step.endDialog();
    const pim = await this.services.sessions.forTurn(step.context);
    if (!pim) return step.endDialog();
    try {
      const userId = step.context.activity.from?.aadObjectId ?? '';
      await this.services.activation.deactivate(pim, userId, target);
      await step.context.sendActivity(`${target.displayName} is deactivated.`);
      await this.services.lifecycle
        ?.deactivatedByUser(userId, target)
        .catch((err) => this.services.logger.warn({ err: errorSummary(err) }, 'status card not updated'));
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      await step.context.sendActivity(err.userText);
    }
    return step.endDialog();
  }
}

function chosenTarget(answer: ChatInput | undefined, choices: PimTarget[]): PimTarget | undefined {
  if (!answer) return undefined;
  if (cardVerb(answer) === 'deactivate') return findTarget(choices, cardTargetOf(answer));
  const match = answer.text ? matchTarget(answer.text, choices) : undefined;
  return match?.kind === 'exact' ? match.target : undefined;
}

/** Rows of the active-roles card. */
export function activeItems(active: readonly ActiveAssignment[], context: TurnContext) {
  return active.map((a) => ({
    key: targetKey(a.target),
    name: a.target.displayName,
    untilText: a.endDateTime
      ? formatLocalTime(
          a.endDateTime,
          context.activity.localTimezone,
          context.activity.locale,
          a.startDateTime ?? undefined,
        )
      : 'permanent',
    canDeactivate: (a.assignmentType ?? '').toLowerCase() === 'activated',
    note: (a.assignmentType ?? '').toLowerCase() === 'activated' ? undefined : 'Permanent assignment',
  }));
}
