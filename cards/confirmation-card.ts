// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { requestFactSet, requestFactValues } from './request-facts';
import { CARD_SCHEMA_URL, expandCard, NOTHING } from './template';

export interface ConfirmationCardModel {
  /** Opaque id of the pending activation, sent back as `{pimbot:'confirm', key}`. */
  key: string;
  /** Role or group name. */
  targetName: string;
  /** Fact title 'Group' instead of 'Role'. Default 'role'. */
  kind?: 'role' | 'group';
  /** Ready-formatted duration, e.g. '2 hours (until 16:30 UTC+1)'. */
  durationText: string;
  /** The justification as it will be sent (shown sanitised). */
  justification?: string | null;
  /** The ticket number as it will be sent (shown sanitised). */
  ticketNumber?: string | null;
  /** E.g. 'No approval needed: active right away.' or 'Needs approval from Security Admins.' */
  approvalText: string;
  /** When a fresh sign-in is needed first, e.g. 'You will be asked to sign in again with MFA.' */
  stepUpText?: string | null;
}

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'confirm-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    requestFactSet('confirm-facts', [{ title: '${approvalTitle}', value: '${approvalText}' }]),
    {
      $when: '${hasStepUp}',
      type: 'TextBlock',
      id: 'confirm-step-up',
      text: '${stepUpText}',
      color: 'warning',
      wrap: true,
    },
  ],
  actions: [
    {
      type: 'Action.Submit',
      id: 'confirm-activate',
      title: '${activateTitle}',
      style: 'positive',
      data: '${confirmData}',
    },
    {
      type: 'Action.Submit',
      id: 'confirm-cancel',
      title: '${cancelTitle}',
      associatedInputs: 'none',
      data: { pimbot: 'cancel' },
    },
  ],
};

/**
 * The last look before activating: facts (Role, Duration, Justification, Ticket, Approval), an optional
 * step-up warning, and Action.Submit 'Activate' `{pimbot:'confirm', key}` / 'Cancel' `{pimbot:'cancel'}`. Its own
 * words are in the viewer's language; the duration, approval and step-up texts come translated from the caller.
 */
export function confirmationCard(model: ConfirmationCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const stepUpText = optionalDisplayText(model.stepUpText, TEXT_LIMITS.text);
  return expandCard(TEMPLATE, {
    ...requestFactValues(model, t),
    title: t('confirmation:title'),
    approvalTitle: t('confirmation:approval'),
    activateTitle: t('confirmation:activate'),
    cancelTitle: t('common:cancel'),
    approvalText: displayText(model.approvalText, TEXT_LIMITS.text) || NOTHING,
    hasStepUp: stepUpText !== '',
    stepUpText,
    confirmData: { pimbot: 'confirm', target: opaqueId(model.key, 'key') },
  });
}
