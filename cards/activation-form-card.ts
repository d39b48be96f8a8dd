// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { type Translate, translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, inputValue, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { ACTIVATION_FORM_TEMPLATE, CUSTOM_DURATION_MAX_LENGTH, FORM_INPUT_IDS } from './activation-form-template';
import { expandCard, fitList } from './template';

export { CUSTOM_DURATION_MAX_LENGTH, FORM_INPUT_IDS } from './activation-form-template';

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
  /** This form's id, sent back with each click: the server submits one form once. */
  formId?: string | null;
}

const choices = (list: readonly FormChoice[] | undefined, field: string, unnamed: string) =>
  (list ?? []).map((c) => ({
    title: displayText(c.title, TEXT_LIMITS.name) || unnamed,
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
    const moreText = more > 0 ? translator(viewer.locale)('activation:form.more', { count: more }) : '';
    return build({ ...model, roles }, moreText, viewer);
  });
}

function build(model: ActivationFormCardModel, moreText: string, viewer: Viewer): AdaptiveCard {
  const t = translator(viewer.locale);
  const requester = opaqueId(model.requester, 'requester');
  const formId: Record<string, string> = model.formId ? { formId: opaqueId(model.formId, 'formId') } : {};
  const details = model.details ?? null;
  const errors = model.errors ?? {};
  const error = (field: keyof NonNullable<ActivationFormCardModel['errors']>) =>
    optionalDisplayText(errors[field], TEXT_LIMITS.text);
  const intro = optionalDisplayText(model.intro, TEXT_LIMITS.text);
  const stepUpText = optionalDisplayText(details?.stepUpText, TEXT_LIMITS.text);
  const roles = choices(model.roles, 'roles[].value', t('activation:form.unnamed'));
  const roleValue = roles.some((r) => r.value === model.roleValue) ? (model.roleValue ?? '') : '';
  const fieldErrors = {
    roleError: error('role'),
    durationError: error('duration'),
    justificationError: error('justification'),
    ticketError: error('ticket'),
  };
  const ticketSystem = displayText(details?.ticket?.systemText, TEXT_LIMITS.ticketSystem);
  const card = expandCard(ACTIVATION_FORM_TEMPLATE, {
    ...words(t),
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
    durationLabel: t('activation:form.durationLabel', {
      max: displayText(details?.maxDurationText, TEXT_LIMITS.shortText),
    }),
    durations: choices(details?.durations, 'durations[].value', t('activation:form.unnamed')),
    durationValue: inputValue(details?.durationValue, TEXT_LIMITS.shortText),
    durationCustomValue: inputValue(details?.durationCustomValue, CUSTOM_DURATION_MAX_LENGTH),
    hasJustification: Boolean(details?.justification),
    justificationValue: inputValue(details?.justification?.value, TEXT_LIMITS.justification),
    hasTicket: Boolean(details?.ticket),
    ticketLabel: ticketSystem
      ? t('activation:form.ticketLabel', { system: ticketSystem })
      : t('activation:form.ticketLabelPlain'),
    ticketValue: inputValue(details?.ticket?.value, TEXT_LIMITS.ticketNumber),
    nextData: { pimbot: 'activationFormRole', requester, ...formId },
    activateData: {
      pimbot: 'activationForm',
      requester,
      ...formId,
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

/** The card's own words in the viewer's language. */
function words(t: Translate) {
  return {
    title: t('activation:form.title'),
    problemText: t('activation:form.problem'),
    emptyText: t('activation:form.empty'),
    roleLabel: t('activation:form.roleLabel'),
    roleMissing: t('activation:form.roleMissing'),
    rolePlaceholder: t('activation:form.rolePlaceholder'),
    durationMissing: t('activation:form.durationMissing'),
    customLabel: t('activation:form.customLabel'),
    customPlaceholder: t('activation:form.customPlaceholder'),
    justificationLabel: t('activation:form.justificationLabel'),
    justificationPlaceholder: t('activation:form.justificationPlaceholder'),
    justificationMissing: t('activation:form.justificationMissing', { max: TEXT_LIMITS.justification }),
    ticketPlaceholder: t('activation:form.ticketPlaceholder'),
    ticketInvalid: t('activation:form.ticketInvalid'),
    nextTitle: t('activation:form.next'),
    activateTitle: t('activation:form.activate'),
    cancelTitle: t('activation:form.cancel'),
  };
}

function findInput(elements: readonly JsonObject[], id: string): JsonObject | undefined {
  for (const element of elements) {
    const found = element.id === id ? element : findInput((element.items ?? []) as JsonObject[], id);
    if (found) return found;
  }
  return undefined;
}
