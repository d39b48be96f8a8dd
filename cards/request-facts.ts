// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { Translate } from '../src/i18n';
import type { JsonObject } from './card-types';
import { displayText, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { NOTHING } from './template';

/** An activation request as its requester reviews it: what, how long, why, which ticket. */
export interface RequestFactsModel {
  targetName: string;
  /** Fact title 'Group' instead of 'Role'. Default 'role'. */
  kind?: 'role' | 'group';
  /** Ready-formatted, e.g. '2 hours'. */
  durationText: string;
  justification?: string | null;
  ticketNumber?: string | null;
}

/**
 * The FactSet of a request (Role or Group, Duration, Justification and Ticket when given), shared by the
 * confirmation card and the submitted form; `more` are facts the card adds after them (the approval line).
 */
export function requestFactSet(id: string, more: JsonObject[] = []): JsonObject {
  return {
    type: 'FactSet',
    id,
    facts: [
      { title: '${targetTitle}', value: '${targetName}' },
      { title: '${durationTitle}', value: '${durationText}' },
      { $when: '${hasJustification}', title: '${justificationTitle}', value: '${justification}' },
      { $when: '${hasTicket}', title: '${ticketTitle}', value: '${ticketNumber}' },
      ...more,
    ],
  };
}

/** The bindings of {@link requestFactSet}, user text made inert, titles in the reader's language. */
export function requestFactValues(model: RequestFactsModel, t: Translate): Record<string, string | boolean> {
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  const ticketNumber = optionalDisplayText(model.ticketNumber, TEXT_LIMITS.ticketNumber);
  return {
    targetTitle: model.kind === 'group' ? t('confirmation:group') : t('common:role'),
    targetName: displayText(model.targetName, TEXT_LIMITS.name) || t('confirmation:unnamed'),
    durationTitle: t('common:duration'),
    durationText: displayText(model.durationText, TEXT_LIMITS.shortText) || NOTHING,
    justificationTitle: t('common:justification'),
    hasJustification: justification !== '',
    justification,
    ticketTitle: t('confirmation:ticket'),
    hasTicket: ticketNumber !== '',
    ticketNumber,
  };
}
