import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import {
  type AdaptiveCard,
  activationFeedCard,
  approvalCard,
  expiryWarningCard,
  queuedActivationCard,
  statusCard,
} from '../../cards';
import type { Notice } from '../notifications/messenger';
import { approvalCardModel } from '../views/approval-view';
import { expiryWarningModel } from '../views/expiry-view';
import { feedCardModel } from '../views/feed-view';
import { decidedText, reminderText } from '../views/notice-text';
import { plainMessage } from '../views/plain-message';
import { queuedActivationModel } from '../views/queued-activation-view';
import { requestStatusModel } from '../views/status-view';

export interface NoticeRendering {
  now: Date;
  /** IANA time zone of the times on channel feed cards (a channel has no single reader). Default UTC. */
  feedTimeZone?: string;
}

/** A notice as Teams shows it: the card (or message) for its reader. */
export function noticeActivity(notice: Notice, options: NoticeRendering): Partial<Activity> {
  const { now } = options;
  switch (notice.kind) {
    case 'approvalCard':
      return cardActivity(approvalCard(approvalCardModel(notice.request, { now }), { aadObjectId: notice.viewerId }));
    case 'requestStatus':
      return cardActivity(
        statusCard(requestStatusModel(notice.request, { now }), { aadObjectId: notice.request.requester.aadObjectId }),
      );
    case 'approvalReminder':
      return plainMessage(reminderText(notice.request));
    case 'requestDecided': {
      const text = decidedText(notice.request);
      if (!text) throw new TypeError(`Request ${notice.request.id} is not decided (${notice.request.status}).`);
      return plainMessage(text);
    }
    case 'expiryWarning':
      return cardActivity(
        expiryWarningCard(expiryWarningModel(notice.request, notice.endsAt, notice.remainingMinutes, now)),
      );
    case 'feedCard':
      return cardActivity(
        activationFeedCard(
          feedCardModel(notice.request, { now, timeZone: options.feedTimeZone, details: notice.details }),
          {},
        ),
      );
    case 'queuedActivation':
      return cardActivity(queuedActivationCard(queuedActivationModel(notice.queued, now)));
  }
}

export function cardActivity(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}
