import type { QueueClient } from '@azure/storage-queue';
import { accountOfOptions, queueClient } from '../azure/storage-account';
import { DeadLetters } from './dead-letter';
import type { Job, JobHandler } from './job';
import { jobMessage } from './job-message';
import { type JobQueueOptions, jobQueueSettings } from './job-queue-options';
import { JobPoller } from './job-poller';
import { JobRunner } from './job-runner';
import type { SchedulerLogger } from './support';

export type { DeadLetter, Job, JobHandler, RunningJob } from './job';
export type { JobQueueOptions, JobQueuePoll } from './job-queue-options';

/**
 * Scheduled jobs on an Azure Storage queue ("remind the approvers of request X in 60 minutes").
 *
 * - `schedule()` sends the job as a message made visible only after the delay.
 * - Every bot instance may `start()` polling the same queue; whichever receives a message runs the job.
 *   The message stays invisible to the others while its handler runs (and the visibility is extended
 *   while it keeps running), then it is deleted.
 * - A failing job reappears after `retryDelaySeconds` and runs again, on any instance. After
 *   `maxAttempts` it moves to the dead-letter queue with the last error as its reason, and is logged.
 *
 * Delivery is at least once: an instance can stop mid-job, or lose a message it held for too long, and
 * the job then runs again elsewhere. HANDLERS MUST BE IDEMPOTENT: check the current state (e.g. "is
 * the request still pending, was the reminder already sent?") and make the change with compare-and-swap
 * (PimRequestStore.update), so a second run does nothing.
 *
 * Payloads hold ids only, never tokens or secrets (refused by `schedule()`): they sit in storage for
 * days, readable by anyone with the storage account key.
 *
 * The parts: job.ts (the job's shapes), job-message.ts (the message and its limits), job-queue-options.ts,
 * job-poller.ts (the receive loop), job-runner.ts (one job's run) and dead-letter.ts.
 */
export class JobQueue {
  private readonly queue: QueueClient;
  private readonly deadLetters: QueueClient;
  private readonly logger: SchedulerLogger;
  private readonly poller: JobPoller;
  private ready: Promise<void> | undefined;

  constructor(options: JobQueueOptions) {
    const settings = jobQueueSettings(options);
    this.logger = options.logger;
    const account = accountOfOptions(options, 'JobQueue');
    this.queue = queueClient(account, settings.queueName);
    this.deadLetters = queueClient(account, settings.deadLetterQueueName);
    const ensureQueues = () => this.ensureQueues();
    const deadLetters = new DeadLetters(this.queue, this.deadLetters, ensureQueues, this.logger);
    const runner = new JobRunner(this.queue, deadLetters, settings, this.logger);
    this.poller = new JobPoller(this.queue, settings, ensureQueues, runner, this.logger, options.onPoll);
  }

  /**
   * Schedules `job` to run once, `delaySeconds` from now (at most 7 days; whole seconds, rounded up) or
   * a poll interval later. Throws UnsafeJobPayloadError for token- or secret-shaped payloads.
   */
  async schedule(job: Job, delaySeconds = 0): Promise<void> {
    const text = jobMessage(job, delaySeconds);
    await this.ensureQueues();
    // Never expire (-1): a scheduled job is run or dead-lettered, not silently dropped after 7 days.
    await this.queue.sendMessage(text, { visibilityTimeout: Math.ceil(delaySeconds), messageTimeToLive: -1 });
    if (Math.ceil(delaySeconds) === 0) this.poller.wakeForDueJob();
    this.logger.debug({ jobType: job.type, jobId: job.id, delaySeconds }, 'Job scheduled');
  }

  /** Starts polling and running jobs with `handlers` (by job type). A job of an unknown type counts as failed. */
  start(handlers: Record<string, JobHandler>): void {
    this.poller.start(handlers);
  }

  /** Stops polling and waits for the jobs running on this instance to finish. Starts nothing new. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Creates both queues on first use; every send and receive waits for it. */
  private ensureQueues(): Promise<void> {
    this.ready ??= Promise.all([this.queue.createIfNotExists(), this.deadLetters.createIfNotExists()]).then(
      () => undefined,
      (err) => {
        // Not cached: the next call tries again (a transient failure must not break the queue for good).
        this.ready = undefined;
        throw err;
      },
    );
    return this.ready;
  }
}
