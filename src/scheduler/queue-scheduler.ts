import type { Job, JobHandler, JobQueue } from './job-queue';
import { type DueJobHandler, isDuePayload, type Scheduler } from './scheduler';

/** Azure Storage queues hide a message for at most 7 days. */
const MAX_DELAY_SECONDS = 7 * 24 * 60 * 60;

export interface QueueSchedulerOptions {
  /** The app's clock; default the wall clock. */
  now?: () => Date;
  /** Longest queue delay per hop (default 7 days, the queue's limit); a later job re-queues itself. */
  maxDelaySeconds?: number;
}

/**
 * Jobs on an Azure Storage queue (JobQueue: visibility delay, retries, dead-letter queue), due on the
 * app's clock: the message becomes visible after the delay, and a job that turns up before its time
 * (a delay longer than the queue allows, or a clock that runs differently) goes back for the rest.
 */
export class QueueScheduler implements Scheduler {
  private readonly now: () => Date;
  private readonly maxDelaySeconds: number;

  constructor(
    private readonly queue: JobQueue,
    options: QueueSchedulerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxDelaySeconds = Math.min(options.maxDelaySeconds ?? MAX_DELAY_SECONDS, MAX_DELAY_SECONDS);
  }

  async at(dueAt: Date, job: Job): Promise<void> {
    const delaySeconds = Math.min(Math.max(0, (dueAt.getTime() - this.now().getTime()) / 1000), this.maxDelaySeconds);
    await this.queue.schedule(
      { type: job.type, id: job.id, payload: { dueAt: dueAt.toISOString(), data: job.payload ?? null } },
      delaySeconds,
    );
  }

  start(handlers: Record<string, DueJobHandler>): void {
    const wrapped: Record<string, JobHandler> = {};
    for (const [type, handler] of Object.entries(handlers)) {
      wrapped[type] = async (job) => {
        if (!isDuePayload(job.payload))
          throw new Error(`Job ${type}/${job.id} has no due time; it was not scheduled by PIM Bot.`);
        const dueAt = new Date(job.payload.dueAt);
        if (dueAt.getTime() > this.now().getTime()) {
          await this.at(dueAt, { type, id: job.id, payload: job.payload.data });
          return;
        }
        await handler({ ...job, payload: job.payload.data });
      };
    }
    this.queue.start(wrapped);
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }
}
