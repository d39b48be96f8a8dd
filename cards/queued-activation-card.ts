// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { type PimReasonData, pimReasonsText, translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { noticeNote, roleNoticeTemplate } from './role-notice-layout';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { expandCard } from './template';

export const QUEUED_ACTIVATION_STATES = ['offered', 'queued', 'submitting', 'submitted', 'canceled', 'failed'] as const;
export type QueuedActivationState = (typeof QUEUED_ACTIVATION_STATES)[number];

export interface QueuedActivationCardModel {
  state: QueuedActivationState;
  /** Role or group name. */
  targetName: string;
  /** Ready-formatted start (the running activation's end), e.g. '14:30 (UTC+1)'. */
  startsAtText: string;
  /** Ready-formatted duration, e.g. '2 hours'. */
  durationText: string;
  /** Why it was not activated again (state 'failed'): a code and values, worded here in the reader's language. */
  problem?: QueuedActivationProblem | string | null;
  /** Opaque id of the running activation's request, for Cancel. */
  requestId: string;
  /** Opaque target id, for "Activate now" after a failure. */
  targetKey: string;
}

/**
 * Why a queued activation failed, as data (src/activation/queued-activation-record.ts has the same shape): no
 * sign-in to submit it with, PIM's refusal (its reasons; `message` in English, shown when it gave none), or
 * a PIM status the bot does not expect. A string is finished text (records from before codes).
 */
export type QueuedActivationProblem =
  | { code: 'noSignIn' }
  | { code: 'refused'; reasons: readonly PimReasonData[]; message: string }
  | { code: 'unexpectedStatus'; status: string };

/** Why the bot queues instead of extending (see simulators/graph/FIDELITY.md), in English for callers not yet converted. */
export const QUEUED_ACTIVATION_NOTE = translator('en')('queued:note');

const TEMPLATE: JsonObject = roleNoticeTemplate({
  idPrefix: 'queued',
  headerStyle: '${style}',
  body: [
    { type: 'TextBlock', id: 'queued-text', text: '${text}', wrap: true },
    noticeNote('queued-note', '${showNote}'),
  ],
  actions: [
    {
      $when: '${canCancel}',
      type: 'Action.Execute',
      id: 'queued-cancel',
      title: '${cancelTitle}',
      verb: 'cancelQueued',
      data: '${cancelData}',
    },
    {
      $when: '${canQueue}',
      type: 'Action.Submit',
      id: 'queued-offer',
      title: '${activateAgainTitle}',
      data: '${queueData}',
    },
    {
      $when: '${canQueue}',
      type: 'Action.Execute',
      id: 'queued-deactivate',
      title: '${deactivateTitle}',
      verb: 'deactivate',
      data: '${deactivateData}',
    },
    {
      $when: '${canActivate}',
      type: 'Action.Submit',
      id: 'queued-activate',
      title: '${activateNowTitle}',
      data: '${activateData}',
    },
  ],
});

/**
 * "Your Exchange Administrator will be activated again at 14:30 for 2 hours", in the requester's 1:1 chat
 * after they clicked Activate again while it was still active; Cancel (Action.Execute verb
 * 'cancelQueued' `{pimbot:'cancelQueued', requestId}`) while it waits. The job that submits it at the end
 * updates it in place: requested, or not (then 'Activate now', Action.Submit `{pimbot:'activate', target}`).
 * State 'offered': the role is still active and the user asked to activate it: 'Activate again at …'
 * (Action.Submit `{pimbot:'activateAgain', requestId}`) or 'Deactivate now' (Action.Execute 'deactivate').
 * In the viewer's language (for a proactive update: the stored chat locale); times come formatted.
 */
export function queuedActivationCard(model: QueuedActivationCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const name = displayText(model.targetName, TEXT_LIMITS.name) || t('queued:unnamed');
  const values = {
    name,
    startsAt: displayText(model.startsAtText, TEXT_LIMITS.shortText) || t('queued:theEnd'),
    duration: displayText(model.durationText, TEXT_LIMITS.shortText) || t('queued:sameTime'),
  };
  const problem = problemText(model.problem, viewer.locale, name) || t('queued:refused');
  const waiting = model.state === 'queued' || model.state === 'submitting';
  return expandCard(TEMPLATE, {
    targetName: values.name,
    title: t(`queued:title.${model.state}`, values),
    text: t(`queued:text.${model.state}`, { ...values, problem }),
    style: model.state === 'failed' ? 'attention' : waiting ? 'accent' : 'default',
    showNote: waiting,
    note: t('queued:note'),
    cancelTitle: t('common:cancel'),
    activateAgainTitle: t('queued:activateAgainAt', values),
    deactivateTitle: t('queued:deactivateNow'),
    activateNowTitle: t('queued:activateNow'),
    canCancel: model.state === 'queued',
    cancelData: { pimbot: 'cancelQueued', requestId: opaqueId(model.requestId, 'requestId') },
    canQueue: model.state === 'offered',
    queueData: { pimbot: 'activateAgain', requestId: opaqueId(model.requestId, 'requestId') },
    deactivateData: { pimbot: 'deactivate', target: opaqueId(model.targetKey, 'targetKey') },
    canActivate: model.state === 'failed' || model.state === 'canceled',
    activateData: { pimbot: 'activate', target: opaqueId(model.targetKey, 'targetKey') },
  });
}

/** The problem in the reader's words ('' when there is none to say). Values from PIM are text, never markup. */
function problemText(problem: QueuedActivationCardModel['problem'], locale: string | undefined, name: string): string {
  if (problem === null || problem === undefined || typeof problem === 'string')
    return optionalDisplayText(problem, TEXT_LIMITS.message);
  const t = translator(locale);
  switch (problem.code) {
    case 'noSignIn':
      return t('queued:problem.noSignIn');
    case 'unexpectedStatus':
      return t('queued:problem.unexpectedStatus', { status: displayText(problem.status, TEXT_LIMITS.shortText) });
    case 'refused':
      return problem.reasons.length > 0
        ? pimReasonsText(problem.reasons, locale, (text) => displayText(text, TEXT_LIMITS.message), name)
        : optionalDisplayText(problem.message, TEXT_LIMITS.message);
  }
}
