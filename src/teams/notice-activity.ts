import { type Activity, CardFactory, MessageFactory } from 'botbuilder';
import {
  type AdaptiveCard,
  activationFeedCard,
  approvalCard,
  expiryWarningCard,
  queuedActivationCard,
  statusCard,
} from '../../cards';
import type { ConversationAddress, Notice } from '../notifications/messenger';
import type { Reader } from '../shared/local-time';
import { approvalCardModel } from '../views/approval-view';
import { expiryWarningModel } from '../views/expiry-view';
import { feedCardModel } from '../views/feed-view';
import { decidedText, reminderText } from '../views/notice-text';
import { plainMessage } from '../views/plain-message';
import { queuedActivationModel } from '../views/queued-activation-view';
import { requestStatusModel } from '../views/status-view';

export interface NoticeRendering {
  now: Date;
  /**
   * Who reads it (their remembered time zone and locale, see UserPreferencesStore); unknown → the requester's
   * chat zone and locale for the requester's own cards, else UTC and English. Channel feed cards ignore it
   * (relative time + UTC, in the language of the channel's subscription).
   */
  reader?: Reader;
}

/**
 * Whose card a notice is, for their time zone: the approver it is addressed to, the requester for their own
 * status and warnings, else the person of the 1:1 chat it goes into; none for a channel.
 */
export function noticeReaderId(notice: Notice, to?: ConversationAddress): string | undefined {
  switch (notice.kind) {
    case 'approvalCard':
      return notice.viewerId ?? personOf(to);
    case 'requestStatus':
    case 'requestDecided':
    case 'expiryWarning':
      return notice.request.requester.aadObjectId;
    case 'approvalReminder':
      return personOf(to);
    case 'queuedActivation':
      return notice.queued.userId;
    case 'feedCard':
      return undefined;
  }
}

function personOf(to: ConversationAddress | undefined): string | undefined {
  return to?.conversation?.conversationType === 'channel' ? undefined : to?.user?.aadObjectId;
}

/** A notice as Teams shows it: the card (or message) for its reader. */
export function noticeActivity(notice: Notice, options: NoticeRendering): Partial<Activity> {
  const { now } = options;
  const reader = options.reader ?? {};
  // The requester's own notices: what they read now, else the chat they asked in.
  const requesterLocale = () =>
    options.reader?.locale ?? ('request' in notice ? notice.request.chat?.locale : undefined);
  switch (notice.kind) {
    case 'approvalCard':
      return cardActivity(
        approvalCard(approvalCardModel(notice.request, { now, reader }), {
          aadObjectId: notice.viewerId,
          locale: reader.locale,
        }),
      );
    case 'requestStatus':
      return cardActivity(
        statusCard(requestStatusModel(notice.request, { now, reader: options.reader }), {
          aadObjectId: notice.request.requester.aadObjectId,
          locale: requesterLocale(),
        }),
      );
    case 'approvalReminder':
      return plainMessage(reminderText(notice.request, reader.locale));
    case 'requestDecided': {
      const text = decidedText(notice.request, requesterLocale());
      if (!text) throw new TypeError(`Request ${notice.request.id} is not decided (${notice.request.status}).`);
      return plainMessage(text);
    }
    case 'expiryWarning':
      return cardActivity(
        expiryWarningCard(
          expiryWarningModel(notice.request, notice.endsAt, notice.remainingMinutes, now, options.reader),
          { locale: requesterLocale() },
        ),
      );
    case 'feedCard':
      return cardActivity(
        activationFeedCard(feedCardModel(notice.request, { now, details: notice.details, locale: notice.locale }), {
          locale: notice.locale,
        }),
      );
    case 'queuedActivation':
      return cardActivity(
        queuedActivationCard(queuedActivationModel(notice.queued, now), {
          locale: options.reader?.locale ?? notice.queued.chat.locale,
        }),
      );
  }
}

export function cardActivity(card: AdaptiveCard): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}
