import { storageAccountOf } from './azure/storage-account';
import type { AppConfig } from './config';
import type { ActivationWatcher } from './notifications/activation-watcher';
import { errorSummary } from './observability/error-summary';
import type { Logger } from './observability/logger';
import { LeaseLeader } from './scheduler/lease-leader';
import type { DueJobHandler, Scheduler } from './scheduler/scheduler';

export interface BackgroundWork {
  config: Pick<AppConfig, 'feed' | 'storage'>;
  logger: Logger;
  /** Approval reminders, escalation and expiry, the follow-up after approval, expiry warnings. */
  scheduler: Scheduler;
  jobHandlers: Record<string, DueJobHandler>;
  watcher: ActivationWatcher;
}

/**
 * Work that is not a chat turn. Jobs run on every instance: whichever receives a due job from the
 * shared queue runs it, and each handler claims its step with compare-and-swap, so a reminder or an
 * expiry happens once however many instances there are. The watcher runs on one instance only: the
 * holder of a blob lease when state is on Azure Storage (another instance takes over within the lease
 * time if it dies), or this process when state is in memory.
 */
export function startBackgroundWork(work: BackgroundWork): () => Promise<void> {
  const { config, logger } = work;
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, name: string, task: () => Promise<unknown>) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((err) => logger.warn({ err: errorSummary(err), task: name }, 'background task failed'))
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    timers.push(timer);
  };

  work.scheduler.start(work.jobHandlers);

  let leader: LeaseLeader | undefined;
  const watchMs = config.feed.watcherIntervalSeconds * 1000;
  if (watchMs > 0) {
    const account = storageAccountOf(config.storage);
    if (account) {
      leader = new LeaseLeader({
        account,
        container: config.storage.container,
        blobName: 'leases/activation-watcher',
        logger,
      });
      let leading = false;
      leader.start(
        () => {
          leading = true;
          logger.info('this instance now runs the activation watcher');
        },
        () => {
          leading = false;
          logger.info('this instance no longer runs the activation watcher');
        },
      );
      every(watchMs, 'activation-watcher', async () => (leading ? work.watcher.tick() : undefined));
    } else {
      every(watchMs, 'activation-watcher', () => work.watcher.tick());
    }
  }

  return async () => {
    for (const t of timers) clearInterval(t);
    await Promise.all([work.scheduler.stop(), leader?.stop()]);
  };
}
