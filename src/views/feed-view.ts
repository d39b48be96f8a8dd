import type { ActivationFeedCardModel, ActivationFeedState } from '../../cards';
import { formatDuration, formatTime, formattingLocale, translator } from '../i18n';
import type { PimRequest } from '../requests/pim-request';
import { agoText, spanText } from '../shared/relative-time';
import { scopeWords } from './scope-text';

/** What the feed card shows for where the request stands. */
export function feedState(request: PimRequest): ActivationFeedState {
  return request.status === 'expired' || request.status === 'deactivated' ? request.status : 'active';
}

/**
 * The channel feed card of an activation, in the language of the channel (its subscription's locale). A channel has many readers in many time zones: times are relative
 * ("2 min ago", "in 1 hr 20 mins") with the UTC time after them, as of when the card is posted or updated. The
 * justification and ticket were written for PIM and the approvers, not for everyone who reads the channel: they
 * are on the card only when `details` (the channel's subscription opted in with `subscribe … with details`).
 */
export function feedCardModel(
  request: PimRequest,
  options: { now: Date; locale?: string; details: boolean },
): ActivationFeedCardModel {
  const { now, locale } = options;
  const t = translator(locale);
  const intl = formattingLocale(locale);
  // Once it ended the state says so: the end and the deactivation are plain UTC times.
  const utc = (iso: string) => formatTime(new Date(iso), locale, 'UTC', now);
  const at = (iso: string) => {
    const when = new Date(iso);
    const relative =
      when.getTime() > now.getTime()
        ? t('feed:inSpan', { span: spanText(when.getTime() - now.getTime(), intl) })
        : agoText(when, now, intl);
    return t('feed:channelTime', { relative, utc: utc(iso) });
  };
  const startIso = request.activeFrom ?? request.requestedAt;
  const start = new Date(startIso);
  const end = request.activeUntil ? new Date(request.activeUntil) : null;
  const state = feedState(request);
  const details = options.details === true;
  const decision = request.approval?.decision;
  return {
    kind: request.target.kind,
    principalName: request.requester.name,
    principalUpn: request.requester.upn ?? null,
    targetName: request.target.displayName,
    scopeText: scopeWords(request.target, t),
    durationText: end
      ? formatDuration(Math.max(0, end.getTime() - start.getTime()) / 60_000, locale)
      : t('feed:noEndDate'),
    justification: details ? (request.justification ?? null) : null,
    ticketNumber: details ? (request.ticket?.ticketNumber ?? null) : null,
    ticketSystem: details ? (request.ticket?.ticketSystem ?? null) : null,
    // Decided by someone the request does not name: still an approval, worded in the channel's language.
    approverName: decision ? decision.by.name || t('approval:note.anotherApprover') : null,
    source: request.source,
    startText: at(startIso),
    endText: request.activeUntil ? (state === 'active' ? at : utc)(request.activeUntil) : t('feed:noEndDate'),
    state,
    endedAtText: state !== 'active' && request.endedAt ? utc(request.endedAt) : null,
    urgent: request.feed?.urgent ?? false,
  };
}
