// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard } from './template';

export interface SubmittedFormCardModel {
  /** The role or group as the form named it (with its scope). */
  targetText: string;
  /** Ready-formatted duration, e.g. '2 hours'. */
  durationText: string;
  justification?: string | null;
  ticketNumber?: string | null;
  /** The form was clicked again after it had been submitted: nothing was sent the second time. */
  again?: boolean;
}

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'form-submitted-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    {
      type: 'FactSet',
      id: 'form-submitted-facts',
      facts: [
        { title: '${targetTitle}', value: '${targetText}' },
        { title: '${durationTitle}', value: '${durationText}' },
        { $when: '${hasJustification}', title: '${justificationTitle}', value: '${justification}' },
        { $when: '${hasTicket}', title: '${ticketTitle}', value: '${ticketNumber}' },
      ],
    },
    { type: 'TextBlock', id: 'form-submitted-note', text: '${note}', isSubtle: true, wrap: true },
  ],
};

/**
 * The activation form once it was submitted: what was asked for, read-only, with no inputs and no buttons,
 * so the form cannot be sent twice from this card. PIM's answer is on the status card that follows it.
 */
export function submittedFormCard(model: SubmittedFormCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  const ticketNumber = optionalDisplayText(model.ticketNumber, TEXT_LIMITS.ticketNumber);
  return expandCard(TEMPLATE, {
    title: t('activation:submitted.title'),
    targetTitle: t('activation:submitted.target'),
    targetText: displayText(model.targetText, TEXT_LIMITS.name),
    durationTitle: t('activation:submitted.duration'),
    durationText: displayText(model.durationText, TEXT_LIMITS.shortText),
    hasJustification: justification !== '',
    justificationTitle: t('activation:submitted.justification'),
    justification,
    hasTicket: ticketNumber !== '',
    ticketTitle: t('activation:submitted.ticket'),
    ticketNumber,
    note: t(model.again ? 'activation:submitted.again' : 'activation:submitted.note'),
  });
}
