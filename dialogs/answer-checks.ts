import type { PromptValidatorContext } from 'botbuilder-dialogs';
import { parseDuration, validateDuration } from '../src/activation/duration-parser';
import { matchTarget } from '../src/activation/target-matcher';
import { translator } from '../src/i18n';
import type { PimTarget } from '../src/pim/pim-types';
import { findTarget } from '../src/pim/target-key';
import { inputProblemText } from '../src/views/input-problem-words';
import { plainMessage } from '../src/views/plain-message';
import type { ChatInput } from './chat-input-prompt';

/** How the activation dialog reads answers: a duration, a yes, a role picked or named. */

/** A readable duration within the role's limits; otherwise says why and asks again. */
export async function checkDurationAnswer(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
  const limits = prompt.options.validations as { maxMinutes: number; targetName: string };
  const t = translator(prompt.context.activity.locale);
  const parsed = parseDuration(prompt.recognized.value?.text ?? '');
  // The duration parser returns a code with values; the reader's words come from them (input-problem-words.ts).
  const { locale } = prompt.context.activity;
  if (!parsed.ok) {
    await prompt.context.sendActivity(
      plainMessage(t('chat:duration.unreadable', { reason: inputProblemText(parsed, locale) })),
    );
    return false;
  }
  const check = validateDuration(parsed.minutes, limits);
  if (!check.ok) {
    await prompt.context.sendActivity(
      plainMessage(t('chat:duration.outOfLimits', { reason: inputProblemText(check, locale) })),
    );
    return false;
  }
  return true;
}

/** The confirmation card's Activate, or a typed yes. */
export function isConfirmation(answer: ChatInput | undefined): boolean {
  if (answer?.action?.verb === 'confirm') return true;
  return /^(y|yes|ok|okay|confirm|activate|go|submit|sure)\b/i.test(answer?.text ?? '');
}

/** The role picked with a card's Activate button, or typed by a name that matches exactly one. */
export function chosenTarget(answer: ChatInput | undefined, choices: PimTarget[] | undefined): PimTarget | undefined {
  if (!answer || !choices) return undefined;
  if (answer.action?.verb === 'activate') return findTarget(choices, answer.action.target);
  if (!answer.text) return undefined;
  const match = matchTarget(answer.text, choices);
  return match.kind === 'exact' ? match.target : undefined;
}
