import type { JobQueuePoll } from '../../src/scheduler/job-queue';

/**
 * A JobQueue's receives as its onPoll reports them, so a test waits for "the next poll" (an event the
 * queue produces) instead of sleeping for a time it hopes is long enough on a loaded machine.
 */
export class PollWatch {
  readonly polls: JobQueuePoll[] = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  /** Pass as JobQueueOptions.onPoll. */
  readonly onPoll = (poll: JobQueuePoll): void => {
    this.polls.push(poll);
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  };

  /** Receives made so far (counted here, not taken from the queue's own count). */
  get receives(): number {
    return this.polls.length;
  }

  /** Messages all receives so far returned: each a delivery of a job. */
  get delivered(): number {
    return this.polls.reduce((n, p) => n + p.received, 0);
  }

  /** Resolves once `check()` holds: at once, or after the receive that makes it hold. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** Resolves after `count` more receives than have been made now. */
  next(count = 1): Promise<void> {
    const target = this.receives + count;
    return this.until(() => this.receives >= target);
  }
}
