// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, inputValue, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, fitList } from './template';

/** One choice of the form: the text shown and the opaque value sent back. */
export interface FormChoice {
  title: string;
  value: string;
}

/** The fields a chosen role's policy asks for. */
export interface ActivationFormDetails {
  /** E.g. 'No approval needed: it is active as soon as you confirm.' */
  approvalText: string;
  /** When PIM will ask for a stronger sign-in. */
  stepUpText?: string | null;
  /** Durations up to the policy's maximum; values are minutes. */
  durations: readonly FormChoice[];
  /** The chosen duration's value (minutes). */
  durationValue: string;
  /** What the user typed as another duration ('90m'), kept across a failed submission. */
  durationCustomValue?: string | null;
  /** Ready-formatted maximum, e.g. '8 hours'. */
  maxDurationText: string;
  /** Present when the policy needs a justification. */
  justification?: { value?: string | null } | null;
  /** Present when the policy needs a ticket. `pattern` is the configured TICKET_PATTERN (regex source). */
  ticket?: { value?: string | null; systemText: string; pattern?: string | null } | null;
}

export interface ActivationFormCardModel {
  /** Opaque id of the person the form is for; sent back so a click by anyone else is refused. */
  requester: string;
  /** Shown under the title, e.g. '"User Administrator" is eligible at two scopes. Which one?' */
  intro?: string | null;
  /** The roles and groups to choose from (values are target keys, titles carry the scope). */
  roles: readonly FormChoice[];
  /** The chosen role's key. */
  roleValue?: string | null;
  /** The chosen role's fields; absent until a role is chosen (the card then offers Next). */
  details?: ActivationFormDetails | null;
  /** What the server found wrong, per field (the inputs keep their values). */
  errors?: Partial<Record<'role' | 'duration' | 'justification' | 'ticket', string>> | null;
}

/** Input ids: the submitted data's field names (card-actions.ts reads them). */
export const FORM_INPUT_IDS = {
  role: 'role',
  duration: 'duration',
  durationCustom: 'durationCustom',
  justification: 'justification',
  ticket: 'ticket',
} as const;

/** A custom duration is short ('1.5 hours', '90m'); the server reads it with the chat's duration parser. */
export const CUSTOM_DURATION_MAX_LENGTH = 40;

const errorBlock = (field: string): JsonObject => ({
  $when: `\${has${field}Error}`,
  type: 'TextBlock',
  id: `form-${field.toLowerCase()}-error`,
  text: `\${${field.toLowerCase()}Error}`,
  color: 'attention',
  size: 'small',
  spacing: 'none',
  wrap: true,
});

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    {
      type: 'TextBlock',
      id: 'form-title',
      text: 'Activate a role or group',
      style: 'heading',
      size: 'large',
      wrap: true,
    },
    { $when: '${hasIntro}', type: 'TextBlock', id: 'form-intro', text: '${intro}', wrap: true },
    {
      $when: '${hasErrors}',
      type: 'TextBlock',
      id: 'form-problem',
      text: 'Please check the fields marked below.',
      color: 'attention',
      wrap: true,
    },
    {
      $when: '${noRoles}',
      type: 'TextBlock',
      id: 'form-empty',
      text: 'You have no eligible roles or groups to activate.',
      wrap: true,
    },
    {
      $when: '${hasRoles}',
      type: 'Input.ChoiceSet',
      id: FORM_INPUT_IDS.role,
      label: 'Role or group',
      style: 'compact',
      isRequired: true,
      errorMessage: 'Pick a role or group.',
      placeholder: 'Pick a role or group',
      value: '${roleValue}',
      choices: [{ $data: '${roles}', title: '${title}', value: '${value}' }],
    },
    errorBlock('Role'),
    {
      $when: '${hasMore}',
      type: 'TextBlock',
      id: 'form-more',
      text: '${moreText}',
      isSubtle: true,
      size: 'small',
      wrap: true,
    },
    {
      $when: '${hasDetails}',
      type: 'Container',
      id: 'form-details',
      items: [
        { type: 'TextBlock', id: 'form-approval', text: '${approvalText}', isSubtle: true, size: 'small', wrap: true },
        {
          $when: '${hasStepUp}',
          type: 'TextBlock',
          id: 'form-step-up',
          text: '${stepUpText}',
          color: 'warning',
          size: 'small',
          wrap: true,
        },
        {
          type: 'Input.ChoiceSet',
          id: FORM_INPUT_IDS.duration,
          label: '${durationLabel}',
          style: 'compact',
          isRequired: true,
          errorMessage: 'Pick how long you need it.',
          value: '${durationValue}',
          choices: [{ $data: '${durations}', title: '${title}', value: '${value}' }],
        },
        {
          type: 'Input.Text',
          id: FORM_INPUT_IDS.durationCustom,
          label: 'Or type another duration',
          placeholder: 'For example 90m or 1.5 hours',
          maxLength: CUSTOM_DURATION_MAX_LENGTH,
          value: '${durationCustomValue}',
        },
        errorBlock('Duration'),
        {
          $when: '${hasJustification}',
          type: 'Input.Text',
          id: FORM_INPUT_IDS.justification,
          label: 'Justification',
          placeholder: 'Why do you need it?',
          isMultiline: true,
          isRequired: true,
          maxLength: TEXT_LIMITS.justification,
          errorMessage: `Give a short reason (up to ${TEXT_LIMITS.justification} characters).`,
          value: '${justificationValue}',
        },
        errorBlock('Justification'),
        {
          $when: '${hasTicket}',
          type: 'Input.Text',
          id: FORM_INPUT_IDS.ticket,
          label: '${ticketLabel}',
          placeholder: 'For example INC-42',
          isRequired: true,
          maxLength: TEXT_LIMITS.ticketNumber,
          errorMessage: 'Type a ticket number, like INC-42 or CHG0012345.',
          value: '${ticketValue}',
        },
        errorBlock('Ticket'),
      ],
    },
  ],
  actions: [
    {
      $when: '${needsRole}',
      type: 'Action.Submit',
      id: 'form-next',
      title: 'Next',
      style: 'positive',
      data: '${nextData}',
    },
    {
      $when: '${hasDetails}',
      type: 'Action.Submit',
      id: 'form-activate',
      title: 'Activate',
      style: 'positive',
      data: '${activateData}',
    },
    { type: 'Action.Submit', id: 'form-cancel', title: 'Cancel', associatedInputs: 'none', data: { pimbot: 'cancel' } },
  ],
};

const choices = (list: readonly FormChoice[] | undefined, field: string) =>
  (list ?? []).map((c) => ({
    title: displayText(c.title, TEXT_LIMITS.name) || '(unnamed)',
    value: opaqueId(c.value, field),
  }));

/**
 * The one-card activation request: the role or group (with its scope), then what its policy needs:
 * duration (choices up to the maximum, or typed), justification and ticket only when required. Inline checks
 * (isRequired, maxLength, the ticket pattern) mirror the server's (activation-form-check.ts); the server's
 * findings show under each field, with every value kept. 'Next' `{pimbot:'activationFormRole', requester}`
 * shapes the card for the chosen role; 'Activate' `{pimbot:'activationForm', requester}` submits.
 */
export function activationFormCard(model: ActivationFormCardModel, viewer: Viewer = {}): AdaptiveCard {
  // Teams refuses messages over ~28 KB: with very many eligibilities, the last choices give way (never the
  // chosen one), and a line says how to reach them.
  const all = model.roles ?? [];
  return fitList(all.length, all.length, (listed) => {
    const kept = all.slice(0, listed);
    const chosen = all.find((r) => r.value === model.roleValue);
    const roles = chosen && !kept.includes(chosen) ? [...kept.slice(0, -1), chosen] : kept;
    const more = all.length - roles.length;
    const moreText = more > 0 ? `\u2026and ${more} more: type activate followed by the name to pick one of those.` : '';
    return build({ ...model, roles }, moreText, viewer);
  });
}

function build(model: ActivationFormCardModel, moreText: string, _viewer: Viewer): AdaptiveCard {
  const requester = opaqueId(model.requester, 'requester');
  const details = model.details ?? null;
  const errors = model.errors ?? {};
  const error = (field: keyof NonNullable<ActivationFormCardModel['errors']>) =>
    optionalDisplayText(errors[field], TEXT_LIMITS.text);
  const intro = optionalDisplayText(model.intro, TEXT_LIMITS.text);
  const stepUpText = optionalDisplayText(details?.stepUpText, TEXT_LIMITS.text);
  const roles = choices(model.roles, 'roles[].value');
  const roleValue = roles.some((r) => r.value === model.roleValue) ? (model.roleValue ?? '') : '';
  const fieldErrors = {
    roleError: error('role'),
    durationError: error('duration'),
    justificationError: error('justification'),
    ticketError: error('ticket'),
  };
  const card = expandCard(TEMPLATE, {
    hasIntro: intro !== '',
    intro,
    hasErrors: Object.values(fieldErrors).some((e) => e !== ''),
    roles,
    hasRoles: roles.length > 0,
    hasMore: moreText !== '',
    moreText,
    noRoles: roles.length === 0,
    roleValue,
    ...fieldErrors,
    hasRoleError: fieldErrors.roleError !== '',
    hasDurationError: fieldErrors.durationError !== '',
    hasJustificationError: fieldErrors.justificationError !== '',
    hasTicketError: fieldErrors.ticketError !== '',
    hasDetails: details !== null,
    needsRole: details === null && roles.length > 0,
    approvalText: displayText(details?.approvalText, TEXT_LIMITS.text),
    hasStepUp: stepUpText !== '',
    stepUpText,
    durationLabel: `How long (up to ${displayText(details?.maxDurationText, TEXT_LIMITS.shortText)})`,
    durations: choices(details?.durations, 'durations[].value'),
    durationValue: inputValue(details?.durationValue, TEXT_LIMITS.shortText),
    durationCustomValue: inputValue(details?.durationCustomValue, CUSTOM_DURATION_MAX_LENGTH),
    hasJustification: Boolean(details?.justification),
    justificationValue: inputValue(details?.justification?.value, TEXT_LIMITS.justification),
    hasTicket: Boolean(details?.ticket),
    ticketLabel: `${displayText(details?.ticket?.systemText, TEXT_LIMITS.ticketSystem) || 'Ticket'} ticket number`,
    ticketValue: inputValue(details?.ticket?.value, TEXT_LIMITS.ticketNumber),
    nextData: { pimbot: 'activationFormRole', requester },
    activateData: {
      pimbot: 'activationForm',
      requester,
      ...(details && roleValue ? { shapedFor: opaqueId(roleValue, 'roleValue') } : {}),
    },
  });
  // The pattern is the operator's regex source: set as is (not through the template, whose `${` it may hold).
  const pattern = details?.ticket?.pattern;
  if (pattern) {
    const ticket = findInput(card.body, FORM_INPUT_IDS.ticket);
    if (ticket) ticket.regex = pattern;
  }
  return card;
}

function findInput(elements: readonly JsonObject[], id: string): JsonObject | undefined {
  for (const element of elements) {
    const found = element.id === id ? element : findInput((element.items ?? []) as JsonObject[], id);
    if (found) return found;
  }
  return undefined;
}
