/**
 * The shapes of a job: as scheduled (Job), as a handler receives it (RunningJob), and as it lies in the
 * dead-letter queue once given up (DeadLetter). JobQueue re-exports them; importers use './job-queue'.
 */

export interface Job<Payload = unknown> {
  /** Which handler runs it, e.g. "approval.remind". */
  type: string;
  /** The job's own id, for logs and for the handler's idempotency checks, e.g. the request id. */
  id: string;
  /** JSON; ids only. */
  payload: Payload;
}

export interface RunningJob<Payload = unknown> extends Job<Payload> {
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** When the job was scheduled. */
  scheduledAt?: Date;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers narrow the payload themselves
export type JobHandler = (job: RunningJob<any>) => Promise<void>;

/** What a dead-lettered message holds: the job plus why it was given up. */
export interface DeadLetter extends Job {
  deadLetter: { reason: string; attempts: number; at: string; messageId: string };
}
