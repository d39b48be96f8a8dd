import type { PendingApprovalItem, PendingApprovalsCardModel } from '../../cards';
import type { InboxEntry, InboxPage } from '../approvals/approval-inbox';
import { APPROVAL_WINDOW_MS } from '../approvals/approval-timers';
import { formatDuration, formatTime, type Translate, translator } from '../i18n';
import { isoDurationToMinutes } from '../pim/iso-duration';
import type { Reader } from '../shared/local-time';
import { hintWords } from './approval-view';

/** An item decided from this inbox card, shown in its place: 'Approved by you at 14:02 CET.' */
export interface InboxDecidedItem {
  requestId: string;
  /** Where it was on the card (0-based), so it stays there. */
  position: number;
  targetName: string;
  requesterName: string;
  text: string;
  denied: boolean;
}

/** A decision from the inbox that did not happen: the item keeps its buttons, with why and what was typed. */
export interface InboxItemError {
  requestId: string;
  text: string;
  commentValue?: string;
}

export interface InboxViewOptions {
  now: Date;
  reader: Reader;
  noticeText?: string;
  decided?: InboxDecidedItem;
  error?: InboxItemError;
  /**
   * The ids the card showed before the click (its `pageIds`): those still waiting keep their place, the
   * decided one stays in place as decided; the page is not refilled from the next one under the approver.
   */
  shownIds?: readonly string[];
  /** Everything still waiting (with `shownIds`: where the shown ones are looked up). */
  all?: readonly InboxEntry[];
  /** The approver's Teams id ('29:…'): the card refreshes itself for them when viewed (pendingApprovalsCard). */
  viewerId?: string;
}

/** The inbox card for one page, times in the approver's time zone. */
export function inboxCardModel(page: InboxPage, options: InboxViewOptions): PendingApprovalsCardModel {
  const decided = options.decided;
  const shown = options.shownIds?.filter((id) => !decided || !sameId(id, decided.requestId));
  const entries = shown ? keptInPlace(options.all ?? page.entries, shown) : page.entries;
  // Everything still waiting: given, or this page when it holds it all (what the hints count among).
  const waiting = options.all ?? (page.entries.length === page.total ? page.entries : undefined);
  const items: PendingApprovalItem[] = entries.map((entry) => {
    const item = inboxItem(entry, options, waiting);
    return options.error && sameId(options.error.requestId, entry.request.id)
      ? { ...item, errorText: options.error.text, commentValue: options.error.commentValue ?? null }
      : item;
  });
  if (decided) {
    items.splice(Math.min(decided.position, items.length), 0, {
      requestId: decided.requestId,
      requesterName: decided.requesterName,
      targetName: decided.targetName,
      durationText: '',
      requestedAtText: '',
      expiresAtText: '',
      decidedText: decided.text,
      decidedDenied: decided.denied,
    });
  }
  return {
    items,
    noticeText: options.noticeText ?? null,
    page: { index: page.index, count: page.count, total: page.total },
    refreshUserIds: options.viewerId ? [options.viewerId] : null,
  };
}

/** The rows of the inbox (also for callers without paging), in the reader's language and time zone. */
export function inboxItems(
  entries: readonly InboxEntry[],
  options: { now: Date; reader: Reader },
): PendingApprovalItem[] {
  return entries.map((entry) => inboxItem(entry, options, entries));
}

/**
 * One row. With `all` (everything still waiting for this approver), the "other requests waiting" hint counts the
 * requester's others among them now, so it follows the decisions made since the request came in.
 */
function inboxItem(
  entry: InboxEntry,
  options: { now: Date; reader: Reader },
  all?: readonly InboxEntry[],
): PendingApprovalItem {
  const { request, tracked } = entry;
  const { now, reader } = options;
  const t = translator(reader.locale);
  const { requesterName, targetName } = entryNames(entry, t);
  const at = (when: Date) => formatTime(when, reader.locale, reader.timeZone, now);
  const requested = request.createdDateTime ?? now;
  const minutes = tracked?.durationMinutes ?? (request.duration ? isoDurationToMinutes(request.duration) : undefined);
  const others = all
    ? all.filter((e) => !sameId(e.request.id, request.id) && sameId(e.request.principalId, request.principalId)).length
    : undefined;
  return {
    requestId: request.id,
    requesterName,
    targetName,
    durationText: minutes !== undefined ? formatDuration(minutes, reader.locale) : t('inbox:noEndDate'),
    justification: request.justification,
    ticketNumber: request.ticket?.ticketNumber ?? null,
    requestedAtText: at(requested),
    expiresAtText: at(new Date(requested.getTime() + APPROVAL_WINDOW_MS)),
    hints: tracked?.approval ? hintWords(tracked.approval.hints, tracked.target.displayName, t, others) : null,
  };
}

/** The names an inbox item shows: what Graph and the directory said, in words when they said nothing. */
export function entryNames(entry: InboxEntry, t: Translate): { requesterName: string; targetName: string } {
  const kind = entry.request.kind;
  const target = entry.targetName
    ? entry.owner
      ? t('inbox:groupOwner', { name: entry.targetName })
      : entry.targetName
    : t(kind === 'group' ? 'inbox:unknownGroup' : 'inbox:unknownRole');
  return { requesterName: entry.requesterName || t('inbox:unknownRequester'), targetName: target };
}

/** The entries of `shownIds` that still wait, in the order the card showed them. */
function keptInPlace(all: readonly InboxEntry[], shownIds: readonly string[]): InboxEntry[] {
  return shownIds
    .map((id) => all.find((e) => sameId(e.request.id, id)))
    .filter((e): e is InboxEntry => e !== undefined);
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
