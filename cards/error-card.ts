// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, NOTHING } from './template';

/**
 * Title, message and fix are in the viewer's language already: the caller translates them with
 * `translator(viewer.locale)`, the locale it also gives the card (docs/i18n.md).
 */
export interface ErrorCardModel {
  /** Short heading, e.g. 'Could not activate Exchange Administrator'. */
  title: string;
  /** What happened (may come from Graph: it is shown sanitised). */
  message: string;
  /** What the user can do about it. */
  fix: string;
  /** Graph error code, for support. */
  graphCode?: string | null;
  /** Graph request id, for support. */
  requestId?: string | null;
}

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  body: [
    {
      type: 'Container',
      id: 'error-header',
      style: 'attention',
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          id: 'error-title',
          text: '${title}',
          style: 'heading',
          size: 'large',
          color: 'attention',
          wrap: true,
        },
      ],
    },
    { type: 'TextBlock', id: 'error-message', text: '${message}', wrap: true },
    {
      type: 'TextBlock',
      id: 'error-fix-label',
      text: '${fixLabel}',
      weight: 'bolder',
      spacing: 'medium',
      wrap: true,
    },
    { type: 'TextBlock', id: 'error-fix', text: '${fix}', spacing: 'none', wrap: true },
    {
      $when: '${hasFacts}',
      type: 'FactSet',
      id: 'error-facts',
      spacing: 'medium',
      facts: [
        { $when: '${hasGraphCode}', title: '${graphCodeLabel}', value: '${graphCode}' },
        { $when: '${hasRequestId}', title: '${requestIdLabel}', value: '${requestId}' },
      ],
    },
  ],
};

/**
 * A red error card: title, message, 'What you can do' + fix, and Error code / Request ID facts when known.
 * The labels are in the viewer's language; title, message and fix are the caller's, already in it.
 */
export function errorCard(model: ErrorCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const graphCode = optionalDisplayText(model.graphCode, TEXT_LIMITS.code);
  const requestId = optionalDisplayText(model.requestId, TEXT_LIMITS.code);
  return expandCard(TEMPLATE, {
    title: displayText(model.title, TEXT_LIMITS.name) || t('cards:error.defaultTitle'),
    message: displayText(model.message, TEXT_LIMITS.message) || NOTHING,
    fixLabel: t('cards:error.fixLabel'),
    fix: displayText(model.fix, TEXT_LIMITS.message) || NOTHING,
    graphCodeLabel: t('cards:error.errorCode'),
    requestIdLabel: t('cards:error.requestId'),
    hasFacts: graphCode !== '' || requestId !== '',
    hasGraphCode: graphCode !== '',
    graphCode,
    hasRequestId: requestId !== '',
    requestId,
  });
}
