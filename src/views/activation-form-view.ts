import type { ActivationFormCardModel, FormChoice } from '../../cards';
import type { FormAnswers, FormErrors, FormProblem } from '../activation/activation-form-check';
import type { InputProblem } from '../activation/input-problem';
import { formatDuration, translator } from '../i18n';
import type { ActivationPolicy, PimTarget } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import { inputProblemText } from './input-problem-words';
import { approvalText } from './role-view';
import { targetLabel } from './target-label';

/** The durations offered, in minutes; the form lists those up to the policy's maximum, and the maximum itself. */
const DURATION_STEPS = [30, 60, 120, 240, 480, 720, 1440];
/** Preselected when the policy allows it: most activations are for a short task. */
const DEFAULT_MINUTES = 60;

export interface ActivationFormInput {
  /** The Entra object id of the person the form is for. */
  requester: string;
  /** What may be chosen: the user's eligible roles (at their scopes) and groups. */
  targets: readonly PimTarget[];
  /** The chosen target and its policy: the card then shows the fields the policy needs. */
  chosen?: { target: PimTarget; policy: ActivationPolicy };
  /** The values to show (a failed submission's, or what a one-line command already said). */
  values?: FormAnswers;
  errors?: FormErrors;
  intro?: string;
  ticketSystem: string;
  ticketPattern: RegExp;
  /** The reader's Teams locale: the form's words, durations and problems in their language. */
  locale?: string | null;
}

/** 30 min, 1 hour, 2 hours, … up to the maximum, which is always offered. */
export function durationChoices(maxMinutes: number, locale?: string | null): FormChoice[] {
  const steps = DURATION_STEPS.filter((m) => m < maxMinutes);
  return [...steps, maxMinutes].map((m) => ({ title: formatDuration(m, locale), value: String(m) }));
}

/** A refused field in the reader's words. */
export function formProblemText(problem: FormProblem, locale?: string | null): string {
  if (!isFormOnly(problem)) return inputProblemText(problem, locale);
  const t = translator(locale);
  return problem.code === 'roleNotEligible'
    ? t('activation:form.roleNotEligible')
    : t('activation:form.durationPickOrType');
}

function isFormOnly(problem: FormProblem): problem is Exclude<FormProblem, InputProblem> {
  return problem.code === 'roleNotEligible' || problem.code === 'durationMissing';
}

function errorTexts(errors: FormErrors | undefined, locale?: string | null): ActivationFormCardModel['errors'] {
  if (!errors) return undefined;
  const texts: NonNullable<ActivationFormCardModel['errors']> = {};
  for (const field of ['role', 'duration', 'justification', 'ticket'] as const) {
    const problem = errors[field];
    if (problem) texts[field] = formProblemText(problem, locale);
  }
  return texts;
}

/** The form card's view model: choices named with their scope, fields shaped by the chosen target's policy. */
export function activationFormModel(input: ActivationFormInput): ActivationFormCardModel {
  const { chosen, values = {}, locale } = input;
  const roles = input.targets.map((t) => ({ title: targetLabel(t, input.targets, locale), value: targetKey(t) }));
  const errors = errorTexts(input.errors, locale);
  if (!chosen) return { requester: input.requester, intro: input.intro, roles, errors };
  const policy = chosen.policy;
  const durations = durationChoices(policy.maxDurationMinutes, locale);
  const durationValue = durations.some((d) => d.value === values.duration)
    ? values.duration!
    : String(Math.min(DEFAULT_MINUTES, policy.maxDurationMinutes));
  return {
    requester: input.requester,
    intro: input.intro,
    roles,
    roleValue: targetKey(chosen.target),
    errors,
    details: {
      approvalText: approvalText(policy, locale),
      stepUpText: policy.authContext ? translator(locale)('activation:stepUpHint') : null,
      durations,
      durationValue,
      durationCustomValue: values.durationCustom,
      maxDurationText: formatDuration(policy.maxDurationMinutes, locale),
      justification: policy.requiresJustification ? { value: values.justification } : null,
      ticket: policy.requiresTicket
        ? { value: values.ticket, systemText: input.ticketSystem, pattern: input.ticketPattern.source }
        : null,
    },
  };
}
