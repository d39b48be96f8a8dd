import type { ApprovalCardModel, ApprovalHint as CardHint, ApprovalState } from '../../cards';
import { APPROVAL_WINDOW_MS } from '../approvals/approval-timers';
import { formatDuration, formatTime, type Translate, translator } from '../i18n';
import type { ApprovalHint, PimRequest, RequestStatus } from '../requests/pim-request';
import type { Reader } from '../shared/local-time';
import { scopeWords } from './scope-text';

/** The approval card's state for where the request stands (an approved request stays "Approved" when it ends). */
const APPROVAL_STATE: Readonly<Record<RequestStatus, ApprovalState>> = {
  pendingApproval: 'pending',
  approved: 'approved',
  active: 'approved',
  expired: 'approved',
  deactivated: 'approved',
  denied: 'denied',
  timedOut: 'expired',
  canceled: 'canceled',
  failed: 'failed',
};

export interface ApprovalViewOptions {
  now: Date;
  /** Who reads the card (their time zone and locale); UTC and English when unknown. */
  reader?: Reader;
  /** Already in the reader's language (see decidedNote). */
  alreadyDecidedNote?: string;
  /** Already in the reader's language. */
  errorText?: string;
  commentValue?: string;
}

/** The approval card's view of a request, as of now, in the reader's language and time zone. */
export function approvalCardModel(request: PimRequest, options: ApprovalViewOptions): ApprovalCardModel {
  const reader = options.reader ?? {};
  const t = translator(reader.locale);
  const at = (iso: string) => formatTime(new Date(iso), reader.locale, reader.timeZone, options.now);
  const approval = request.approval;
  const decision = approval?.decision;
  return {
    requestId: request.id,
    kind: request.target.kind,
    requesterId: request.requester.aadObjectId,
    requesterName: request.requester.name,
    targetName: request.target.displayName,
    scopeText: scopeWords(request.target, t),
    durationText: formatDuration(request.durationMinutes, reader.locale),
    justification: request.justification ?? null,
    ticketNumber: request.ticket?.ticketNumber ?? null,
    ticketSystem: request.ticket?.ticketSystem ?? null,
    requestedAtText: at(request.requestedAt),
    expiresAtText: at(new Date(new Date(request.requestedAt).getTime() + APPROVAL_WINDOW_MS).toISOString()),
    hints: hintWords(approval?.hints ?? [], request.target.displayName, t),
    state: APPROVAL_STATE[request.status],
    decidedByName: decision?.by.name ?? null,
    decidedAtText: decision ? at(decision.at) : null,
    decisionComment: decision?.comment ?? null,
    alreadyDecidedNote: options.alreadyDecidedNote ?? null,
    errorText: options.errorText ?? null,
    commentValue: options.commentValue ?? null,
    approverIds: (approval?.approvers ?? []).map((a) => a.aadObjectId),
    approverMris: (approval?.approvers ?? []).map((a) => a.mri).filter((m): m is string => Boolean(m)),
  };
}

/**
 * The hints in the reader's words. `otherPending` overrides the stored count of the requester's other waiting
 * requests (the inbox knows how many wait now); 0 drops that hint.
 */
export function hintWords(
  hints: readonly ApprovalHint[],
  targetName: string,
  t: Translate,
  otherPending?: number,
): CardHint[] {
  const out: CardHint[] = [];
  for (const hint of hints) {
    const text = hintText(hint, targetName, t, otherPending);
    if (text) out.push({ kind: hint.kind, text });
  }
  return out;
}

function hintText(hint: ApprovalHint, name: string, t: Translate, otherPending?: number): string | undefined {
  switch (hint.kind) {
    case 'breakGlass':
      return t('approval:hint.breakGlass');
    case 'highPrivilege':
      return t('approval:hint.highPrivilege', { name });
    case 'outsideBusinessHours':
      return t('approval:hint.outsideBusinessHours');
    case 'firstTime':
      return t('approval:hint.firstTime', { name });
    case 'defaultApprovers':
      return t('approval:hint.defaultApprovers', { name });
    case 'severalRoles': {
      const count = otherPending ?? hint.count;
      if (count === undefined) return hint.text; // a record from before hints were codes
      return count > 0 ? t('approval:hint.severalRoles', { count }) : undefined;
    }
    default:
      return hint.text;
  }
}

/** "Already approved by Megan Bowen at 14:02 CET.", for an approver who clicked a stale card (their time, language). */
export function decidedNote(request: PimRequest, reader: Reader = {}, now: Date = new Date()): string | undefined {
  const t = translator(reader.locale);
  const state = APPROVAL_STATE[request.status];
  const decision = request.approval?.decision;
  if (state === 'approved' || state === 'denied') {
    const name = decision?.by.name || t('approval:note.anotherApprover');
    if (!decision) return t(state === 'approved' ? 'approval:note.approved' : 'approval:note.denied', { name });
    const time = formatTime(new Date(decision.at), reader.locale, reader.timeZone, now);
    return t(state === 'approved' ? 'approval:note.approvedAt' : 'approval:note.deniedAt', { name, time });
  }
  if (state === 'expired') return t('approval:note.expired');
  return undefined;
}
