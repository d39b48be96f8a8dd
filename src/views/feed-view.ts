import type { ActivationFeedCardModel, ActivationFeedState } from '../../cards';
import { describeMinutes } from '../pim/iso-duration';
import type { PimRequest } from '../requests/pim-request';
import { formatLocalTime } from '../shared/local-time';
import { channelTimeText } from '../shared/relative-time';
import { scopeText } from './scope-text';

/** What the feed card shows for where the request stands. */
export function feedState(request: PimRequest): ActivationFeedState {
  return request.status === 'expired' || request.status === 'deactivated' ? request.status : 'active';
}

/**
 * The channel feed card of an activation. A channel has many readers in many time zones: times are relative
 * ("2 min ago", "in 1 hr 20 mins") with the UTC time after them, as of when the card is posted or updated. The
 * justification and ticket were written for PIM and the approvers, not for everyone who reads the channel: they
 * are on the card only when `details` (the channel's subscription opted in with `subscribe … with details`).
 */
export function feedCardModel(
  request: PimRequest,
  options: { now: Date; locale?: string; details: boolean },
): ActivationFeedCardModel {
  const at = (iso: string) => channelTimeText(new Date(iso), options.now, options.locale);
  // Once it ended the state says so: the end and the deactivation are plain UTC times.
  const utc = (iso: string) => formatLocalTime(new Date(iso), 'UTC', options.locale, options.now);
  const startIso = request.activeFrom ?? request.requestedAt;
  const start = new Date(startIso);
  const end = request.activeUntil ? new Date(request.activeUntil) : null;
  const state = feedState(request);
  const details = options.details === true;
  return {
    kind: request.target.kind,
    principalName: request.requester.name,
    principalUpn: request.requester.upn ?? null,
    targetName: request.target.displayName,
    scopeText: scopeText(request.target),
    durationText: end ? describeMinutes(Math.max(0, end.getTime() - start.getTime()) / 60_000) : 'No end date',
    justification: details ? (request.justification ?? null) : null,
    ticketNumber: details ? (request.ticket?.ticketNumber ?? null) : null,
    ticketSystem: details ? (request.ticket?.ticketSystem ?? null) : null,
    approverName: request.approval?.decision?.by.name ?? null,
    source: request.source,
    startText: at(startIso),
    endText: request.activeUntil ? (state === 'active' ? at : utc)(request.activeUntil) : 'No end date',
    state,
    endedAtText: state !== 'active' && request.endedAt ? utc(request.endedAt) : null,
    urgent: request.feed?.urgent ?? false,
  };
}
