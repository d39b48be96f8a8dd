import type { StatusCardModel, StatusFailure } from '../../cards';
import { describeMinutes } from '../pim/iso-duration';
import type { PimTarget, TicketInfo } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import type { PimRequest } from '../requests/pim-request';
import { type Reader, readerTime } from '../shared/local-time';

/** What the requester asked for, before PIM answered. */
export interface RequestDraft {
  target: PimTarget;
  durationMinutes: number;
  justification?: string;
  ticket?: TicketInfo;
}

/** The status card while the request is on its way to PIM, or when PIM refused it. */
export function draftStatusModel(
  draft: RequestDraft,
  state: 'submitting' | 'failed',
  failure?: StatusFailure,
): StatusCardModel {
  return { ...facts(draft), state, failure: failure ?? null };
}

export interface StatusViewOptions {
  now: Date;
  /** The requester as they read now (remembered preferences); default: the zone of the chat they asked in. */
  reader?: Reader;
  /** Shown while waiting for approval instead of the approvers' names (e.g. who the policy names). */
  pendingText?: string;
}

/** The requester's status card for a tracked request, as of now. */
export function requestStatusModel(request: PimRequest, options: StatusViewOptions): StatusCardModel {
  const { now } = options;
  const chat = request.chat;
  const reader = {
    timeZone: options.reader?.timeZone ?? chat?.timeZone,
    locale: options.reader?.locale ?? chat?.locale,
  };
  const at = (iso: string) => readerTime(iso, reader, now);
  const base: StatusCardModel = { ...facts(request), state: 'pendingApproval' };
  const decision = request.approval?.decision;
  const by = decision ? ` by ${decision.by.name}` : '';
  const owner = { ownerAadObjectId: request.requester.aadObjectId };
  switch (request.status) {
    case 'pendingApproval': {
      const approvers = (request.approval?.approvers ?? []).map((a) => a.name).join(' or ');
      return {
        ...base,
        ...owner,
        approversText: options.pendingText ?? (approvers ? `Waiting for ${approvers}.` : null),
        // Only the requester sees it; the bot checks the clicker again (the card can be forwarded).
        cancelRequestId: request.id,
      };
    }
    case 'approved':
      return { ...base, approversText: `Approved${by}; PIM is activating it.` };
    case 'active':
      return {
        ...base,
        ...owner,
        state: 'active',
        approversText: decision ? `Approved${by}.` : null,
        activeUntilText: request.activeUntil ? at(request.activeUntil) : 'no end date',
        deactivateKey: targetKey(request.target),
      };
    case 'denied':
      return {
        ...base,
        state: 'denied',
        approversText: `Denied${by}.`,
        updatedText: decision?.comment ? `Reason: ${decision.comment}` : null,
      };
    case 'timedOut':
      return {
        ...base,
        state: 'expired',
        approversText: 'Nobody decided within 24 hours, so PIM let the request expire.',
        updatedText: 'Ask again if you still need it.',
      };
    case 'canceled':
      return { ...base, state: 'canceled', updatedText: 'Cancelled by the requester; nothing was activated.' };
    case 'failed':
      return {
        ...base,
        state: 'failed',
        failure: { message: 'PIM could not complete the request.', fix: 'Ask again.' },
      };
    case 'expired':
    case 'deactivated': {
      const ended = request.endedAt ? ` ${at(request.endedAt)}` : '';
      return {
        ...base,
        ...owner,
        state: request.status,
        activateAgainKey: targetKey(request.target),
        activateAgainRequestId: request.id,
        updatedText: `${request.status === 'expired' ? 'Ended' : 'Deactivated'}${ended}.`,
      };
    }
  }
}

function facts(draft: RequestDraft): StatusCardModel {
  return {
    state: 'submitting',
    targetName: draft.target.displayName,
    durationText: draft.durationMinutes ? describeMinutes(draft.durationMinutes) : '',
    justification: draft.justification ?? null,
    ticketNumber: draft.ticket?.ticketNumber ?? null,
  };
}
