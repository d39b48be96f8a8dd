// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { ACTIVATION_FORM_INPUT_IDS, type AdaptiveCard, type JsonObject, type Viewer } from './card-types';
import { displayText, inputValue, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, optional } from './template';

/** One entry of the duration drop-down. */
export interface DurationChoice {
  /** Shown, e.g. '2 hours'. */
  title: string;
  /** Submitted as `duration`, e.g. '2h' or 'PT2H' (whatever the dialog parses). */
  value: string;
  /** Length in minutes; choices longer than `maxDurationMinutes` are left out. */
  minutes?: number;
}

export interface ActivationFormCardModel {
  /** Opaque id of the eligibility, sent back as `{pimbot:'activationForm', key}`. */
  key: string;
  /** Role or group name, shown in the heading. */
  targetName: string;
  /** Ready-formatted default duration, e.g. '1 hour'; the duration's initial value when `prefill.duration` is absent. */
  defaultDurationText: string;
  /** Ready-formatted policy maximum, e.g. '8 hours'; shown in the duration label. */
  maxDurationText: string;
  /** Policy maximum in minutes; filters `durationChoices` (by their `minutes`). */
  maxDurationMinutes: number;
  /**
   * When given (and something survives the filter): a drop-down `Input.ChoiceSet` `duration`. Otherwise a
   * free `Input.Text` `duration` (e.g. '90m', '2h').
   */
  durationChoices?: readonly DurationChoice[] | null;
  /** Justification input required (`isRequired`, and at least one non-space character). */
  requiresJustification: boolean;
  /** Ticket input shown and required. When false the ticket input is shown (optional) only if prefilled. */
  requiresTicket: boolean;
  /** Ticket system name shown in the ticket label, e.g. 'ServiceNow'. */
  ticketSystem?: string | null;
  /**
   * Regular expression (JavaScript syntax) a ticket number must match. The card anchors it
   * (`^(?:pattern)$`) because clients test regexes unanchored. Must compile, else the builder throws.
   */
  ticketPattern?: string | null;
  /** Ticket placeholder, e.g. 'INC0012345'. */
  ticketPlaceholder?: string | null;
  /** `maxLength` of the justification input (PIM's limit is 500). */
  justificationMaxLength: number;
  /** Values typed earlier (e.g. parsed from 'activate X 2h INC-42 fix mailbox rules'). */
  prefill?: { duration?: string | null; justification?: string | null; ticketNumber?: string | null };
  /** E.g. 'This role needs approval from Security Admins.' Shown above the inputs. */
  approvalNote?: string | null;
  /** Shown in red at the top when re-asking after the dialog rejected a submission, e.g. 'Maximum is 8 hours.' */
  errorText?: string | null;
}

const IDS = ACTIVATION_FORM_INPUT_IDS;
const MAX_JUSTIFICATION_INPUT = 4000;
/** "Contains a non-space character"; anchored at both ends so anchored and unanchored clients agree. */
const NON_BLANK_REGEX = '^[\\s\\S]*\\S[\\s\\S]*$';

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'form-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    { $when: '${hasError}', type: 'TextBlock', id: 'form-error', text: '${errorText}', color: 'attention', wrap: true },
    {
      $when: '${hasApprovalNote}',
      type: 'TextBlock',
      id: 'form-approval-note',
      text: '${approvalNote}',
      color: 'warning',
      wrap: true,
    },
    {
      $when: '${useDurationChoices}',
      type: 'Input.ChoiceSet',
      id: IDS.duration,
      label: '${durationLabel}',
      style: 'compact',
      placeholder: 'Choose a duration',
      isRequired: true,
      errorMessage: 'Choose how long you need it.',
      value: optional('durationValue'),
      choices: [{ $data: '${durationChoices}', title: '${title}', value: '${value}' }],
    },
    {
      $when: '${!useDurationChoices}',
      type: 'Input.Text',
      id: IDS.duration,
      label: '${durationLabel}',
      placeholder: 'For example 30m, 2h or 1h30m',
      isRequired: true,
      maxLength: 32,
      errorMessage: '${durationError}',
      value: optional('durationValue'),
    },
    {
      type: 'Input.Text',
      id: IDS.justification,
      label: '${justificationLabel}',
      placeholder: 'Why do you need it? Approvers and auditors will read this.',
      isMultiline: true,
      isRequired: '${requiresJustification}',
      maxLength: '${justificationMaxLength}',
      regex: optional('justificationRegex'),
      errorMessage: '${justificationError}',
      value: optional('justificationValue'),
    },
    {
      $when: '${showTicket}',
      type: 'Input.Text',
      id: IDS.ticketNumber,
      label: '${ticketLabel}',
      placeholder: optional('ticketPlaceholder'),
      isRequired: '${requiresTicket}',
      maxLength: TEXT_LIMITS.ticketNumber,
      regex: optional('ticketRegex'),
      errorMessage: '${ticketError}',
      value: optional('ticketValue'),
    },
  ],
  actions: [
    {
      type: 'Action.Submit',
      id: 'form-submit',
      title: 'Continue',
      style: 'positive',
      data: '${submitData}',
    },
    {
      type: 'Action.Submit',
      id: 'form-cancel',
      title: 'Cancel',
      associatedInputs: 'none',
      data: { pimbot: 'cancel' },
    },
  ],
};

function anchoredPattern(pattern: string): string {
  try {
    new RegExp(pattern);
  } catch {
    throw new TypeError('ticketPattern is not a valid regular expression');
  }
  return `^(?:${pattern})$`;
}

function initialChoice(choices: readonly DurationChoice[], wanted: readonly string[]): string {
  for (const w of wanted) {
    const wantedKey = w.trim().toLowerCase();
    if (!wantedKey) continue;
    const hit = choices.find(
      (c) => c.value.trim().toLowerCase() === wantedKey || c.title.trim().toLowerCase() === wantedKey,
    );
    if (hit) return hit.value;
  }
  return '';
}

/**
 * The activation form: heading 'Activate <target>', optional error and approval note, then inputs
 * `duration` (ChoiceSet or Text, always required), `justification` (multiline; required, non-blank and
 * `maxLength` per policy) and `ticketNumber` (required + anchored regex per policy). Actions: 'Continue'
 * Action.Submit `{pimbot:'activationForm', key}` (Teams adds the inputs: see ActivationFormSubmitValue)
 * and 'Cancel' Action.Submit `{pimbot:'cancel'}` with `associatedInputs: 'none'` (no validation).
 */
export function activationFormCard(model: ActivationFormCardModel, _viewer: Viewer = {}): AdaptiveCard {
  const key = opaqueId(model.key, 'key');
  const target = displayText(model.targetName, TEXT_LIMITS.name) || 'this role';
  const maxDuration = displayText(model.maxDurationText, TEXT_LIMITS.shortText);
  const justificationMax = Math.min(
    MAX_JUSTIFICATION_INPUT,
    Math.max(1, Math.floor(Number.isFinite(model.justificationMaxLength) ? model.justificationMaxLength : 500)),
  );
  const prefill = model.prefill ?? {};

  const choices = (model.durationChoices ?? [])
    .filter((c) => c.minutes === undefined || c.minutes <= model.maxDurationMinutes)
    .slice(0, 50)
    .map((c) => ({ title: displayText(c.title, TEXT_LIMITS.shortText), value: inputValue(c.value, 64) }))
    .filter((c) => c.title !== '' && c.value !== '');
  const useDurationChoices = choices.length > 0;
  const wantedDurations = [prefill.duration ?? '', model.defaultDurationText];
  const durationValue = useDurationChoices
    ? initialChoice(choices, wantedDurations)
    : inputValue(prefill.duration || model.defaultDurationText, 32);

  const ticketSystem = optionalDisplayText(model.ticketSystem, TEXT_LIMITS.ticketSystem);
  const ticketPattern = model.ticketPattern ? anchoredPattern(model.ticketPattern) : '';
  const ticketValue = inputValue(prefill.ticketNumber, TEXT_LIMITS.ticketNumber);
  const errorText = optionalDisplayText(model.errorText, TEXT_LIMITS.message);
  const approvalNote = optionalDisplayText(model.approvalNote, TEXT_LIMITS.text);

  return expandCard(TEMPLATE, {
    title: `Activate ${target}`,
    hasError: errorText !== '',
    errorText,
    hasApprovalNote: approvalNote !== '',
    approvalNote,
    useDurationChoices,
    durationChoices: choices,
    durationLabel: maxDuration ? `Duration (up to ${maxDuration})` : 'Duration',
    durationError: maxDuration
      ? `Enter a duration of up to ${maxDuration}, for example 2h.`
      : 'Enter a duration, for example 2h.',
    durationValue,
    justificationLabel: model.requiresJustification ? 'Justification' : 'Justification (optional)',
    requiresJustification: model.requiresJustification,
    justificationMaxLength: justificationMax,
    justificationRegex: model.requiresJustification ? NON_BLANK_REGEX : '',
    justificationError: `Tell the approvers why you need it (at most ${justificationMax} characters).`,
    justificationValue: inputValue(prefill.justification, justificationMax),
    showTicket: model.requiresTicket || ticketValue !== '',
    ticketLabel: `Ticket number${ticketSystem ? ` (${ticketSystem})` : ''}${model.requiresTicket ? '' : ' (optional)'}`,
    ticketPlaceholder: optionalDisplayText(model.ticketPlaceholder, TEXT_LIMITS.ticketNumber),
    requiresTicket: model.requiresTicket,
    ticketRegex: ticketPattern,
    ticketError: ticketPattern
      ? `Enter the ticket number in the expected format${ticketSystem ? ` for ${ticketSystem}` : ''}.`
      : 'Enter the ticket number.',
    ticketValue,
    submitData: { pimbot: 'activationForm', target: key },
  });
}
