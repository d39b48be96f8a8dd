import type { ApprovalService } from './approvals/approval-service';
import type { AppConfig } from './config';
import type { ActivationWatcher } from './notifications/activation-watcher';
import { errorSummary } from './observability/error-summary';
import type { Logger } from './observability/logger';
import { LeaseLeader } from './scheduler/lease-leader';

export interface BackgroundWork {
  config: Pick<AppConfig, 'feed' | 'storage' | 'approvals'>;
  logger: Logger;
  approvals: ApprovalService;
  watcher: ActivationWatcher;
  now?: () => Date;
  /** Approval timers tick (reminders, escalation, expiry); default every 60 s. */
  approvalTickMs?: number;
}

/**
 * Work that is not a chat turn. Approval timers run on every instance: each step is a compare-and-swap
 * on the shared store, so a reminder or an expiry happens once however many instances tick. The watcher
 * runs on one instance only: the holder of a blob lease when state is on Azure Storage (another instance
 * takes over within the lease time if it dies), or this process when state is in memory.
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

  every(work.approvalTickMs ?? config.approvals.tickSeconds * 1000, 'approval-timers', () =>
    work.approvals.runTimers(work.now?.() ?? new Date()),
  );

  let leader: LeaseLeader | undefined;
  const watchMs = config.feed.watcherIntervalSeconds * 1000;
  if (watchMs > 0) {
    if (config.storage.connectionString) {
      leader = new LeaseLeader({
        connectionString: config.storage.connectionString,
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
    await leader?.stop();
  };
}
