// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard } from './template';

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
  /** Why it was not activated again (state 'failed'). */
  problem?: string | null;
  /** Opaque id of the running activation's request, for Cancel. */
  requestId: string;
  /** Opaque target id, for "Activate now" after a failure. */
  targetKey: string;
}

/** Why the bot queues instead of extending: what PIM answers (see simulators/graph/FIDELITY.md). */
export const QUEUED_ACTIVATION_NOTE =
  'PIM cannot extend a running activation, so I request the new one, with the same justification and ticket, as this one ends.';

const TITLES: Readonly<Record<QueuedActivationState, string>> = {
  offered: 'Still active until ${startsAtText}',
  queued: 'Activates again at ${startsAtText}',
  submitting: 'Activates again at ${startsAtText}',
  submitted: 'Requested again at ${startsAtText}',
  canceled: 'Not activated again',
  failed: 'Not activated again',
};

const TEXTS: Readonly<Record<QueuedActivationState, string>> = {
  offered:
    'Your ${targetName} is active until ${startsAtText}. PIM cannot extend a running activation: Activate again requests it again for ${durationText}, to start as this one ends. Or deactivate it now and ask again.',
  queued: 'Your ${targetName} will be activated again at ${startsAtText} for ${durationText}.',
  submitting: 'Your ${targetName} will be activated again at ${startsAtText} for ${durationText}.',
  submitted: 'Your ${targetName} was requested again for ${durationText}: its status card follows.',
  canceled: 'Canceled: your ${targetName} ends at ${startsAtText} as planned.',
  failed: 'Your ${targetName} was not activated again: ${problem}',
};

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    {
      type: 'Container',
      id: 'queued-header',
      style: '${style}',
      bleed: true,
      items: [
        { type: 'TextBlock', id: 'queued-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
        {
          type: 'TextBlock',
          id: 'queued-target',
          text: '${targetName}',
          weight: 'bolder',
          spacing: 'none',
          wrap: true,
        },
      ],
    },
    { type: 'TextBlock', id: 'queued-text', text: '${text}', wrap: true },
    {
      $when: '${showNote}',
      type: 'TextBlock',
      id: 'queued-note',
      text: '${note}',
      isSubtle: true,
      size: 'small',
      wrap: true,
    },
  ],
  actions: [
    {
      $when: '${canCancel}',
      type: 'Action.Execute',
      id: 'queued-cancel',
      title: 'Cancel',
      verb: 'cancelQueued',
      data: '${cancelData}',
    },
    {
      $when: '${canQueue}',
      type: 'Action.Submit',
      id: 'queued-offer',
      title: 'Activate again at ${startsAtText}',
      data: '${queueData}',
    },
    {
      $when: '${canQueue}',
      type: 'Action.Execute',
      id: 'queued-deactivate',
      title: 'Deactivate now',
      verb: 'deactivate',
      data: '${deactivateData}',
    },
    {
      $when: '${canActivate}',
      type: 'Action.Submit',
      id: 'queued-activate',
      title: 'Activate now',
      data: '${activateData}',
    },
  ],
};

/**
 * "Your Exchange Administrator will be activated again at 14:30 for 2 hours", in the requester's 1:1 chat
 * after they clicked Activate again while it was still active; Cancel (Action.Execute verb
 * 'cancelQueued' `{pimbot:'cancelQueued', requestId}`) while it waits. The job that submits it at the end
 * updates it in place: requested, or not (then 'Activate now', Action.Submit `{pimbot:'activate', target}`).
 * State 'offered': the role is still active and the user asked to activate it: 'Activate again at …'
 * (Action.Submit `{pimbot:'activateAgain', requestId}`) or 'Deactivate now' (Action.Execute 'deactivate').
 */
export function queuedActivationCard(model: QueuedActivationCardModel, _viewer: Viewer = {}): AdaptiveCard {
  const values = {
    targetName: displayText(model.targetName, TEXT_LIMITS.name) || '(unnamed)',
    startsAtText: displayText(model.startsAtText, TEXT_LIMITS.shortText) || 'the end',
    durationText: displayText(model.durationText, TEXT_LIMITS.shortText) || 'the same time',
    problem: optionalDisplayText(model.problem, TEXT_LIMITS.message) || 'PIM refused it.',
  };
  const fill = (text: string) => text.replace(/\$\{(\w+)\}/g, (_m, name: keyof typeof values) => values[name] ?? '');
  const waiting = model.state === 'queued' || model.state === 'submitting';
  return expandCard(TEMPLATE, {
    ...values,
    title: fill(TITLES[model.state]),
    text: fill(TEXTS[model.state]),
    style: model.state === 'failed' ? 'attention' : waiting ? 'accent' : 'default',
    showNote: waiting,
    note: QUEUED_ACTIVATION_NOTE,
    canCancel: model.state === 'queued',
    cancelData: { pimbot: 'cancelQueued', requestId: opaqueId(model.requestId, 'requestId') },
    canQueue: model.state === 'offered',
    queueData: { pimbot: 'activateAgain', requestId: opaqueId(model.requestId, 'requestId') },
    deactivateData: { pimbot: 'deactivate', target: opaqueId(model.targetKey, 'targetKey') },
    canActivate: model.state === 'failed' || model.state === 'canceled',
    activateData: { pimbot: 'activate', target: opaqueId(model.targetKey, 'targetKey') },
  });
}
