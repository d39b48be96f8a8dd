// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
/**
 * The approval card: one PIM request that needs an approver's decision, posted where the approvers are
 * (their personal chats or an approvers' channel) and updated in place as the request moves on.
 *
 * One card, several views (Teams "user-specific views"): the builder renders the view of ONE viewer.
 * - An approver (viewer in `approverIds`, not the requester) of a pending request sees an optional
 *   comment box (`Input.Text` id `comment`) and Approve / Deny (Action.Execute verbs 'approve' / 'deny',
 *   data `{pimbot, requestId}`; Teams merges the inputs into `value.action.data`).
 * - Everyone else (the requester, other channel members, non-approvers, anyone once decided) sees the
 *   read-only status view: no inputs, no actions.
 *
 * Post the message with the read-only view (`approvalCard(model, {})`) and `refresh.userIds` = the
 * approvers' MRIs: their Teams clients then invoke Action.Execute verb 'refreshApproval'
 * `{pimbot:'refreshApproval', requestId}` and the bot answers with `approvalCard(model, approver)`.
 * Once final, update the message with the final card: `refresh.userIds: []`.
 *
 * Deny needs a reason. Action.Execute cannot make an input required for one button only (`isRequired`
 * would block Approve as well), so `comment` is optional on the card and the bot enforces the rule: when
 * 'deny' arrives with a blank comment, do NOT deny; answer the invoke with
 * `approvalCard({ ...model, errorText: DENY_REASON_REQUIRED_TEXT }, approver)` (the invoke response only
 * replaces the card for that approver; the shared message is untouched). `readExecuteAction`
 * (./card-actions) reads verb, requestId and the comment out of `value.action.data`.
 */
import { type TranslationKey, translator } from '../src/i18n';
import { APPROVAL_COMMENT_MAX_LENGTH } from './card-actions';
import { type ApprovalHint, hintLines, ticketText } from './card-text';
import type { AdaptiveCard, Viewer } from './card-types';
import { APPROVAL_CARD_TEMPLATE } from './approval-card-template';
import { displayText, inputValue, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { expandCard, NOTHING } from './template';

/** The `errorText` to re-show the card with when 'deny' arrives without a reason (English; approval:denyReasonRequired). */
export const DENY_REASON_REQUIRED_TEXT = translator('en')('approval:denyReasonRequired');

export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'canceled' | 'failed';

export interface ApprovalCardModel {
  /** Opaque id of the request, sent back in every action's data `{pimbot, requestId}`. Never shown. */
  requestId: string;
  /** Entra role activation or PIM for Groups membership/ownership. Shown under the target name. */
  kind: 'role' | 'group';
  /** Entra object id of the requester. Defence in depth: this viewer never gets Approve/Deny, even if listed in approverIds. */
  requesterId: string;
  /** Display name of the requester; fact 'Requested by'. */
  requesterName: string;
  /** UPN of the requester, shown after the name: 'Adele Vance (adele@contoso.com)'. */
  requesterUpn?: string | null;
  /** Role or group name; shown in the header. */
  targetName: string;
  /** Ready-formatted scope, e.g. 'Directory (tenant-wide)' or 'Administrative unit: Paris'; fact 'Scope'. */
  scopeText: string;
  /** Ready-formatted requested duration, e.g. '2 hours'; fact 'Duration'. */
  durationText: string;
  /** The requester's justification; fact 'Justification'. */
  justification?: string | null;
  /** Ticket number; fact 'Ticket'. */
  ticketNumber?: string | null;
  /** Ticket system, shown after the ticket number: 'INC-42 (ServiceNow)'. */
  ticketSystem?: string | null;
  /** Ready-formatted time of the request, e.g. 'Today 14:00 (UTC+1)'; fact 'Requested'. */
  requestedAtText: string;
  /** Ready-formatted approval deadline (request + 24 h); fact 'Decide by' while pending. */
  expiresAtText: string;
  /** Warnings for the approver (outside business hours, several roles at once, first time, …). */
  hints: readonly ApprovalHint[];
  /** Where the request is. Only 'pending' offers actions (to approvers). */
  state: ApprovalState;
  /** Who decided (approved/denied); fact 'Approved by' / 'Denied by' / 'Decided by'. */
  decidedByName?: string | null;
  /** Ready-formatted decision time; fact 'Decided at'. */
  decidedAtText?: string | null;
  /** The approver's comment (the deny reason); fact 'Comment'. */
  decisionComment?: string | null;
  /** E.g. 'Already approved by Megan Bowen at 14:02', for an approver who acted on a stale card. */
  alreadyDecidedNote?: string | null;
  /**
   * Shown in attention colour above the inputs, e.g. {@link DENY_REASON_REQUIRED_TEXT} when 'deny'
   * arrived without a reason, or why Graph refused the decision. Return such a card as the invoke
   * response (only the acting approver sees it), do not post it to the shared message.
   */
  errorText?: string | null;
  /** Prefills the comment input when re-showing the card to an approver (e.g. after a failed attempt). */
  commentValue?: string | null;
  /** Entra object ids of the approvers allowed to act (without the requester). Compared case-insensitively. */
  approverIds: readonly string[];
  /**
   * Teams MRIs ('29:…') of the approvers: `refresh.userIds` while pending (first 60 kept; Teams only
   * auto-refreshes for those users). Once the request is final, `refresh.userIds` is `[]` whatever this holds.
   */
  approverMris: readonly string[];
}

/** Header colours of each state; the title is approval:state.<state> in the viewer's language. */
export const APPROVAL_STATES: Readonly<
  Record<ApprovalState, { title: string; style: 'good' | 'attention' | 'warning' | 'emphasis'; color: string }>
> = {
  pending: { title: english('approval:state.pending'), style: 'warning', color: 'warning' },
  approved: { title: english('approval:state.approved'), style: 'good', color: 'good' },
  denied: { title: english('approval:state.denied'), style: 'attention', color: 'attention' },
  expired: { title: english('approval:state.expired'), style: 'emphasis', color: 'default' },
  canceled: { title: english('approval:state.canceled'), style: 'emphasis', color: 'default' },
  failed: { title: english('approval:state.failed'), style: 'attention', color: 'attention' },
};

const DECIDED_BY_TITLE: Readonly<Partial<Record<ApprovalState, TranslationKey>>> = {
  approved: 'approval:fact.approvedBy',
  denied: 'approval:fact.deniedBy',
};

const MAX_REFRESH_USERS = 60;

function english(key: TranslationKey): string {
  return translator('en')(key);
}

function sameId(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Whether `viewer` may decide this request now: state 'pending', the viewer's `aadObjectId` in
 * `approverIds` (case-insensitive) and not the requester's.
 */
export function viewerMayDecide(
  model: Pick<ApprovalCardModel, 'state' | 'approverIds' | 'requesterId'>,
  viewer: Viewer,
): boolean {
  const me = typeof viewer.aadObjectId === 'string' ? viewer.aadObjectId : '';
  if (model.state !== 'pending' || me.trim() === '') return false;
  if (typeof model.requesterId !== 'string' || model.requesterId.trim() === '' || sameId(model.requesterId, me)) {
    return false;
  }
  return (model.approverIds ?? []).some((id) => typeof id === 'string' && id.trim() !== '' && sameId(id, me));
}

/**
 * The approval card in `viewer`'s view: a header coloured by state (title, target, kind), hint lines,
 * the request as facts ('Decide by' while pending), the decision facts, the already-decided note, the
 * error line, and, for an approver of a pending request only, the `comment` input with Approve
 * (positive) and Deny (destructive) Action.Execute `{pimbot:'approve'|'deny', requestId}`.
 * Always has `refresh` (verb 'refreshApproval' `{pimbot:'refreshApproval', requestId}`): `userIds` are
 * the first 60 `approverMris` while pending, `[]` once final.
 */
export function approvalCard(model: ApprovalCardModel, viewer: Viewer = {}): AdaptiveCard {
  const meta = APPROVAL_STATES[model.state];
  if (!meta) throw new TypeError('approvalCard: unknown state');
  const t = translator(viewer.locale);
  const requestId = opaqueId(model.requestId, 'requestId');
  const isPending = model.state === 'pending';
  const canAct = viewerMayDecide(model, viewer);

  const requesterName = displayText(model.requesterName, TEXT_LIMITS.name) || t('approval:unknownPerson');
  const upn = optionalDisplayText(model.requesterUpn, TEXT_LIMITS.name);
  const ticket = ticketText(model.ticketNumber, model.ticketSystem, t);
  const justification = optionalDisplayText(model.justification, TEXT_LIMITS.justification);
  const hints = hintLines(model.hints, t);
  const decidedBy = optionalDisplayText(model.decidedByName, TEXT_LIMITS.name);
  const decidedAt = optionalDisplayText(model.decidedAtText, TEXT_LIMITS.shortText);
  const comment = optionalDisplayText(model.decisionComment, TEXT_LIMITS.justification);
  const alreadyDecided = optionalDisplayText(model.alreadyDecidedNote, TEXT_LIMITS.text);
  const errorText = optionalDisplayText(model.errorText, TEXT_LIMITS.message);
  const expiresAt = displayText(model.expiresAtText, TEXT_LIMITS.shortText);

  const refreshUserIds = isPending
    ? (model.approverMris ?? []).filter((id) => typeof id === 'string' && id !== '').slice(0, MAX_REFRESH_USERS)
    : [];

  return expandCard(APPROVAL_CARD_TEMPLATE, {
    refreshData: { pimbot: 'refreshApproval', requestId },
    refreshUserIds,
    headerStyle: meta.style,
    headerColor: meta.color,
    stateTitle: t(`approval:state.${model.state}`),
    targetName: displayText(model.targetName, TEXT_LIMITS.name) || t('approval:unnamed'),
    kindText: t(model.kind === 'group' ? 'approval:kind.group' : 'approval:kind.role'),
    hasHints: hints.length > 0,
    hints,
    requester: upn === '' ? requesterName : t('approval:personWithUpn', { name: requesterName, upn }),
    scopeText: displayText(model.scopeText, TEXT_LIMITS.text) || NOTHING,
    durationText: displayText(model.durationText, TEXT_LIMITS.shortText) || NOTHING,
    hasTicket: ticket !== '',
    ticket,
    hasJustification: justification !== '',
    justification,
    requestedAtText: displayText(model.requestedAtText, TEXT_LIMITS.shortText) || NOTHING,
    isPending,
    expiresAtText: expiresAt || NOTHING,
    hasDecision: decidedBy !== '' || decidedAt !== '' || comment !== '',
    hasDecidedBy: decidedBy !== '',
    decidedByTitle: t(DECIDED_BY_TITLE[model.state] ?? 'approval:fact.decidedBy'),
    decidedByName: decidedBy,
    hasDecidedAt: decidedAt !== '',
    decidedAtText: decidedAt,
    hasDecisionComment: comment !== '',
    decisionComment: comment,
    hasAlreadyDecided: alreadyDecided !== '',
    alreadyDecidedNote: alreadyDecided,
    hasError: errorText !== '',
    errorText,
    showWaiting: isPending && !canAct,
    waitingText: expiresAt ? t('approval:waiting', { time: expiresAt }) : t('approval:waitingNoTime'),
    canAct,
    commentValue: inputValue(model.commentValue, APPROVAL_COMMENT_MAX_LENGTH),
    approveData: { pimbot: 'approve', requestId },
    labels: {
      refresh: t('approval:refresh'),
      requestedBy: t('approval:fact.requestedBy'),
      scope: t('approval:fact.scope'),
      duration: t('common:duration'),
      ticket: t('approval:fact.ticket'),
      justification: t('common:justification'),
      requested: t('approval:fact.requested'),
      decideBy: t('approval:fact.decideBy'),
      decidedAt: t('approval:fact.decidedAt'),
      comment: t('approval:fact.comment'),
      commentLabel: t('approval:commentLabel'),
      commentPlaceholder: t('approval:commentPlaceholder'),
      approve: t('common:approve'),
      deny: t('common:deny'),
    },
    denyData: { pimbot: 'deny', requestId },
  });
}
