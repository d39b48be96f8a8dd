// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { JsonObject } from './card-types';
import { TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL } from './template';

/**
 * The activation form's layout (activation-form-card.ts binds the words, choices and values): the role choice,
 * then the chosen role's fields, each followed by the server's finding for it.
 */
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

export const ACTIVATION_FORM_TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    {
      type: 'TextBlock',
      id: 'form-title',
      text: '${title}',
      style: 'heading',
      size: 'large',
      wrap: true,
    },
    { $when: '${hasIntro}', type: 'TextBlock', id: 'form-intro', text: '${intro}', wrap: true },
    {
      $when: '${hasErrors}',
      type: 'TextBlock',
      id: 'form-problem',
      text: '${problemText}',
      color: 'attention',
      wrap: true,
    },
    {
      $when: '${noRoles}',
      type: 'TextBlock',
      id: 'form-empty',
      text: '${emptyText}',
      wrap: true,
    },
    {
      $when: '${hasRoles}',
      type: 'Input.ChoiceSet',
      id: FORM_INPUT_IDS.role,
      label: '${roleLabel}',
      style: 'compact',
      isRequired: true,
      errorMessage: '${roleMissing}',
      placeholder: '${rolePlaceholder}',
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
          errorMessage: '${durationMissing}',
          value: '${durationValue}',
          choices: [{ $data: '${durations}', title: '${title}', value: '${value}' }],
        },
        {
          type: 'Input.Text',
          id: FORM_INPUT_IDS.durationCustom,
          label: '${customLabel}',
          placeholder: '${customPlaceholder}',
          maxLength: CUSTOM_DURATION_MAX_LENGTH,
          value: '${durationCustomValue}',
        },
        errorBlock('Duration'),
        {
          $when: '${hasJustification}',
          type: 'Input.Text',
          id: FORM_INPUT_IDS.justification,
          label: '${justificationLabel}',
          placeholder: '${justificationPlaceholder}',
          isMultiline: true,
          isRequired: true,
          maxLength: TEXT_LIMITS.justification,
          errorMessage: '${justificationMissing}',
          value: '${justificationValue}',
        },
        errorBlock('Justification'),
        {
          $when: '${hasTicket}',
          type: 'Input.Text',
          id: FORM_INPUT_IDS.ticket,
          label: '${ticketLabel}',
          placeholder: '${ticketPlaceholder}',
          isRequired: true,
          maxLength: TEXT_LIMITS.ticketNumber,
          errorMessage: '${ticketInvalid}',
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
      title: '${nextTitle}',
      style: 'positive',
      data: '${nextData}',
    },
    {
      $when: '${hasDetails}',
      type: 'Action.Submit',
      id: 'form-activate',
      title: '${activateTitle}',
      style: 'positive',
      data: '${activateData}',
    },
    {
      type: 'Action.Submit',
      id: 'form-cancel',
      title: '${cancelTitle}',
      associatedInputs: 'none',
      data: { pimbot: 'cancel' },
    },
  ],
};
