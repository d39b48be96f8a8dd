// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { requestFactSet, requestFactValues } from './request-facts';
import { CARD_SCHEMA_URL, expandCard } from './template';

export interface SubmittedFormCardModel {
  /** The role or group as the form named it (with its scope). */
  targetText: string;
  /** Ready-formatted duration, e.g. '2 hours'. */
  durationText: string;
  /** Fact title 'Group' instead of 'Role'. Default 'role'. */
  kind?: 'role' | 'group';
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
    requestFactSet('form-submitted-facts'),
    { type: 'TextBlock', id: 'form-submitted-note', text: '${note}', isSubtle: true, wrap: true },
  ],
};

/**
 * The activation form once it was submitted: what was asked for, read-only, with no inputs and no buttons,
 * so the form cannot be sent twice from this card. PIM's answer is on the status card that follows it.
 */
export function submittedFormCard(model: SubmittedFormCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  return expandCard(TEMPLATE, {
    ...requestFactValues({ ...model, targetName: model.targetText }, t),
    title: t('activation:submitted.title'),
    note: t(model.again ? 'activation:submitted.again' : 'activation:submitted.note'),
  });
}
