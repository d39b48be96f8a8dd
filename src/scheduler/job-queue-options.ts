import type { StorageAccountOption } from '../azure/storage-account';
import { MAX_DELAY_SECONDS } from './job-message';
import type { SchedulerLogger } from './support';

/**
 * JobQueue's options, and their checks. A bad option throws from the constructor, at startup, rather
 * than surfacing as a storage error or a busy loop once jobs are running.
 */

/** The account: `account` (a connection string or endpoints + token credential) or `connectionString`. */
export interface JobQueueOptions extends StorageAccountOption {
  /** 3-63 characters: lower-case letters, digits and single hyphens, e.g. "pimbot-jobs". */
  queueName: string;
  /** Where jobs go after maxAttempts; default `${queueName}-poison`. */
  deadLetterQueueName?: string;
  /** Runs of a job before it is dead-lettered (default 5). */
  maxAttempts?: number;
  /** How long a received job stays hidden from other instances; extended while its handler runs (default 30). */
  visibilityTimeoutSeconds?: number;
  /** When a failed job runs again (default: visibilityTimeoutSeconds). */
  retryDelaySeconds?: number;
  /** Wait between polls of an empty queue (default 5000). */
  pollIntervalMs?: number;
  /** While the queue stays empty the wait doubles up to this (default: pollIntervalMs, no back-off). */
  maxPollIntervalMs?: number;
  /** Jobs run at once by this instance (default 4, at most 32). */
  concurrency?: number;
  /**
   * Called after each receive from the queue, before its jobs start: for monitoring, and for tests that wait
   * for "the next poll" instead of sleeping. Changes nothing in the loop; a throw is logged and ignored.
   */
  onPoll?: (poll: JobQueuePoll) => void;
  logger: SchedulerLogger;
}

/** One receive from the queue, as onPoll sees it. */
export interface JobQueuePoll {
  /** Receives this instance has made since start(), this one included (1 for the first). */
  receives: number;
  /** Messages this receive returned (each is a job about to run). */
  received: number;
}

/** The options checked, with every default filled in. */
export interface JobQueueSettings {
  queueName: string;
  deadLetterQueueName: string;
  maxAttempts: number;
  visibilityTimeoutSeconds: number;
  retryDelaySeconds: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  concurrency: number;
}

const QUEUE_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Checks `options` and fills in the defaults; throws a RangeError naming the first bad option. */
export function jobQueueSettings(options: JobQueueOptions): JobQueueSettings {
  const deadLetterQueueName = options.deadLetterQueueName ?? `${options.queueName}-poison`;
  for (const [name, value] of [
    ['queueName', options.queueName],
    ['deadLetterQueueName', deadLetterQueueName],
  ] as const) {
    if (!QUEUE_NAME.test(value)) {
      throw new RangeError(
        `JobQueue ${name} "${value}" is not a valid queue name: 3-63 lower-case letters, digits and single hyphens.`,
      );
    }
  }
  if (deadLetterQueueName === options.queueName) {
    throw new RangeError('JobQueue deadLetterQueueName must differ from queueName.');
  }
  const maxAttempts = whole('maxAttempts', options.maxAttempts ?? 5, 1, 100);
  const visibilityTimeoutSeconds = whole('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds ?? 30, 1, 3600);
  const retryDelaySeconds = whole(
    'retryDelaySeconds',
    options.retryDelaySeconds ?? visibilityTimeoutSeconds,
    1,
    MAX_DELAY_SECONDS,
  );
  const pollIntervalMs = whole('pollIntervalMs', options.pollIntervalMs ?? 5_000, 10, 3_600_000);
  // Never below pollIntervalMs: the back-off only ever lengthens the wait.
  const maxPollIntervalMs = whole(
    'maxPollIntervalMs',
    options.maxPollIntervalMs ?? pollIntervalMs,
    pollIntervalMs,
    3_600_000,
  );
  const concurrency = whole('concurrency', options.concurrency ?? 4, 1, 32);
  return {
    queueName: options.queueName,
    deadLetterQueueName,
    maxAttempts,
    visibilityTimeoutSeconds,
    retryDelaySeconds,
    pollIntervalMs,
    maxPollIntervalMs,
    concurrency,
  };
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`JobQueue ${name} must be a whole number from ${min} to ${max} (got ${value}).`);
  }
  return value;
}
