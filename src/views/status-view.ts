import type { StatusCardModel, StatusFailure } from '../../cards';
import { formatDuration, formatTime, formattingLocale, translator } from '../i18n';
import type { PimTarget, TicketInfo } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import type { PimRequest } from '../requests/pim-request';
import type { Reader } from '../shared/local-time';

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
  locale?: string,
): StatusCardModel {
  return { ...facts(draft, locale), state, failure: failure ?? null };
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
  const t = translator(reader.locale);
  const at = (iso: string) => formatTime(new Date(iso), reader.locale, reader.timeZone, now);
  const base: StatusCardModel = { ...facts(request, reader.locale), state: 'pendingApproval' };
  const decision = request.approval?.decision;
  const by = decision?.by.name;
  const owner = { ownerAadObjectId: request.requester.aadObjectId };
  switch (request.status) {
    case 'pendingApproval': {
      const names = (request.approval?.approvers ?? []).map((a) => a.name);
      const list = new Intl.ListFormat(formattingLocale(reader.locale), { type: 'disjunction' }).format(names);
      return {
        ...base,
        ...owner,
        approversText: options.pendingText ?? (names.length ? t('requestStatus:waitingFor', { names: list }) : null),
        // Only the requester sees it; the bot checks the clicker again (the card can be forwarded).
        cancelRequestId: request.id,
      };
    }
    case 'approved':
      return {
        ...base,
        approversText: by
          ? t('requestStatus:approvedActivating', { name: by })
          : t('requestStatus:approvedActivatingNoName'),
      };
    case 'active':
      return {
        ...base,
        ...owner,
        state: 'active',
        approversText: decision
          ? by
            ? t('requestStatus:approvedBy', { name: by })
            : t('requestStatus:approved')
          : null,
        activeUntilText: request.activeUntil ? at(request.activeUntil) : t('requestStatus:noEndDate'),
        deactivateKey: targetKey(request.target),
      };
    case 'denied':
      return {
        ...base,
        state: 'denied',
        approversText: by ? t('requestStatus:deniedBy', { name: by }) : t('requestStatus:denied'),
        updatedText: decision?.comment ? t('requestStatus:reason', { reason: decision.comment }) : null,
      };
    case 'timedOut':
      return {
        ...base,
        state: 'expired',
        approversText: t('requestStatus:timedOut'),
        updatedText: t('requestStatus:askAgainIfNeeded'),
      };
    case 'canceled':
      return { ...base, state: 'canceled', updatedText: t('requestStatus:canceled') };
    case 'failed':
      return {
        ...base,
        state: 'failed',
        failure: { message: t('requestStatus:failedMessage'), fix: t('requestStatus:failedFix') },
      };
    case 'expired':
    case 'deactivated': {
      const time = request.endedAt ? at(request.endedAt) : undefined;
      const expired = request.status === 'expired';
      return {
        ...base,
        ...owner,
        state: request.status,
        activateAgainKey: targetKey(request.target),
        activateAgainRequestId: request.id,
        updatedText: time
          ? t(expired ? 'requestStatus:endedAt' : 'requestStatus:deactivatedAt', { time })
          : t(expired ? 'requestStatus:ended' : 'requestStatus:deactivated'),
      };
    }
  }
}

function facts(draft: RequestDraft, locale?: string): StatusCardModel {
  return {
    state: 'submitting',
    targetName: draft.target.displayName,
    durationText: draft.durationMinutes ? formatDuration(draft.durationMinutes, locale) : '',
    justification: draft.justification ?? null,
    ticketNumber: draft.ticket?.ticketNumber ?? null,
  };
}
