// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, NOTHING } from './template';

export interface ExpiryWarningCardModel {
  /** Role or group name. */
  targetName: string;
  /** Ready-formatted end, e.g. '14:30 (UTC+1)'. */
  endsAtText: string;
  /** Ready-formatted time left, e.g. '10 minutes'. */
  remainingText: string;
  justification?: string | null;
  ticketNumber?: string | null;
  /** Opaque target id for Deactivate now. */
  targetKey: string;
  /** Opaque id of the activation's request, for Activate again. */
  requestId: string;
}

export const EXPIRY_WARNING_NOTE =
  'PIM cannot extend a running activation. Activate again requests the same one again, to start as this one ends; you can cancel it until then.';

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    {
      type: 'Container',
      id: 'expiry-header',
      style: 'warning',
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          id: 'expiry-title',
          text: 'Ends in ${remainingText}',
          style: 'heading',
          size: 'large',
          color: 'warning',
          wrap: true,
        },
        {
          type: 'TextBlock',
          id: 'expiry-target',
          text: '${targetName}',
          weight: 'bolder',
          spacing: 'none',
          wrap: true,
        },
      ],
    },
    {
      type: 'FactSet',
      id: 'expiry-facts',
      facts: [
        { title: 'Active until', value: '${endsAtText}' },
        { $when: '${hasTicket}', title: 'Ticket', value: '${ticketNumber}' },
        { $when: '${hasJustification}', title: 'Justification', value: '${justification}' },
      ],
    },
    { type: 'TextBlock', id: 'expiry-note', text: '${note}', isSubtle: true, size: 'small', wrap: true },
  ],
  actions: [
    {
      type: 'Action.Execute',
      id: 'expiry-deactivate',
      title: 'Deactivate now',
      style: 'destructive',
      verb: 'deactivate',
      data: '${deactivateData}',
    },
    { type: 'Action.Submit', id: 'expiry-activate-again', title: 'Activate again', data: '${activateData}' },
  ],
};

/**
 * "Your role ends in 10 minutes", sent to the requester's 1:1 chat before an activation ends, with
 * 'Deactivate now' (Action.Execute verb 'deactivate' `{pimbot:'deactivate', target}`) and 'Activate
 * again' (Action.Submit `{pimbot:'activate', target}`, which starts a new request for the same role).
 */
export function expiryWarningCard(model: ExpiryWarningCardModel, _viewer: Viewer = {}): AdaptiveCard {
  const target = opaqueId(model.targetKey, 'targetKey');
  const ticket = optionalDisplayText(model.ticketNumber, TEXT_LIMITS.ticketNumber);
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  return expandCard(TEMPLATE, {
    remainingText: displayText(model.remainingText, TEXT_LIMITS.shortText) || 'a few minutes',
    targetName: displayText(model.targetName, TEXT_LIMITS.name) || '(unnamed)',
    endsAtText: displayText(model.endsAtText, TEXT_LIMITS.shortText) || NOTHING,
    hasTicket: ticket !== '',
    ticketNumber: ticket,
    hasJustification: justification !== '',
    justification,
    note: EXPIRY_WARNING_NOTE,
    deactivateData: { pimbot: 'deactivate', target },
    activateData: { pimbot: 'activateAgain', requestId: opaqueId(model.requestId, 'requestId') },
  });
}
