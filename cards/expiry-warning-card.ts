// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { noticeNote, roleNoticeTemplate } from './role-notice-layout';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { expandCard, NOTHING } from './template';

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

/** The card's note in English (expiry:note), for callers not yet converted to i18n. */
export const EXPIRY_WARNING_NOTE = translator('en')('expiry:note');

const TEMPLATE: JsonObject = roleNoticeTemplate({
  idPrefix: 'expiry',
  headerStyle: 'warning',
  titleColor: 'warning',
  body: [
    {
      type: 'FactSet',
      id: 'expiry-facts',
      facts: [
        { title: '${activeUntilTitle}', value: '${endsAtText}' },
        { $when: '${hasTicket}', title: '${ticketTitle}', value: '${ticketNumber}' },
        { $when: '${hasJustification}', title: '${justificationTitle}', value: '${justification}' },
      ],
    },
    noticeNote('expiry-note'),
  ],
  actions: [
    {
      type: 'Action.Execute',
      id: 'expiry-deactivate',
      title: '${deactivateTitle}',
      style: 'destructive',
      verb: 'deactivate',
      data: '${deactivateData}',
    },
    { type: 'Action.Submit', id: 'expiry-activate-again', title: '${activateAgainTitle}', data: '${activateData}' },
  ],
});

/**
 * "Your role ends in 10 minutes", sent to the requester's 1:1 chat before an activation ends, with
 * 'Deactivate now' (Action.Execute verb 'deactivate' `{pimbot:'deactivate', target}`) and 'Activate
 * again' (Action.Submit `{pimbot:'activate', target}`, which starts a new request for the same role).
 * In the viewer's language (for a proactive message: the stored chat locale); the times come formatted.
 */
export function expiryWarningCard(model: ExpiryWarningCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const remaining = displayText(model.remainingText, TEXT_LIMITS.shortText);
  const target = opaqueId(model.targetKey, 'targetKey');
  const ticket = optionalDisplayText(model.ticketNumber, TEXT_LIMITS.ticketNumber);
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  return expandCard(TEMPLATE, {
    title: remaining ? t('expiry:title', { remaining }) : t('expiry:titleSoon'),
    targetName: displayText(model.targetName, TEXT_LIMITS.name) || t('expiry:unnamed'),
    activeUntilTitle: t('expiry:activeUntil'),
    ticketTitle: t('expiry:ticket'),
    justificationTitle: t('common:justification'),
    deactivateTitle: t('expiry:deactivateNow'),
    activateAgainTitle: t('expiry:activateAgain'),
    endsAtText: displayText(model.endsAtText, TEXT_LIMITS.shortText) || NOTHING,
    hasTicket: ticket !== '',
    ticketNumber: ticket,
    hasJustification: justification !== '',
    justification,
    note: t('expiry:note'),
    deactivateData: { pimbot: 'deactivate', target },
    activateData: { pimbot: 'activateAgain', requestId: opaqueId(model.requestId, 'requestId') },
  });
}
