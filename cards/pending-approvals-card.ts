// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { DENY_REASON_REQUIRED_TEXT } from './approval-card';
import { APPROVAL_COMMENT_MAX_LENGTH } from './card-actions';
import { type ApprovalHint, hintLines, ticketText } from './card-text';
import type { AdaptiveCard, JsonObject, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { CARD_SCHEMA_URL, expandCard, fitList, NOTHING } from './template';

/** One request waiting for the viewer's decision. */
export interface PendingApprovalItem {
  /** Opaque id of the request, sent back as `{pimbot:'approve'|'deny', requestId, commentInputId}`. Never shown. */
  requestId: string;
  /** Display name of the requester; shown as 'Requested by …'. */
  requesterName: string;
  /** Role or group name; the item's title. */
  targetName: string;
  /** Ready-formatted requested duration, e.g. '2 hours'; fact 'Duration'. */
  durationText: string;
  /** The requester's justification; fact 'Justification'. */
  justification?: string | null;
  /** Ticket number; fact 'Ticket'. */
  ticketNumber?: string | null;
  /** Ready-formatted time of the request; shown after the requester: 'Requested by Adele Vance, today 14:00'. */
  requestedAtText: string;
  /** Ready-formatted approval deadline (request + 24 h); fact 'Decide by'. */
  expiresAtText: string;
  /** Same warnings as on the approval card (breakGlass in attention colour, the others in warning colour). */
  hints?: readonly ApprovalHint[] | null;
  /**
   * Shown in attention colour above this item's comment input, e.g. {@link DENY_REASON_REQUIRED_TEXT}
   * when 'deny' arrived from this item without a reason.
   */
  errorText?: string | null;
}

export interface PendingApprovalsCardModel {
  items: readonly PendingApprovalItem[];
  /** Heading. Default 'Waiting for your approval'. */
  title?: string;
  /** Shown instead of the list when `items` is empty. Default {@link DEFAULT_NOTHING_PENDING_TEXT}. */
  emptyText?: string;
  /** Shown in good colour under the heading, e.g. "Approved Adele Vance's request for Exchange Administrator." */
  noticeText?: string | null;
  /**
   * At most this many items are listed (default {@link DEFAULT_MAX_PENDING_ITEMS}; fewer when over
   * CARD_BYTE_BUDGET); a last line says how many more are waiting.
   */
  maxItems?: number;
}

export const DEFAULT_NOTHING_PENDING_TEXT = 'Nothing is waiting for your approval.';

/**
 * Default `maxItems`: lower than the other list cards' 20 because every item carries a comment box and
 * two buttons (about 1.3 KB each; 20 would not fit Teams' message size) and a decision list that long
 * is unusable anyway.
 */
export const DEFAULT_MAX_PENDING_ITEMS = 10;

/** Id of the comment input of the item at `index` (0-based, in card order). */
export function pendingCommentInputId(index: number): string {
  return `comment-${index}`;
}

const TEMPLATE: JsonObject = {
  type: 'AdaptiveCard',
  $schema: CARD_SCHEMA_URL,
  version: '1.5',
  msteams: { width: 'Full' },
  body: [
    { type: 'TextBlock', id: 'pending-title', text: '${title}', style: 'heading', size: 'large', wrap: true },
    {
      $when: '${hasNotice}',
      type: 'TextBlock',
      id: 'pending-notice',
      text: '${noticeText}',
      color: 'good',
      wrap: true,
    },
    { $when: '${isEmpty}', type: 'TextBlock', id: 'pending-empty', text: '${emptyText}', wrap: true },
    {
      $data: '${items}',
      type: 'Container',
      id: 'pending-${$index}',
      separator: true,
      spacing: 'medium',
      items: [
        { type: 'TextBlock', id: 'pending-${$index}-target', text: '${targetName}', weight: 'bolder', wrap: true },
        {
          type: 'TextBlock',
          id: 'pending-${$index}-requested',
          text: '${requestedText}',
          isSubtle: true,
          size: 'small',
          spacing: 'none',
          wrap: true,
        },
        {
          $data: '${hints}',
          type: 'TextBlock',
          text: '${text}',
          color: '${color}',
          weight: 'bolder',
          spacing: 'small',
          wrap: true,
        },
        {
          type: 'FactSet',
          id: 'pending-${$index}-facts',
          facts: [
            { title: 'Duration', value: '${durationText}' },
            { $when: '${hasTicket}', title: 'Ticket', value: '${ticket}' },
            { $when: '${hasJustification}', title: 'Justification', value: '${justification}' },
            { title: 'Decide by', value: '${expiresAtText}' },
          ],
        },
        {
          $when: '${hasError}',
          type: 'TextBlock',
          id: 'pending-${$index}-error',
          text: '${errorText}',
          color: 'attention',
          weight: 'bolder',
          wrap: true,
        },
        {
          type: 'Input.Text',
          id: '${commentInputId}',
          label: 'Comment (required to deny)',
          placeholder: 'Why do you approve or deny?',
          isMultiline: true,
          maxLength: APPROVAL_COMMENT_MAX_LENGTH,
        },
        {
          type: 'ActionSet',
          id: 'pending-${$index}-actions',
          actions: [
            {
              type: 'Action.Execute',
              id: 'pending-${$index}-approve',
              title: 'Approve',
              tooltip: '${approveTooltip}',
              style: 'positive',
              verb: 'approve',
              data: '${approveData}',
            },
            {
              type: 'Action.Execute',
              id: 'pending-${$index}-deny',
              title: 'Deny',
              tooltip: '${denyTooltip}',
              style: 'destructive',
              verb: 'deny',
              data: '${denyData}',
            },
          ],
        },
      ],
    },
    { $when: '${hasMore}', type: 'TextBlock', id: 'pending-more', text: '${moreText}', isSubtle: true, wrap: true },
  ],
};

/**
 * The approver's inbox (`pending` command): each request with its facts and hints, its own comment input
 * `comment-<n>` (n = 0-based position on the card) and Approve / Deny Action.Execute verbs 'approve' /
 * 'deny' with data `{pimbot, requestId, commentInputId: 'comment-<n>'}`. Teams submits every input of
 * the card with either button, so `commentInputId` names the one that belongs to the pressed item
 * (readExecuteAction reads it). Deny without a reason: re-show this card with that item's `errorText`
 * set to {@link DENY_REASON_REQUIRED_TEXT}. Empty list → `emptyText`.
 */
export function pendingApprovalsCard(model: PendingApprovalsCardModel, _viewer: Viewer = {}): AdaptiveCard {
  const wanted = Math.max(1, Math.floor(model.maxItems ?? DEFAULT_MAX_PENDING_ITEMS));
  const title =
    displayText(model.title ?? 'Waiting for your approval', TEXT_LIMITS.name) || 'Waiting for your approval';
  const emptyText =
    displayText(model.emptyText ?? DEFAULT_NOTHING_PENDING_TEXT, TEXT_LIMITS.text) || DEFAULT_NOTHING_PENDING_TEXT;
  const notice = optionalDisplayText(model.noticeText, TEXT_LIMITS.text);
  const items = model.items.slice(0, wanted).map((item, index) => {
    const requestId = opaqueId(item.requestId, 'items[].requestId');
    const target = displayText(item.targetName, TEXT_LIMITS.name) || '(unnamed)';
    const requester = displayText(item.requesterName, TEXT_LIMITS.name) || '(unknown)';
    const requestedAt = displayText(item.requestedAtText, TEXT_LIMITS.shortText);
    const ticket = ticketText(item.ticketNumber, null);
    const justification = optionalDisplayText(item.justification, TEXT_LIMITS.justification);
    const errorText = optionalDisplayText(item.errorText, TEXT_LIMITS.message);
    const commentInputId = pendingCommentInputId(index);
    return {
      targetName: target,
      requestedText: requestedAt ? `Requested by ${requester}, ${requestedAt}` : `Requested by ${requester}`,
      hints: hintLines(item.hints),
      durationText: displayText(item.durationText, TEXT_LIMITS.shortText) || NOTHING,
      hasTicket: ticket !== '',
      ticket,
      hasJustification: justification !== '',
      justification,
      expiresAtText: displayText(item.expiresAtText, TEXT_LIMITS.shortText) || NOTHING,
      hasError: errorText !== '',
      errorText,
      commentInputId,
      approveTooltip: `Approve ${requester}'s request for ${target}`,
      denyTooltip: `Deny ${requester}'s request for ${target}`,
      approveData: { pimbot: 'approve', requestId, commentInputId },
      denyData: { pimbot: 'deny', requestId, commentInputId },
    };
  });
  return fitList(model.items.length, wanted, (listed) => {
    const more = model.items.length - listed;
    return expandCard(TEMPLATE, {
      title,
      hasNotice: notice !== '',
      noticeText: notice,
      isEmpty: model.items.length === 0,
      emptyText,
      items: items.slice(0, listed),
      hasMore: more > 0,
      moreText: more > 0 ? `\u2026and ${more} more waiting. Decide these first, then send 'pending' again.` : '',
    });
  });
}
