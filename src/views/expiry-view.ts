import type { ExpiryWarningCardModel } from '../../cards';
import { formatDuration } from '../i18n';
import { targetKey } from '../pim/target-key';
import type { PimRequest } from '../requests/pim-request';
import { type Reader, readerTime } from '../shared/local-time';

/** The warning N minutes before an activation ends (Deactivate now / Activate again). */
export function expiryWarningModel(
  request: PimRequest,
  endsAt: Date,
  remainingMinutes: number,
  now: Date,
  reader: Reader = {},
): ExpiryWarningCardModel {
  const zone = { timeZone: reader.timeZone ?? request.chat?.timeZone, locale: reader.locale ?? request.chat?.locale };
  return {
    targetName: request.target.displayName,
    endsAtText: readerTime(endsAt, zone, now),
    remainingText: formatDuration(remainingMinutes, zone.locale),
    justification: request.justification,
    ticketNumber: request.ticket?.ticketNumber,
    targetKey: targetKey(request.target),
    requestId: request.id,
  };
}
