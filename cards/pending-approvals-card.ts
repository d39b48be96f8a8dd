// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
import { type Translate, translator } from '../src/i18n';
import { APPROVAL_COMMENT_MAX_LENGTH } from './card-actions';
import { type ApprovalHint, hintLines, ticketText } from './card-text';
import type { AdaptiveCard, Viewer } from './card-types';
import { displayText, opaqueId, optionalDisplayText, TEXT_LIMITS } from './sanitize';
import { PENDING_APPROVALS_TEMPLATE } from './pending-approvals-template';
import { expandCard, fitList, NOTHING } from './template';

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
  /** Put back into this item's comment box with `errorText` (what the approver typed when PIM refused). */
  commentValue?: string | null;
  /**
   * Set once the item was decided from this card, e.g. 'Approved by you at 14:02 CET.': the item stays in its
   * place with this line (good colour; attention for a denial) instead of its comment box and buttons.
   */
  decidedText?: string | null;
  /** Attention colour for `decidedText` (a denial). */
  decidedDenied?: boolean | null;
}

/** Where this card is in the inbox, for the Previous / Next buttons (Action.Execute verb 'inboxPage'). */
export interface PendingApprovalsPage {
  /** 0-based. */
  index: number;
  /** How many pages there are (at least 1). */
  count: number;
  /** How many requests wait in all. */
  total: number;
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
  /**
   * The inbox page this card shows. With it, the card pages (Previous / Next, verb 'inboxPage' `{page}`) and its
   * buttons are the inbox's own (verbs 'inboxApprove' / 'inboxDeny', with `page` and the page's `pageIds`): the
   * bot answers with this page again, the decided item in place.
   */
  page?: PendingApprovalsPage | null;
  /**
   * Teams MRIs ('29:…') of who sees this card: the approver, in their 1:1 chat. With `page`, the card carries
   * `refresh` (Action.Execute verb 'inboxPage' `{page}`, these `userIds`): Teams asks the bot for the page again
   * whenever the approver looks at the card, so requests decided or withdrawn elsewhere (another approver, the
   * Entra portal) leave it and new ones come in, instead of Approve buttons that can only say "already decided".
   */
  refreshUserIds?: readonly string[] | null;
}

/** Teams refreshes a card automatically for at most 60 listed users (learn.microsoft.com, user-specific views). */
const MAX_REFRESH_USERS = 60;

/** The empty inbox's text in English (inbox:empty), for callers not yet converted. */
export const DEFAULT_NOTHING_PENDING_TEXT = translator('en')('inbox:empty');

/**
 * Default `maxItems`: lower than the other list cards' 20 because every item carries a comment box and
 * two buttons (about 1.3 KB each; 20 would not fit Teams' message size) and a decision list that long
 * is unusable anyway.
 */
export const DEFAULT_MAX_PENDING_ITEMS = 5;

/** Id of the comment input of the item at `index` (0-based, in card order). */
export function pendingCommentInputId(index: number): string {
  return `comment-${index}`;
}

/**
 * The approver's inbox (`pending` command): each request with its facts and hints, its own comment input
 * `comment-<n>` (n = 0-based position on the card) and Approve / Deny Action.Execute verbs 'approve' /
 * 'deny' with data `{pimbot, requestId, commentInputId: 'comment-<n>'}`. Teams submits every input of
 * the card with either button, so `commentInputId` names the one that belongs to the pressed item
 * (readExecuteAction reads it). Deny without a reason: re-show this card with that item's `errorText`
 * set to {@link DENY_REASON_REQUIRED_TEXT}. Empty list → `emptyText`.
 */
export function pendingApprovalsCard(model: PendingApprovalsCardModel, viewer: Viewer = {}): AdaptiveCard {
  const t = translator(viewer.locale);
  const wanted = Math.max(1, Math.floor(model.maxItems ?? DEFAULT_MAX_PENDING_ITEMS));
  const title = optionalDisplayText(model.title, TEXT_LIMITS.name) || t('inbox:title');
  const emptyText = optionalDisplayText(model.emptyText, TEXT_LIMITS.text) || t('inbox:empty');
  const notice = optionalDisplayText(model.noticeText, TEXT_LIMITS.text);
  const page = pageOf(model);
  const paged = page !== undefined;
  const pageIds = paged
    ? model.items
        .slice(0, wanted)
        .map((item) => opaqueId(item.requestId, 'items[].requestId'))
        .join(',')
    : '';
  const items = model.items.slice(0, wanted).map((item, index) => {
    const requestId = opaqueId(item.requestId, 'items[].requestId');
    const target = displayText(item.targetName, TEXT_LIMITS.name) || t('approval:unnamed');
    const requester = displayText(item.requesterName, TEXT_LIMITS.name) || t('approval:unknownPerson');
    const requestedAt = displayText(item.requestedAtText, TEXT_LIMITS.shortText);
    const ticket = ticketText(item.ticketNumber, null, t);
    const justification = optionalDisplayText(item.justification, TEXT_LIMITS.justification);
    const errorText = optionalDisplayText(item.errorText, TEXT_LIMITS.message);
    const commentInputId = pendingCommentInputId(index);
    const decidedText = optionalDisplayText(item.decidedText, TEXT_LIMITS.message);
    const pageData: Record<string, string> = paged ? { page: String(page.index), pageIds } : {};
    return {
      targetName: target,
      requestedText: requestedAt
        ? t('inbox:requestedBy', { name: requester, time: requestedAt })
        : t('inbox:requestedByNoTime', { name: requester }),
      hints: hintLines(item.hints, t),
      durationText: displayText(item.durationText, TEXT_LIMITS.shortText) || NOTHING,
      hasTicket: ticket !== '',
      ticket,
      hasJustification: justification !== '',
      justification,
      expiresAtText: displayText(item.expiresAtText, TEXT_LIMITS.shortText) || NOTHING,
      hasError: errorText !== '',
      errorText,
      isDecided: decidedText !== '',
      decidedText,
      decidedColor: item.decidedDenied ? 'attention' : 'good',
      isOpen: decidedText === '',
      commentValue: optionalDisplayText(item.commentValue, APPROVAL_COMMENT_MAX_LENGTH),
      commentInputId,
      approveVerb: paged ? 'inboxApprove' : 'approve',
      denyVerb: paged ? 'inboxDeny' : 'deny',
      approveTooltip: t('inbox:approveTooltip', { requester, target }),
      denyTooltip: t('inbox:denyTooltip', { requester, target }),
      approveData: { pimbot: paged ? 'inboxApprove' : 'approve', requestId, commentInputId, ...pageData },
      denyData: { pimbot: paged ? 'inboxDeny' : 'deny', requestId, commentInputId, ...pageData },
    };
  });
  const refreshUserIds = (model.refreshUserIds ?? [])
    .slice(0, MAX_REFRESH_USERS)
    .map((id) => opaqueId(id, 'refreshUserIds[]'));
  const card = fitList(model.items.length, wanted, (listed) => {
    const more = model.items.length - listed;
    return expandCard(PENDING_APPROVALS_TEMPLATE, {
      title,
      hasNotice: notice !== '',
      noticeText: notice,
      isEmpty: model.items.length === 0,
      emptyText,
      items: items.slice(0, listed),
      hasMore: more > 0,
      moreText: more > 0 ? t('inbox:more', { count: more }) : '',
      hasPage: paged && page.total > 0,
      pageText: paged ? pageText(page, t) : '',
      hasPaging: paged && page.count > 1,
      hasPrevious: paged && page.index > 0,
      hasNext: paged && page.index < page.count - 1,
      previousData: { pimbot: 'inboxPage', page: String(paged ? page.index - 1 : 0) },
      nextData: { pimbot: 'inboxPage', page: String(paged ? page.index + 1 : 0) },
      labels: {
        duration: t('common:duration'),
        ticket: t('inbox:ticket'),
        justification: t('common:justification'),
        decideBy: t('inbox:decideBy'),
        commentLabel: t('inbox:commentLabel'),
        commentPlaceholder: t('inbox:commentPlaceholder'),
        approve: t('common:approve'),
        deny: t('common:deny'),
        previous: t('inbox:previous'),
        next: t('inbox:next'),
      },
    });
  });
  if (!paged || refreshUserIds.length === 0) return card;
  return {
    ...card,
    refresh: {
      action: {
        type: 'Action.Execute',
        title: t('approval:refresh'),
        verb: 'inboxPage',
        data: { pimbot: 'inboxPage', page: String(page.index) },
      },
      userIds: refreshUserIds,
    },
  };
}

function pageOf(model: PendingApprovalsCardModel): PendingApprovalsPage | undefined {
  const page = model.page;
  if (!page) return undefined;
  const count = Math.max(1, Math.floor(page.count));
  return { index: Math.min(Math.max(0, Math.floor(page.index)), count - 1), count, total: Math.max(0, page.total) };
}

/** "7 waiting · page 1 of 2" (one page: "3 waiting"). */
function pageText(page: PendingApprovalsPage, t: Translate): string {
  return page.count > 1
    ? t('inbox:waitingPage', { count: page.total, page: page.index + 1, pages: page.count })
    : t('inbox:waiting', { count: page.total });
}
