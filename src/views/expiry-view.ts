import type { ExpiryWarningCardModel } from '../../cards';
import { describeMinutes } from '../pim/iso-duration';
import { targetKey } from '../pim/target-key';
import type { PimRequest } from '../requests/pim-request';
import { formatLocalTime } from '../shared/local-time';

/** The warning N minutes before an activation ends (Deactivate now / Activate again). */
export function expiryWarningModel(
  request: PimRequest,
  endsAt: Date,
  remainingMinutes: number,
  now: Date,
): ExpiryWarningCardModel {
  return {
    targetName: request.target.displayName,
    endsAtText: formatLocalTime(endsAt, request.chat?.timeZone, request.chat?.locale, now),
    remainingText: describeMinutes(remainingMinutes),
    justification: request.justification,
    ticketNumber: request.ticket?.ticketNumber,
    targetKey: targetKey(request.target),
    requestId: request.id,
  };
}
