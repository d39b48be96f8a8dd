import type { Job, RunningJob } from './job-queue';

export type { Job, RunningJob };

/**
 * A job handler. Delivery is at least once (an instance can stop mid-job and the job runs again
 * elsewhere), so handlers check the current state and change it with compare-and-swap: a second run
 * must do nothing. Throwing means "try again later"; after the scheduler's attempts it is dead-lettered.
 */
export type DueJobHandler = (job: RunningJob<unknown>) => Promise<void>;

/**
 * Work that must happen at a time, on whichever instance is up then: approval reminders, the status
 * follow-up until PIM has provisioned an activation, expiry warnings. `dueAt` is on the app's clock
 * (the demo and the tests run the simulator's clock), so a scheduler checks due-ness with that clock
 * rather than trusting its transport's delay alone.
 */
export interface Scheduler {
  /** Runs `job` once at `dueAt` (or as soon as possible if that is past). Payloads hold ids only. */
  at(dueAt: Date, job: Job): Promise<void>;
  start(handlers: Record<string, DueJobHandler>): void;
  /** Stops taking jobs and waits for those running on this instance. */
  stop(): Promise<void>;
}

/** The envelope both schedulers keep: when the job is due (app clock) and its own payload. */
export interface DuePayload {
  dueAt: string;
  data: unknown;
}

export function isDuePayload(value: unknown): value is DuePayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DuePayload).dueAt === 'string' &&
    !Number.isNaN(Date.parse((value as DuePayload).dueAt))
  );
}
