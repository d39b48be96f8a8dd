import type { Job } from './job-queue';
import type { DueJobHandler, Scheduler } from './scheduler';
import { describeError, type SchedulerLogger } from './support';

export interface MemorySchedulerOptions {
  logger: SchedulerLogger;
  /** The app's clock (tests and the demo pass the simulator's). */
  now?: () => Date;
  /** How often due jobs are looked for (default 1000 ms). */
  pollIntervalMs?: number;
  /** Runs of a job before it is dead-lettered (default 5). */
  maxAttempts?: number;
  /** When a failed job runs again, on the app clock (default 30 s). */
  retryDelayMs?: number;
}

interface Entry {
  job: Job;
  dueAt: number;
  attempt: number;
  scheduledAt: Date;
  lastError?: string;
}

export interface MemoryDeadLetter {
  type: string;
  id: string;
  reason: string;
  attempts: number;
}

/**
 * The scheduler of a single instance whose state is in memory (tests, and the bot without
 * STORAGE_CONNECTION_STRING): jobs live in this process and are lost when it stops, like the rest of
 * its state. Same contract as the queue scheduler: at-least-once, retries, a dead-letter list.
 */
export class MemoryScheduler implements Scheduler {
  readonly deadLetters: MemoryDeadLetter[] = [];
  private entries: Entry[] = [];
  private handlers: Record<string, DueJobHandler> = {};
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: MemorySchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
  }

  async at(dueAt: Date, job: Job): Promise<void> {
    this.entries.push({ job: structuredClone(job), dueAt: dueAt.getTime(), attempt: 0, scheduledAt: this.now() });
    // Due now (e.g. "follow this approval"): run it soon rather than a poll later.
    if (this.timer && dueAt.getTime() <= this.now().getTime()) {
      setImmediate(() => {
        if (this.timer) void this.runDue(); // not after stop()
      });
    }
  }

  start(handlers: Record<string, DueJobHandler>): void {
    this.handlers = { ...handlers };
    this.timer = setInterval(() => void this.runDue(), this.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** Jobs not run yet (type, id, due time), soonest first. */
  scheduled(): Array<{ type: string; id: string; dueAt: Date }> {
    return [...this.entries]
      .sort((a, b) => a.dueAt - b.dueAt)
      .map((e) => ({ type: e.job.type, id: e.job.id, dueAt: new Date(e.dueAt) }));
  }

  /**
   * Runs every job due on the app clock now, one after the other, and those they schedule for now;
   * returns how many ran. Runs are serialised: a caller waits for a run already under way.
   */
  runDue(): Promise<number> {
    const run = this.chain.then(() => this.drain());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<number> {
    let ran = 0;
    // Bounded: a handler that keeps scheduling itself for "now" cannot spin forever.
    for (let pass = 0; pass < 20; pass++) {
      const now = this.now().getTime();
      const due = this.entries.filter((e) => e.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
      if (due.length === 0) break;
      this.entries = this.entries.filter((e) => !due.includes(e));
      for (const entry of due) {
        ran++;
        await this.runOne(entry);
      }
    }
    return ran;
  }

  private async runOne(entry: Entry): Promise<void> {
    const attempt = entry.attempt + 1;
    const { logger } = this.options;
    const log = { jobType: entry.job.type, jobId: entry.job.id, attempt };
    try {
      const handler = Object.hasOwn(this.handlers, entry.job.type) ? this.handlers[entry.job.type] : undefined;
      if (!handler) throw new Error(`No handler for job type "${entry.job.type}" on this instance.`);
      await handler({ ...entry.job, attempt, scheduledAt: entry.scheduledAt });
      logger.debug(log, 'Job done');
    } catch (err) {
      const reason = describeError(err);
      if (attempt >= this.maxAttempts) {
        this.deadLetters.push({ type: entry.job.type, id: entry.job.id, reason, attempts: attempt });
        logger.error({ ...log, reason }, 'Job moved to the dead-letter list');
        return;
      }
      logger.warn({ ...log, reason, retryInMs: this.retryDelayMs }, 'Job failed; will retry');
      this.entries.push({ ...entry, attempt, lastError: reason, dueAt: this.now().getTime() + this.retryDelayMs });
    }
  }
}
