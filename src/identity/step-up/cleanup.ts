import type { KeyValueStore } from '../../store/key-value-store';
import type { DueJobHandler, Scheduler } from '../../scheduler/scheduler';
import { STEP_UP_STORAGE_PREFIX } from './sessions';

export const STEP_UP_CLEANUP_JOB = 'stepup.expire';

/**
 * Deletes a pending step-up item (sealed session, waiting conversation) once it has expired, so
 * sign-ins that were never finished do not stay in storage. Only keys under the step-up prefix.
 */
export function stepUpCleanup(storage: KeyValueStore, scheduler: Scheduler) {
  return {
    onStored: (storageKey: string, expiresAt: Date) =>
      scheduler.at(new Date(expiresAt.getTime() + 1_000), {
        type: STEP_UP_CLEANUP_JOB,
        id: storageKey.slice(STEP_UP_STORAGE_PREFIX.length),
        payload: null,
      }),
    jobHandlers: (): Record<string, DueJobHandler> => ({
      [STEP_UP_CLEANUP_JOB]: async (job) => {
        await storage.delete([`${STEP_UP_STORAGE_PREFIX}${job.id}`]);
      },
    }),
  };
}
