// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { translator } from '../src/i18n';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, NOTHING } from './template';

export type StatusState =
  | 'submitting'
  | 'pendingApproval'
  | 'active'
  | 'deactivated'
  | 'expired'
  | 'failed'
  | 'denied'
  | 'canceled';

const ENGLISH = translator('en');

/** What went wrong, in the user's terms (see errorCard for the same fields). */
export interface StatusFailure {
  /** What happened, e.g. Graph's message made readable. Shown sanitised. */
  message: string;
  /** What the user can do about it. */
  fix: string;
  /** Graph error code, e.g. 'RoleAssignmentRequestPolicyValidationFailed'. */
  graphCode?: string | null;
  /** Graph `request-id` / `client-request-id`, for support. */
  requestId?: string | null;
}

export interface StatusCardModel {
  state: StatusState;
  /** Role or group name. */
  targetName: string;
  /** Shown as 'Requested by' (useful when approvers see the card). */
  requesterName?: string | null;
  /** Ready-formatted requested duration, e.g. '2 hours'. */
  durationText: string;
  justification?: string | null;
  ticketNumber?: string | null;
  /** E.g. 'Security Admins (any one)'. Shown as 'Approvers'. */
  approversText?: string | null;
  /** Ready-formatted end, e.g. '14:30 (UTC+1)'. Shown as 'Active until'. */
  activeUntilText?: string | null;
  /** Shown in a red block (typically with state 'failed'). */
  failure?: StatusFailure | null;
  /** Opaque id for 'Deactivate now' (Action.Execute `{pimbot:'deactivate', key}`); shown only when state is 'active'. */
  deactivateKey?: string | null;
  /**
   * When set, only the viewer with this Entra object id sees 'Deactivate now' (cards in shared chats);
   * a viewer without `aadObjectId` does not see it either. Unset: everyone who sees the card sees it.
   */
  ownerAadObjectId?: string | null;
  /**
   * Opaque target id for 'Activate again' (Action.Submit `{pimbot:'activate', target}`); shown only when
   * state is 'expired' or 'deactivated' (and to the owner, if `ownerAadObjectId` is set).
   */
  activateAgainKey?: string | null;
  /**
   * The ended request's opaque id: 'Activate again' then sends `{pimbot:'activateAgain', requestId}`
   * instead, and the bot prefills the same role, duration, justification and ticket.
   */
  activateAgainRequestId?: string | null;
  /**
   * Opaque PIM request id for 'Cancel request' (Action.Execute `{pimbot:'cancelRequest', requestId}`);
   * shown only while state is 'pendingApproval' (and to the owner, if `ownerAadObjectId` is set).
   */
  cancelRequestId?: string | null;
  /** Footer, e.g. 'Updated 14:32 (UTC+1)'. */
  updatedText?: string | null;
}

/** Header colours of each state; the title is requestStatus:state.<state> in the viewer's language. */
export const STATUS_STATES: Readonly<
  Record<StatusState, { title: string; style: 'good' | 'attention' | 'warning' | 'accent' | 'emphasis'; color: string }>
> = {
  submitting: { title: ENGLISH('requestStatus:state.submitting'), style: 'accent', color: 'accent' },
  pendingApproval: { title: ENGLISH('requestStatus:state.pendingApproval'), style: 'warning', color: 'warning' },
  active: { title: ENGLISH('requestStatus:state.active'), style: 'good', color: 'good' },
  deactivated: { title: ENGLISH('requestStatus:state.deactivated'), style: 'emphasis', color: 'default' },
  expired: { title: ENGLISH('requestStatus:state.expired'), style: 'emphasis', color: 'default' },
  failed: { title: ENGLISH('requestStatus:state.failed'), style: 'attention', color: 'attention' },
  denied: { title: ENGLISH('requestStatus:state.denied'), style: 'attention', color: 'attention' },
  canceled: { title: ENGLISH('requestStatus:state.canceled'), style: 'emphasis', color: 'default' },
};

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    {
      type: 'Container',
      id: 'status-header',
      style: '${headerStyle}',
      bleed: true,
      items: [
        {
          type: 'TextBlock',
          id: 'status-state',
          text: '${stateTitle}',
          style: 'heading',
          size: 'large',
          color: '${headerColor}',
          wrap: true,
        },
        {
          type: 'TextBlock',
          id: 'status-target',
          text: '${targetName}',
          weight: 'bolder',
          spacing: 'none',
          wrap: true,
        },
      ],
    },
    {
      type: 'FactSet',
      id: 'status-facts',
      facts: [
        { $when: '${hasRequester}', title: '${labels.requestedBy}', value: '${requesterName}' },
        { title: '${labels.duration}', value: '${durationText}' },
        { $when: '${hasActiveUntil}', title: '${labels.activeUntil}', value: '${activeUntilText}' },
        { $when: '${hasApprovers}', title: '${labels.approvers}', value: '${approversText}' },
        { $when: '${hasTicket}', title: '${labels.ticket}', value: '${ticketNumber}' },
        { $when: '${hasJustification}', title: '${labels.justification}', value: '${justification}' },
      ],
    },
    {
      $when: '${hasFailure}',
      type: 'Container',
      id: 'status-failure',
      style: 'attention',
      items: [
        { type: 'TextBlock', id: 'status-failure-message', text: '${failureMessage}', weight: 'bolder', wrap: true },
        { type: 'TextBlock', id: 'status-failure-fix', text: '${failureFix}', wrap: true },
        {
          $when: '${hasFailureFacts}',
          type: 'FactSet',
          id: 'status-failure-facts',
          facts: [
            { $when: '${hasGraphCode}', title: '${labels.errorCode}', value: '${graphCode}' },
            { $when: '${hasRequestId}', title: '${labels.requestId}', value: '${requestId}' },
          ],
        },
      ],
    },
    {
      $when: '${hasUpdated}',
      type: 'TextBlock',
      id: 'status-updated',
      text: '${updatedText}',
      isSubtle: true,
      size: 'small',
      wrap: true,
    },
  ],
  actions: [
    {
      $when: '${showDeactivate}',
      type: 'Action.Execute',
      id: 'status-deactivate',
      title: '${labels.deactivateNow}',
      style: 'destructive',
      verb: 'deactivate',
      data: '${deactivateData}',
    },
    {
      $when: '${showCancelRequest}',
      type: 'Action.Execute',
      id: 'status-cancel-request',
      title: '${labels.cancelRequest}',
      verb: 'cancelRequest',
      data: '${cancelRequestData}',
    },
    {
      $when: '${showActivateAgain}',
      type: 'Action.Submit',
      id: 'status-activate-again',
      title: '${labels.activateAgain}',
      data: '${activateAgainData}',
    },
  ],
};

/**
 * The life of one request, updated in place: a colored header (state title + target), facts, a red
 * failure block, an 'Updated …' footer, and, when state is 'active' and `deactivateKey` is set (and the
 * viewer is the owner, if `ownerAadObjectId` is set), 'Deactivate now' Action.Execute verb 'deactivate'
 * `{pimbot:'deactivate', key: deactivateKey}`; when state is 'expired' or 'deactivated' and
 * `activateAgainKey` is set, 'Activate again' Action.Submit `{pimbot:'activate', target}`; while state is
 * 'pendingApproval' and `cancelRequestId` is set, 'Cancel request' Action.Execute verb 'cancelRequest'.
 */
export function statusCard(model: StatusCardModel, viewer: Viewer = {}): AdaptiveCard {
  const meta = STATUS_STATES[model.state];
  if (!meta) throw new TypeError('statusCard: unknown state');
  const t = translator(viewer.locale);
  const target = displayText(model.targetName, TEXT_LIMITS.name) || t('requestStatus:unnamed');
  const requester = optionalDisplayText(model.requesterName, TEXT_LIMITS.name);
  const until = optionalDisplayText(model.activeUntilText, TEXT_LIMITS.shortText);
  const approvers = optionalDisplayText(model.approversText, TEXT_LIMITS.text);
  const ticket = optionalDisplayText(model.ticketNumber, TEXT_LIMITS.ticketNumber);
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  const updated = optionalDisplayText(model.updatedText, TEXT_LIMITS.shortText);
  const failure = model.failure ?? null;
  const graphCode = optionalDisplayText(failure?.graphCode, TEXT_LIMITS.code);
  const requestId = optionalDisplayText(failure?.requestId, TEXT_LIMITS.code);

  const deactivateKey = model.deactivateKey ? opaqueId(model.deactivateKey, 'deactivateKey') : '';
  const activateAgainKey = model.activateAgainKey ? opaqueId(model.activateAgainKey, 'activateAgainKey') : '';
  const cancelRequestId = model.cancelRequestId ? opaqueId(model.cancelRequestId, 'cancelRequestId') : '';
  const owner = model.ownerAadObjectId ?? null;
  const viewerMayDeactivate = owner === null || (viewer.aadObjectId !== undefined && viewer.aadObjectId === owner);

  return expandCard(TEMPLATE, {
    headerStyle: meta.style,
    headerColor: meta.color,
    stateTitle: t(`requestStatus:state.${model.state}`),
    targetName: target,
    hasRequester: requester !== '',
    requesterName: requester,
    durationText: displayText(model.durationText, TEXT_LIMITS.shortText) || NOTHING,
    hasActiveUntil: until !== '',
    activeUntilText: until,
    hasApprovers: approvers !== '',
    approversText: approvers,
    hasTicket: ticket !== '',
    ticketNumber: ticket,
    hasJustification: justification !== '',
    justification,
    hasFailure: failure !== null,
    failureMessage: failure
      ? displayText(failure.message, TEXT_LIMITS.message) || t('requestStatus:failureDefault')
      : '',
    failureFix: failure ? displayText(failure.fix, TEXT_LIMITS.message) || NOTHING : '',
    hasFailureFacts: graphCode !== '' || requestId !== '',
    hasGraphCode: graphCode !== '',
    graphCode,
    hasRequestId: requestId !== '',
    requestId,
    hasUpdated: updated !== '',
    updatedText: updated,
    showDeactivate: model.state === 'active' && deactivateKey !== '' && viewerMayDeactivate,
    deactivateData: { pimbot: 'deactivate', target: deactivateKey },
    showActivateAgain:
      (model.state === 'expired' || model.state === 'deactivated') && activateAgainKey !== '' && viewerMayDeactivate,
    activateAgainData: model.activateAgainRequestId
      ? { pimbot: 'activateAgain', requestId: opaqueId(model.activateAgainRequestId, 'activateAgainRequestId') }
      : { pimbot: 'activate', target: activateAgainKey },
    showCancelRequest: model.state === 'pendingApproval' && cancelRequestId !== '' && viewerMayDeactivate,
    cancelRequestData: { pimbot: 'cancelRequest', requestId: cancelRequestId },
    labels: {
      requestedBy: t('requestStatus:fact.requestedBy'),
      duration: t('common:duration'),
      activeUntil: t('requestStatus:fact.activeUntil'),
      approvers: t('common:approvers'),
      ticket: t('requestStatus:fact.ticket'),
      justification: t('common:justification'),
      errorCode: t('requestStatus:fact.errorCode'),
      requestId: t('requestStatus:fact.requestId'),
      deactivateNow: t('requestStatus:deactivateNow'),
      cancelRequest: t('requestStatus:cancelRequest'),
      activateAgain: t('requestStatus:activateAgain'),
    },
  });
}
