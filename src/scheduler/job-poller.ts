import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { JobHandler } from './job';
import type { JobQueuePoll, JobQueueSettings } from './job-queue-options';
import type { JobRunner } from './job-runner';
import { describeError, type SchedulerLogger } from './support';

type PollerSettings = Pick<
  JobQueueSettings,
  'concurrency' | 'visibilityTimeoutSeconds' | 'pollIntervalMs' | 'maxPollIntervalMs'
>;

/**
 * This instance's receive loop: it takes up to `concurrency` messages at a time from the queue and runs
 * each with the JobRunner. A full receive asks again at once; an empty queue is polled less and less
 * often, up to maxPollIntervalMs. A job due now (wakeForDueJob) cuts the wait short.
 */
export class JobPoller {
  private readonly queue: QueueClient;
  private readonly settings: PollerSettings;
  private readonly ensureQueues: () => Promise<void>;
  private readonly runner: JobRunner;
  private readonly logger: SchedulerLogger;
  private handlers: Record<string, JobHandler> = {};
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private wakePending = false;
  private readonly running = new Set<Promise<void>>();
  private readonly onPoll: ((poll: JobQueuePoll) => void) | undefined;
  private receives = 0;

  /**
   * `ensureQueues` creates both queues when missing (JobQueue's, shared with schedule() and dead-lettering);
   * `onPoll` hears of each receive (JobQueueOptions.onPoll).
   */
  constructor(
    queue: QueueClient,
    settings: PollerSettings,
    ensureQueues: () => Promise<void>,
    runner: JobRunner,
    logger: SchedulerLogger,
    onPoll?: (poll: JobQueuePoll) => void,
  ) {
    this.onPoll = onPoll;
    this.queue = queue;
    this.settings = settings;
    this.ensureQueues = ensureQueues;
    this.runner = runner;
    this.logger = logger;
  }

  /** Starts polling and running jobs with `handlers` (by job type). */
  start(handlers: Record<string, JobHandler>): void {
    if (this.loop) throw new Error('JobQueue is already started.');
    this.handlers = { ...handlers };
    this.stopping = false;
    this.receives = 0;
    this.loop = this.poll().catch((err) => {
      this.logger.error({ err: describeError(err) }, 'Job queue polling stopped unexpectedly');
    });
  }

  /** Stops polling and waits for the jobs running on this instance to finish. Starts nothing new. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.running]);
    this.loop = undefined;
  }

  /**
   * A job was just scheduled due now: poll at once rather than after the poll interval (or right after
   * the receive under way, if the loop is not sleeping).
   */
  wakeForDueJob(): void {
    if (this.wake) this.wake();
    else this.wakePending = true;
  }

  private async poll(): Promise<void> {
    const { concurrency, visibilityTimeoutSeconds, pollIntervalMs, maxPollIntervalMs } = this.settings;
    let idleWaitMs = pollIntervalMs;
    while (!this.stopping) {
      const free = concurrency - this.running.size;
      if (free === 0) {
        await Promise.race([...this.running, this.sleep(pollIntervalMs)]);
        continue;
      }
      let messages: DequeuedMessageItem[];
      try {
        await this.ensureQueues();
        messages = (
          await this.queue.receiveMessages({ numberOfMessages: free, visibilityTimeout: visibilityTimeoutSeconds })
        ).receivedMessageItems;
      } catch (err) {
        this.logger.warn({ err: describeError(err) }, 'Could not poll the job queue; trying again');
        await this.sleep(idleWaitMs);
        // Storage trouble backs off even with no back-off configured: up to four poll intervals, or
        // maxPollIntervalMs if that is longer.
        idleWaitMs = Math.min(idleWaitMs * 2, Math.max(maxPollIntervalMs, pollIntervalMs * 4));
        continue;
      }
      this.receives++;
      this.reportPoll(messages.length);
      if (this.stopping) {
        await Promise.allSettled(messages.map((m) => this.release(m)));
        break;
      }
      for (const message of messages) this.track(this.runner.run(message, this.handlers));
      if (messages.length === free) {
        idleWaitMs = pollIntervalMs;
        continue; // probably more waiting: ask again at once
      }
      await this.sleep(messages.length > 0 ? pollIntervalMs : idleWaitMs);
      idleWaitMs = messages.length > 0 ? pollIntervalMs : Math.min(idleWaitMs * 2, maxPollIntervalMs);
    }
  }

  /** Tells onPoll about the receive just made; its throw must not stop the loop. */
  private reportPoll(received: number): void {
    try {
      this.onPoll?.({ receives: this.receives, received });
    } catch (err) {
      this.logger.error({ err: describeError(err) }, 'JobQueue onPoll callback threw');
    }
  }

  /** Counts a running job against `concurrency` until it ends, and wakes the loop to fill its place. */
  private track(run: Promise<void>): void {
    const tracked = run
      .catch((err) => {
        this.logger.error({ err: describeError(err) }, 'Job bookkeeping failed; the job will reappear');
      })
      .finally(() => {
        this.running.delete(tracked);
        this.wake?.();
      });
    this.running.add(tracked);
  }

  /** Hands a message received during stop() straight back to the queue. */
  private async release(message: DequeuedMessageItem): Promise<void> {
    try {
      await this.queue.updateMessage(message.messageId, message.popReceipt, undefined, 0);
    } catch {
      // It reappears after the visibility timeout anyway.
    }
  }

  /** Waits `ms`, or less if woken; returns at once if a due job was scheduled since the last wait. */
  private sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
