import type { ActivationFormCardModel, FormChoice } from '../../cards';
import type { FormAnswers, FormErrors } from '../activation/activation-form-check';
import { describeMinutes } from '../pim/iso-duration';
import type { ActivationPolicy, PimTarget } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import { approvalText } from './role-view';
import { targetLabel } from './scope-text';

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
}

/** 30 min, 1 hour, 2 hours, … up to the maximum, which is always offered. */
export function durationChoices(maxMinutes: number): FormChoice[] {
  const steps = DURATION_STEPS.filter((m) => m < maxMinutes);
  return [...steps, maxMinutes].map((m) => ({ title: describeMinutes(m), value: String(m) }));
}

/** The form card's view model: choices named with their scope, fields shaped by the chosen target's policy. */
export function activationFormModel(input: ActivationFormInput): ActivationFormCardModel {
  const { chosen, values = {} } = input;
  const roles = input.targets.map((t) => ({ title: targetLabel(t, input.targets), value: targetKey(t) }));
  if (!chosen) return { requester: input.requester, intro: input.intro, roles, errors: input.errors };
  const policy = chosen.policy;
  const durations = durationChoices(policy.maxDurationMinutes);
  const durationValue = durations.some((d) => d.value === values.duration)
    ? values.duration!
    : String(Math.min(DEFAULT_MINUTES, policy.maxDurationMinutes));
  return {
    requester: input.requester,
    intro: input.intro,
    roles,
    roleValue: targetKey(chosen.target),
    errors: input.errors,
    details: {
      approvalText: approvalText(policy),
      stepUpText: policy.authContext
        ? 'This role asks for a stronger sign-in; you may be asked to sign in again.'
        : null,
      durations,
      durationValue,
      durationCustomValue: values.durationCustom,
      maxDurationText: describeMinutes(policy.maxDurationMinutes),
      justification: policy.requiresJustification ? { value: values.justification } : null,
      ticket: policy.requiresTicket
        ? { value: values.ticket, systemText: input.ticketSystem, pattern: input.ticketPattern.source }
        : null,
    },
  };
}
