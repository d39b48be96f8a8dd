import { requestTarget, sameId } from '../pim/graph-wire';
import type { AssignmentInstance, PimTargetRef, ScheduleRequest } from '../pim/pim-types';
import type { PimRequest } from '../requests/pim-request';

/**
 * What the activation watcher makes of the requests and instances it reads: which requests are
 * activations to announce, which may still become one, and which instance an announced activation is.
 */

/** Slack when comparing an instance's start with the announced start (clock skew, rounding). */
export const SAME_START_TOLERANCE_MS = 2 * 60_000;

const ANNOUNCED_ACTIONS = new Set(['selfactivate', 'adminassign']);
const ANNOUNCED_STATUSES = new Set(['provisioned', 'granted']);
const ENDING_ACTIONS = new Set(['selfdeactivate', 'adminremove']);
const FAILED_STATUSES = new Set(['failed', 'denied', 'canceled']);

/** When a request took effect: the latest of created, completed (approved) and its scheduled start. */
export function effectiveAt(r: ScheduleRequest): Date {
  const times = [r.createdDateTime, r.completedDateTime, r.startDateTime]
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime());
  return new Date(times.length > 0 ? Math.max(...times) : 0);
}

/** Same role at the same scope, or same group and access; ids case-insensitively. */
export function sameTargetIds(a: PimTargetRef, b: PimTargetRef): boolean {
  if (a.kind === 'role' && b.kind === 'role')
    return (
      sameId(a.roleDefinitionId, b.roleDefinitionId) &&
      (a.directoryScopeId || '/').toLowerCase() === (b.directoryScopeId || '/').toLowerCase()
    );
  if (a.kind === 'group' && b.kind === 'group') return sameId(a.groupId, b.groupId) && a.accessId === b.accessId;
  return false;
}

/** Still on its way: waiting for approval or provisioning, or granted to start later. */
export function mayBecomeAnnounceable(r: ScheduleRequest, now: Date): boolean {
  if (r.isValidationOnly || !ANNOUNCED_ACTIONS.has(r.action.toLowerCase())) return false;
  const status = r.status.toLowerCase();
  if (status === 'granted') return r.startDateTime !== null && r.startDateTime > now;
  return status.startsWith('pending') || status === 'schedulecreated';
}

export function isAnnounceable(r: ScheduleRequest, now: Date): boolean {
  if (r.isValidationOnly || !r.id || !r.principalId) return false;
  if (!ANNOUNCED_ACTIONS.has(r.action.toLowerCase()) || !ANNOUNCED_STATUSES.has(r.status.toLowerCase())) return false;
  // Granted with a later start: announced once it starts.
  return r.startDateTime === null || r.startDateTime <= now;
}

/**
 * The instance of an announced activation: the same schedule; or, when the ids do not line up, the same
 * principal and target, started no earlier than the announced start and before its planned end (PIM
 * allows one activation per principal and target at a time; an approval can start it later than asked).
 */
export function isInstanceOf(i: AssignmentInstance, a: PimRequest): boolean {
  if (!sameId(i.principalId, a.requester.aadObjectId)) return false;
  if (a.scheduleId && sameId(i.scheduleId, a.scheduleId)) return true;
  if (!sameTargetIds(i.target, a.target) || !i.startDateTime || i.memberType?.toLowerCase() === 'group') return false;
  const start = i.startDateTime.getTime();
  if (start < Date.parse(a.activeFrom ?? a.requestedAt) - SAME_START_TOLERANCE_MS) return false;
  return !a.activeUntil || start < Date.parse(a.activeUntil);
}

/** When the activation was ended early, from a selfDeactivate/adminRemove request seen in this tick. */
export function deactivationTime(a: PimRequest, requests: readonly ScheduleRequest[]): Date | undefined {
  const start = Date.parse(a.activeFrom ?? a.requestedAt);
  let earliest: Date | undefined;
  for (const r of requests) {
    if (!ENDING_ACTIONS.has(r.action.toLowerCase()) || FAILED_STATUSES.has(r.status.toLowerCase())) continue;
    if (r.isValidationOnly || !r.createdDateTime || !sameId(r.principalId, a.requester.aadObjectId)) continue;
    const sameSchedule = a.scheduleId !== undefined && sameId(r.targetScheduleId, a.scheduleId);
    if (!sameSchedule && !sameTargetIds(requestTarget(r), a.target)) continue;
    if (r.createdDateTime.getTime() < start) continue;
    if (!earliest || r.createdDateTime < earliest) earliest = r.createdDateTime;
  }
  return earliest;
}
