import { type Activity, MessageFactory } from 'botbuilder';
import {
  type DialogTurnResult,
  type PromptValidatorContext,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { FormSubmission } from '../cards';
import type { ActivationRequest } from '../src/activation/activation-service';
import { parseDuration, validateDuration } from '../src/activation/duration-parser';
import { checkDurationAnswer, chosenTarget, isConfirmation } from './answer-checks';
import { checkJustification, checkTicket, JUSTIFICATION_MAX } from '../src/activation/request-rules';
import { matchTarget } from '../src/activation/target-matcher';
import { formatDuration, translator } from '../src/i18n';
import { PimError } from '../src/pim/pim-error';
import type { ActivationPolicy, PimTarget } from '../src/pim/pim-types';
import { findTarget, targetKey } from '../src/pim/target-key';
import { inputProblemText } from '../src/views/input-problem-words';
import { plainMessage, plainPart } from '../src/views/plain-message';
import {
  ACTIVATION_FORM_DIALOG,
  ActivationFormDialog,
  type ActivationFormOptions,
  formFits,
} from './activation-form-dialog';
import { formStart } from './activation-form-start';
import { targetChoice } from './target-choice';
import { confirmationPrompt } from './activation-confirmation';
import { CancellableDialog } from './cancellable-dialog';
import { type ChatInput, ChatInputPrompt } from './chat-input-prompt';
import type { DialogServices } from './dialog-services';
import { refusalCard, runningActivation, userIdOf } from './dialog-replies';

export const ACTIVATE_ROLE_DIALOG = 'activateRole';

/** What the user already said ("activate Exchange Administrator 2h INC-42 fix mailbox rules"). */
export interface ActivateRoleOptions {
  targetText?: string;
  /** A target key from a card button. */
  targetKey?: string;
  minutes?: number;
  durationText?: string;
  ticket?: string;
  justification?: string;
  /** The activation form's values, when it was clicked with no dialog waiting (`formSubmitted`: Activate). */
  form?: FormSubmission;
  formSubmitted?: boolean;
}

/** Dialog state: ids, the policy and the answers. Never a token. */
interface CollectedState extends ActivateRoleOptions {
  target?: PimTarget;
  policy?: ActivationPolicy;
  /** A reason to show with the next question (the one-line command gave something that does not fit). */
  problem?: string;
}

const TARGET_PROMPT = 'activate.target';
const DURATION_PROMPT = 'activate.duration';
const JUSTIFICATION_PROMPT = 'activate.justification';
const TICKET_PROMPT = 'activate.ticket';
const CONFIRM_PROMPT = 'activate.confirm';

/**
 * Collects an activation: role → duration → justification → ticket → confirmation, asking only for what
 * is missing and what the role's policy needs, each answer checked by the same rules whatever its source.
 * Ends with the {@link ActivationRequest} (or nothing, when there is nothing to activate); the parent
 * submits it. `cancel` works at every step.
 */
export class ActivateRoleDialog extends CancellableDialog {
  constructor(private readonly services: DialogServices) {
    super(ACTIVATE_ROLE_DIALOG);
    this.addDialog(new ActivationFormDialog(services));
    this.addDialog(new ChatInputPrompt(TARGET_PROMPT, (p) => this.validateTarget(p)));
    this.addDialog(new ChatInputPrompt(DURATION_PROMPT, checkDurationAnswer));
    this.addDialog(
      new ChatInputPrompt(JUSTIFICATION_PROMPT, async (p) => checkJustification(p.recognized.value?.text).ok),
    );
    this.addDialog(
      new ChatInputPrompt(TICKET_PROMPT, async (p) => checkTicket(p.recognized.value?.text, services.rules).ok),
    );
    this.addDialog(new ChatInputPrompt(CONFIRM_PROMPT, async (p) => isConfirmation(p.recognized.value)));
    this.addDialog(
      new WaterfallDialog(`${ACTIVATE_ROLE_DIALOG}.steps`, [
        (s) => this.chooseTarget(s),
        (s) => this.loadPolicy(s),
        (s) => this.askDuration(s),
        (s) => this.askJustification(s),
        (s) => this.askTicket(s),
        (s) => this.confirm(s),
        (s) => this.finish(s),
      ]),
    );
    this.initialDialogId = `${ACTIVATE_ROLE_DIALOG}.steps`;
  }

  private state(step: WaterfallStepContext): CollectedState {
    const values = step.values as { collected?: CollectedState };
    values.collected ??= { ...(step.options as ActivateRoleOptions) };
    return values.collected;
  }

  private async chooseTarget(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const { locale } = step.context.activity;
    const t = translator(locale);
    const pim = await this.services.sessions.pimFor(step.context);
    if (!pim) {
      await step.context.sendActivity(
        t('chat:signInMissing', { help: this.services.sessions.signInHelp(step.context.activity.locale) }),
      );
      return step.endDialog();
    }
    // The form, clicked with no dialog waiting: the card was rendered, so this client shows forms.
    if (state.form) {
      return step.replaceDialog(ACTIVATION_FORM_DIALOG, {
        form: state.form,
        formSubmitted: state.formSubmitted,
      } satisfies ActivationFormOptions);
    }
    const eligible = (await this.services.activation.eligibleTargets(pim, userIdOf(step.context))).map((e) => e.target);
    if (eligible.length === 0) {
      await step.context.sendActivity(t('activation:noEligible'));
      return step.endDialog();
    }
    const byKey = state.targetKey ? findTarget(eligible, state.targetKey) : undefined;
    const form = formFits(step.context) ? formStart(state, eligible, locale) : undefined;
    if (byKey) {
      // "Activate again" from a card while the activation is still running: PIM would refuse at the
      // end of the dialog, so say it now.
      const running = await runningActivation(this.services, pim, byKey, step.context);
      if (running) {
        await step.context.sendActivity(running);
        return step.endDialog();
      }
      if (form) return step.replaceDialog(ACTIVATION_FORM_DIALOG, form);
      return step.next(byKey);
    }
    if (form) return step.replaceDialog(ACTIVATION_FORM_DIALOG, form);
    if (state.targetText) {
      const match = matchTarget(state.targetText, eligible);
      if (match.kind === 'exact') return step.next(match.target);
      const options = match.kind === 'ambiguous' ? match.options : eligible;
      const intro = t(match.kind === 'ambiguous' ? 'activation:choose.ambiguous' : 'activation:choose.notFound', {
        typed: plainPart(state.targetText),
      });
      return this.promptForTarget(step, options, intro);
    }
    return this.promptForTarget(step, eligible, t('activation:choose.which'));
  }

  private async promptForTarget(step: WaterfallStepContext, options: PimTarget[], intro: string) {
    (step.values as { choices?: PimTarget[] }).choices = options;
    return step.prompt(TARGET_PROMPT, await targetChoice(this.services, step.context, options, intro));
  }

  private async validateTarget(prompt: PromptValidatorContext<ChatInput>): Promise<boolean> {
    return chosenTarget(prompt.recognized.value, prompt.options.validations as PimTarget[] | undefined) !== undefined;
  }

  private async loadPolicy(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const result = step.result as PimTarget | ChatInput | undefined;
    const chosen =
      result && 'kind' in result ? result : chosenTarget(result, (step.values as { choices?: PimTarget[] }).choices);
    if (!chosen) return step.endDialog();
    state.target = chosen;
    state.targetKey = targetKey(chosen);
    const pim = await this.services.sessions.pimFor(step.context);
    if (!pim) return step.endDialog();
    try {
      state.policy = await this.services.activation.policyFor(pim, chosen);
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      await step.context.sendActivity(
        refusalCard({ target: chosen, durationMinutes: state.minutes ?? 0 }, err, step.context.activity.locale),
      );
      return step.endDialog();
    }
    return step.next();
  }

  private async askDuration(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const policy = state.policy!;
    const { locale } = step.context.activity;
    // The role's or group's name is the directory's text (group names are often chosen by their owners): inert.
    const name = plainPart(state.target!.displayName);
    if (state.minutes !== undefined) {
      // The raw name: the refusal's words make it inert (inputProblemText).
      const limits = { maxMinutes: policy.maxDurationMinutes, targetName: state.target!.displayName };
      const check = validateDuration(state.minutes, limits);
      if (check.ok) return step.next();
      state.problem = inputProblemText(check, locale);
      state.minutes = undefined;
    }
    const question = translator(locale)('activation:ask.duration', {
      name,
      max: formatDuration(policy.maxDurationMinutes, locale),
    });
    return step.prompt(DURATION_PROMPT, {
      prompt: plainMessage(this.withProblem(state, question, locale)),
      validations: { maxMinutes: policy.maxDurationMinutes, targetName: state.target!.displayName },
    });
  }

  private async askJustification(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = step.result as ChatInput | undefined;
    if (answer?.text !== undefined) {
      const parsed = parseDuration(answer.text);
      if (parsed.ok) state.minutes = parsed.minutes;
    }
    const { locale } = step.context.activity;
    const t = translator(locale);
    let refused = false;
    if (state.justification !== undefined) {
      const check = checkJustification(state.justification);
      state.justification = check.ok ? check.value : undefined;
      if (!check.ok) [refused, state.problem] = [true, inputProblemText(check, locale)];
    }
    // Asked when the policy needs one, or when the one given does not fit (it is not dropped silently).
    if (state.justification || (!state.policy!.requiresJustification && !refused)) return step.next();
    const name = plainPart(state.target!.displayName);
    const question = t(
      state.policy!.requiresJustification ? 'activation:ask.justificationRequired' : 'activation:ask.justification',
      { name },
    );
    return step.prompt(JUSTIFICATION_PROMPT, {
      prompt: plainMessage(this.withProblem(state, question, locale)),
      retryPrompt: MessageFactory.text(
        t('activation:ask.justificationRetry', { max: JUSTIFICATION_MAX }),
      ) as Partial<Activity>,
    });
  }

  private async askTicket(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = step.result as ChatInput | undefined;
    if (typeof answer?.text === 'string' && !state.justification) state.justification = answer.text;
    const { locale } = step.context.activity;
    const t = translator(locale);
    let refused = false;
    if (state.ticket !== undefined) {
      const check = checkTicket(state.ticket, this.services.rules);
      state.ticket = check.ok ? check.value : undefined;
      if (!check.ok) [refused, state.problem] = [true, inputProblemText(check, locale)];
    }
    if (state.ticket || (!state.policy!.requiresTicket && !refused)) return step.next();
    const question = t('activation:ask.ticket', {
      name: plainPart(state.target!.displayName),
      system: plainPart(this.services.rules.ticketSystem),
    });
    return step.prompt(TICKET_PROMPT, {
      prompt: plainMessage(this.withProblem(state, question, locale)),
      retryPrompt: MessageFactory.text(t('activation:ask.ticketRetry')) as Partial<Activity>,
    });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    const answer = step.result as ChatInput | undefined;
    if (typeof answer?.text === 'string' && !state.ticket) state.ticket = answer.text;
    const prompt = confirmationPrompt(
      { ...state, target: state.target!, policy: state.policy!, minutes: state.minutes! },
      step.context.activity.locale,
    );
    return step.prompt(CONFIRM_PROMPT, prompt);
  }

  /** Everything is collected and confirmed: the parent submits it. */
  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { target, minutes, justification, ticket, policy } = this.state(step);
    const ticketSystem = this.services.rules.ticketSystem;
    return step.endDialog({
      target: target!,
      durationMinutes: minutes!,
      justification,
      ticket: ticket ? { ticketNumber: ticket, ticketSystem } : undefined,
      policy: policy!,
    } satisfies ActivationRequest);
  }

  /** The question, after the reason the one-line command's value was refused (once). */
  private withProblem(state: CollectedState, question: string, locale?: string): string {
    const problem = state.problem;
    state.problem = undefined;
    return problem ? translator(locale)('activation:ask.withProblem', { problem, question }) : question;
  }
}
