import type { ActiveItem } from '../../cards';
import { type AssignmentInstance, isActivated } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import { type Reader, readerTime } from '../shared/local-time';
import { timeLeftText } from '../shared/relative-time';

/**
 * Rows of the active-roles card: time left first ("1 hr 20 mins left"), then the end in the reader's time
 * zone ("until 15:22 CET"). `now` is the bot's clock (the tenant's in tests); default the real one.
 */
export function activeItems(active: readonly AssignmentInstance[], reader: Reader & { now?: Date }): ActiveItem[] {
  const now = reader.now ?? new Date();
  return active.map((a) => ({
    key: targetKey(a.target),
    name: a.target.displayName,
    untilText: a.endDateTime
      ? `${timeLeftText(a.endDateTime, now, reader.locale)} (until ${readerTime(a.endDateTime, reader, now)})`
      : 'permanent',
    canDeactivate: isActivated(a),
    note: isActivated(a) ? undefined : 'Permanent assignment',
  }));
}
