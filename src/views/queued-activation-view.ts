import type { QueuedActivationCardModel } from '../../cards';
import type { QueuedActivation } from '../activation/queued-activation';
import { targetKey } from '../pim/target-key';
import { formatDuration, formatTime } from '../i18n';

/** The card of an activation queued to follow a running one, in the requester's time zone and language. */
export function queuedActivationModel(queued: QueuedActivation, now: Date): QueuedActivationCardModel {
  return {
    state: queued.state,
    targetName: queued.target.displayName,
    startsAtText: formatTime(new Date(queued.startAt), queued.chat.locale, queued.chat.timeZone, now),
    durationText: formatDuration(queued.durationMinutes, queued.chat.locale),
    problem: queued.problem,
    requestId: queued.id,
    targetKey: targetKey(queued.target),
  };
}
