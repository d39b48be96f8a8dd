import type { ActiveItem } from '../../cards';
import { type AssignmentInstance, isActivated } from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import { formatLocalTime } from '../shared/local-time';

/** Rows of the active-roles card, ends in the reader's time zone. */
export function activeItems(
  active: readonly AssignmentInstance[],
  reader: { timeZone?: string; locale?: string },
): ActiveItem[] {
  return active.map((a) => ({
    key: targetKey(a.target),
    name: a.target.displayName,
    untilText: a.endDateTime
      ? formatLocalTime(a.endDateTime, reader.timeZone, reader.locale, a.startDateTime ?? undefined)
      : 'permanent',
    canDeactivate: isActivated(a),
    note: isActivated(a) ? undefined : 'Permanent assignment',
  }));
}
