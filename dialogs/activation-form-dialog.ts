import { randomUUID } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogTurnResult } from 'botbuilder-dialogs';
import { activationFormCard, type FormSubmission, type SubmittedFormCardModel, submittedFormCard } from '../cards';
import { formatDuration } from '../src/i18n';
import { checkActivationForm, type FormAnswers, type FormErrors } from '../src/activation/activation-form-check';
import type { ActivationRequest } from '../src/activation/activation-service';
import { errorSummary } from '../src/observability/error-summary';
import { PimError } from '../src/pim/pim-error';
import type { ActivationPolicy, PimTarget } from '../src/pim/pim-types';
import { findTarget, targetKey } from '../src/pim/target-key';
import { activationFormModel } from '../src/views/activation-form-view';
import { targetLabel } from '../src/views/target-label';
import { translator } from '../src/i18n';
import { cardMessage, refusalCard, userIdOf } from './dialog-replies';
import type { DialogServices } from './dialog-services';
import { turnInput } from './turn-input';

export const ACTIVATION_FORM_DIALOG = 'activateRole.form';

/**
 * Whether this client shows the one-card form. Teams and the Agents Playground (which speaks as the msteams
 * channel) render Adaptive Card inputs and send Action.Submit back; any other channel (Web Chat, the Bot
 * Framework Emulator, Direct Line clients, the dialog tests' test adapter) gets the text dialog, which asks
 * one question at a time and needs nothing but text.
 */
export function formFits(context: TurnContext): boolean {
  return context.activity.channelId === 'msteams';
}

export interface ActivationFormOptions {
  /** Preselected (the roles card's Activate, Activate again). */
  targetKey?: string;
  /** Offer only these (a name that matched several, e.g. one role at two scopes). */
  choiceKeys?: string[];
  intro?: string;
  /** What a one-line command already said. */
  values?: FormAnswers;
  /** The form clicked with no dialog waiting: read it at once. */
  form?: FormSubmission;
  formSubmitted?: boolean;
}

interface FormState {
  requester: string;
  choiceKeys?: string[];
  intro?: string;
  /** What the command already said, shown once the role's fields appear (the role step has no such inputs). */
  said?: FormAnswers;
  /** The role the card was last shaped for: shown again, with its fields, when the form is asked again. */
  shapedKey?: string;
  /** The form's id on its cards: a form already submitted is recognised by it (activation:submitted.again). */
  formId: string;
}

/**
 * The one-card activation: the form is sent, and each click comes back here as an Action.Submit (Next
 * shapes the card for the chosen role, Activate submits). The card is updated in place with what the
 * server found (every value kept) until the answers meet the role's policy; then the dialog ends with the
 * {@link ActivationRequest} and the parent submits it as for every other source (status card, step-up).
 */
export class ActivationFormDialog extends Dialog<ActivationFormOptions> {
  constructor(private readonly services: DialogServices) {
    super(ACTIVATION_FORM_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options: ActivationFormOptions = {}): Promise<DialogTurnResult> {
    const state: FormState = {
      requester: userIdOf(dc.context),
      choiceKeys: options.choiceKeys,
      intro: options.intro,
      said: options.values,
      formId: options.form?.formId ?? randomUUID(),
    };
    dc.activeDialog!.state = state;
    if (options.form) return this.read(dc, state, options.form, options.formSubmitted === true);
    const targets = await this.targets(dc.context, state);
    if (!targets) return dc.endDialog();
    const preselected = options.targetKey
      ? findTarget(targets, options.targetKey)
      : targets.length === 1
        ? targets[0]
        : undefined;
    const chosen = preselected ? await this.policy(dc.context, preselected) : undefined;
    if (preselected && !chosen) return dc.endDialog();
    await this.show(dc.context, state, targets, { chosen, values: options.values });
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FormState;
    const action = turnInput(dc.context).action;
    if (action?.verb === 'activationForm' || action?.verb === 'activationFormRole') {
      return this.read(dc, state, action.form, action.verb === 'activationForm');
    }
    await dc.context.sendActivity(translator(dc.context.activity.locale)('activation:form.useTheForm'));
    return Dialog.EndOfTurn;
  }

  /**
   * The form asked again (after help, roles … answered while it waits): a fresh copy below the answer, shaped
   * for the role it was shaped for, with what the command said. What was typed into the old copy but never
   * sent is the client's alone; the old copy still works if the user goes back to it.
   */
  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const state = instance.state as FormState;
    const targets = await this.targets(context, state);
    if (!targets) return;
    const shaped = state.shapedKey ? findTarget(targets, state.shapedKey) : undefined;
    const chosen = shaped ? await this.policy(context, shaped) : undefined;
    await this.show(context, state, targets, { chosen, values: state.said }, { fresh: true });
  }

  /** A click on the form: only its requester's counts; then the role, its policy and (Activate) the answers. */
  private async read(
    dc: DialogContext,
    state: FormState,
    form: FormSubmission,
    submitted: boolean,
  ): Promise<DialogTurnResult> {
    if (form.requester !== userIdOf(dc.context)) {
      this.services.logger.warn({ verb: submitted ? 'activationForm' : 'activationFormRole' }, 'form of another user');
      await dc.context.sendActivity(translator(dc.context.activity.locale)('activation:form.notYours'));
      return Dialog.EndOfTurn;
    }
    const targets = await this.targets(dc.context, state);
    if (!targets) return dc.endDialog();
    // The card's inputs win; a field it did not have yet (the role step) shows what the command said.
    const values: FormAnswers = {
      duration: form.duration ?? state.said?.duration,
      durationCustom: form.durationCustom ?? state.said?.durationCustom,
      justification: form.justification ?? state.said?.justification,
      ticket: form.ticket ?? state.said?.ticket,
    };
    // Kept for a copy of the form asked again after an interruption.
    state.said = values;
    const target = findTarget(targets, form.role);
    if (!target) {
      await this.show(dc.context, state, targets, {
        values,
        errors: { role: { code: 'roleNotEligible', values: {} } },
      });
      return Dialog.EndOfTurn;
    }
    const chosen = await this.policy(dc.context, target);
    if (!chosen) return dc.endDialog();
    // Next, or Activate on a card shaped for another role (the choice was changed since): this role's fields
    // first, so nothing is submitted under rules the user has not seen.
    if (!submitted || form.shapedFor !== targetKey(target)) {
      await this.show(dc.context, state, targets, { chosen, values });
      return Dialog.EndOfTurn;
    }
    const check = checkActivationForm(values, chosen.policy, this.services.rules, target.displayName);
    if (!check.ok) {
      await this.show(dc.context, state, targets, { chosen, values, errors: check.errors });
      return Dialog.EndOfTurn;
    }
    // Submitted: the form turns read-only in place (no second Activate on it). The same form clicked again
    // (two quick clicks, an older copy) finds its request among the tracked ones and sends nothing.
    const { locale } = dc.context.activity;
    const summary: SubmittedFormCardModel = {
      targetText: targetLabel(target, targets, locale),
      kind: target.kind,
      durationText: formatDuration(check.minutes, locale),
      justification: check.justification,
      ticketNumber: check.ticket,
    };
    const tracked = form.formId ? await this.services.activation.tracked(state.requester, target) : undefined;
    if (form.formId && tracked?.submissionKey === form.formId) {
      await this.place(dc.context, cardMessage(submittedFormCard({ ...summary, again: true }, { locale })));
      return dc.endDialog();
    }
    await this.place(dc.context, cardMessage(submittedFormCard(summary, { locale })));
    const { ticketSystem } = this.services.rules;
    return dc.endDialog({
      target,
      durationMinutes: check.minutes,
      justification: check.justification,
      ticket: check.ticket ? { ticketNumber: check.ticket, ticketSystem } : undefined,
      policy: chosen.policy,
      submissionKey: form.formId,
    } satisfies ActivationRequest);
  }

  /** The user's eligible targets (only the offered ones when the choice was narrowed); undefined after saying why. */
  private async targets(context: TurnContext, state: FormState): Promise<PimTarget[] | undefined> {
    const pim = await this.services.sessions.pimFor(context);
    if (!pim) {
      const help = this.services.sessions.signInHelp(context.activity.locale);
      await context.sendActivity(translator(context.activity.locale)('chat:signInMissing', { help }));
      return undefined;
    }
    const all = (await this.services.activation.eligibleTargets(pim, state.requester)).map((e) => e.target);
    const offered = state.choiceKeys ? all.filter((t) => state.choiceKeys!.includes(targetKey(t))) : all;
    if (offered.length > 0) return offered;
    await context.sendActivity(translator(context.activity.locale)('activation:noEligible'));
    return undefined;
  }

  private async policy(
    context: TurnContext,
    target: PimTarget,
  ): Promise<{ target: PimTarget; policy: ActivationPolicy } | undefined> {
    const pim = await this.services.sessions.pimFor(context);
    if (!pim) return undefined;
    try {
      return { target, policy: await this.services.activation.policyFor(pim, target) };
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      await context.sendActivity(refusalCard({ target, durationMinutes: 0 }, err, context.activity.locale));
      return undefined;
    }
  }

  /**
   * The form as it stands, in the clicked card's place (see place).
   */
  private async show(
    context: TurnContext,
    state: FormState,
    targets: PimTarget[],
    view: { chosen?: { target: PimTarget; policy: ActivationPolicy }; values?: FormAnswers; errors?: FormErrors },
    how: { fresh?: boolean } = {},
  ): Promise<void> {
    const { rules } = this.services;
    state.shapedKey = view.chosen ? targetKey(view.chosen.target) : undefined;
    const card = activationFormCard(
      {
        ...activationFormModel({
          requester: state.requester,
          targets,
          ...view,
          intro: state.intro,
          ticketSystem: rules.ticketSystem,
          ticketPattern: rules.ticketPattern,
          locale: context.activity.locale,
        }),
        formId: state.formId,
      },
      { aadObjectId: state.requester, locale: context.activity.locale },
    );
    await this.place(context, cardMessage(card), how);
  }

  /**
   * A card in the form's place: the clicked card updated in place (Teams and the Playground edit a bot's
   * message; an Action.Submit names it in replyToId), else, or when asked for a fresh copy, a new message.
   */
  private async place(context: TurnContext, message: Partial<Activity>, how: { fresh?: boolean } = {}): Promise<void> {
    const replyToId = how.fresh ? undefined : context.activity.replyToId;
    if (replyToId) {
      try {
        await context.updateActivity({ ...message, id: replyToId, conversation: context.activity.conversation });
        return;
      } catch (err) {
        this.services.logger.warn({ err: errorSummary(err) }, 'form card update failed; sending a new one');
      }
    }
    await context.sendActivity(message);
  }
}

/** The question above a narrowed form: the typed name matched several (one role at two scopes, say). */
export function whichOneIntro(typed: string, options: readonly PimTarget[], locale?: string): string {
  const names = options.map((o) => targetLabel(o, options, locale));
  return translator(locale)('activation:choose.whichOne', { typed, count: names.length, names: names.join('; ') });
}
