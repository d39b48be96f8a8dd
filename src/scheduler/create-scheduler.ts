import { storageAccountOf } from '../azure/storage-account';
import type { AppConfig } from '../config';
import { JobQueue } from './job-queue';
import { MemoryScheduler } from './memory-scheduler';
import { QueueScheduler } from './queue-scheduler';
import type { Scheduler } from './scheduler';
import type { SchedulerLogger } from './support';

/** The jobs queue of a deployment: named after its state container, so two deployments never share one. */
export function jobsQueueName(container: string): string {
  // Container and queue names follow the same rules; leave room for "-jobs-poison".
  const base = container.slice(0, 63 - '-jobs-poison'.length).replace(/-+$/, '');
  return `${base}-jobs`;
}

/**
 * Jobs on an Azure Storage queue shared by every instance when state is on Azure Storage; otherwise
 * in this process, like the rest of its state.
 */
export function createScheduler(
  config: Pick<AppConfig, 'storage' | 'jobs'>,
  logger: SchedulerLogger,
  now?: () => Date,
): Scheduler {
  const pollIntervalMs = Math.round(config.jobs.pollSeconds * 1000);
  const account = storageAccountOf(config.storage);
  if (!account) return new MemoryScheduler({ logger, now, pollIntervalMs });
  const queue = new JobQueue({
    account,
    queueName: jobsQueueName(config.storage.container),
    pollIntervalMs,
    // An idle queue is polled less often (storage transactions cost money), at most every 30 s.
    maxPollIntervalMs: Math.max(pollIntervalMs, 30_000),
    logger,
  });
  return new QueueScheduler(queue, { now });
}
