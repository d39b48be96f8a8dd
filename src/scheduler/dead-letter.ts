import type { QueueClient } from '@azure/storage-queue';
import type { DeadLetter } from './job';
import { type Envelope, encode, type HeldMessage } from './job-message';
import { isMessageGone, type SchedulerLogger } from './support';

/**
 * Moves a job that will not succeed off the job queue and onto its dead-letter queue, with the reason,
 * so it stops being retried but stays where an operator can read it.
 */
export class DeadLetters {
  private readonly queue: QueueClient;
  private readonly deadLetters: QueueClient;
  private readonly ensureQueues: () => Promise<void>;
  private readonly logger: SchedulerLogger;

  /** `ensureQueues` creates both queues when missing (JobQueue's, shared with schedule() and the poller). */
  constructor(
    queue: QueueClient,
    deadLetters: QueueClient,
    ensureQueues: () => Promise<void>,
    logger: SchedulerLogger,
  ) {
    this.queue = queue;
    this.deadLetters = deadLetters;
    this.ensureQueues = ensureQueues;
    this.logger = logger;
  }

  /**
   * Dead-letters the `held` message after `attempts` runs. `envelope` is undefined when the message is
   * not a job at all: the letter then keeps the message id, so it can still be found.
   */
  async move(held: HeldMessage, attempts: number, envelope: Envelope | undefined, reason: string): Promise<void> {
    const letter: DeadLetter = {
      type: envelope?.type ?? 'unknown',
      id: envelope?.id ?? held.messageId,
      payload: envelope?.payload ?? null,
      deadLetter: { reason, attempts, at: new Date().toISOString(), messageId: held.messageId },
    };
    await this.ensureQueues();
    // Dead letter first, then delete: a crash in between leaves a duplicate letter, never a lost job.
    await this.deadLetters.sendMessage(encode(letter), { messageTimeToLive: -1 });
    try {
      await this.queue.deleteMessage(held.messageId, held.popReceipt);
    } catch (err) {
      if (!isMessageGone(err)) throw err;
    }
    this.logger.error(
      { jobType: letter.type, jobId: letter.id, attempts, reason, deadLetterQueue: this.deadLetters.name },
      'Job moved to the dead-letter queue',
    );
  }
}
