import type { QueuedActivationCardModel } from '../../cards';
import type { QueuedActivation } from '../activation/queued-activation';
import { describeMinutes } from '../pim/iso-duration';
import { targetKey } from '../pim/target-key';
import { formatLocalTime } from '../shared/local-time';

/** The card of an activation queued to follow a running one, in the requester's time zone. */
export function queuedActivationModel(queued: QueuedActivation, now: Date): QueuedActivationCardModel {
  return {
    state: queued.state,
    targetName: queued.target.displayName,
    startsAtText: formatLocalTime(new Date(queued.startAt), queued.chat.timeZone, queued.chat.locale, now),
    durationText: describeMinutes(queued.durationMinutes),
    problem: queued.problem,
    requestId: queued.id,
    targetKey: targetKey(queued.target),
  };
}
