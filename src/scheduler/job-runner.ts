import type { DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import type { DeadLetters } from './dead-letter';
import type { JobHandler } from './job';
import { decode, encode, type HeldMessage } from './job-message';
import type { JobQueueSettings } from './job-queue-options';
import { describeError, isMessageGone, type SchedulerLogger } from './support';

type RunnerSettings = Pick<JobQueueSettings, 'maxAttempts' | 'visibilityTimeoutSeconds' | 'retryDelaySeconds'>;

/**
 * Runs one received message to a verdict: the job's handler runs while the message is kept hidden from
 * other instances; then the message is deleted (done), put back for a retry carrying the error, or
 * dead-lettered (not a job, or out of attempts).
 */
export class JobRunner {
  private readonly queue: QueueClient;
  private readonly deadLetters: DeadLetters;
  private readonly settings: RunnerSettings;
  private readonly logger: SchedulerLogger;

  constructor(queue: QueueClient, deadLetters: DeadLetters, settings: RunnerSettings, logger: SchedulerLogger) {
    this.queue = queue;
    this.deadLetters = deadLetters;
    this.settings = settings;
    this.logger = logger;
  }

  /** Runs `message` with its handler from `handlers` (by job type); a job of an unknown type counts as failed. */
  async run(message: DequeuedMessageItem, handlers: Record<string, JobHandler>): Promise<void> {
    const { maxAttempts, retryDelaySeconds } = this.settings;
    const held: HeldMessage = { messageId: message.messageId, popReceipt: message.popReceipt };
    const attempt = message.dequeueCount;
    const envelope = decode(message.messageText);
    if (!envelope) {
      await this.deadLetters.move(
        held,
        attempt,
        undefined,
        'The message is not a job (not base64 JSON with type and id).',
      );
      return;
    }
    const log = { jobType: envelope.type, jobId: envelope.id, attempt, messageId: message.messageId };
    if (attempt > maxAttempts) {
      // Its last run ended without a verdict (the instance stopped mid-job, or it overran its visibility).
      const reason = envelope.lastError
        ? `Gave up after ${maxAttempts} attempts. Last error: ${envelope.lastError}`
        : `Gave up after ${maxAttempts} attempts that did not finish (the instance running it may have stopped mid-job).`;
      await this.deadLetters.move(held, attempt, envelope, reason);
      return;
    }

    const heartbeat = this.keepHidden(held, log);
    let failure: string | undefined;
    try {
      // Own properties only: a job type such as "constructor" must not find an inherited function.
      const handler = Object.hasOwn(handlers, envelope.type) ? handlers[envelope.type] : undefined;
      if (!handler) throw new Error(`No handler for job type "${envelope.type}" on this instance.`);
      await handler({
        type: envelope.type,
        id: envelope.id,
        payload: envelope.payload,
        attempt,
        scheduledAt: envelope.scheduledAt ? new Date(envelope.scheduledAt) : undefined,
      });
    } catch (err) {
      failure = describeError(err);
    } finally {
      await heartbeat.stop();
    }

    if (failure === undefined) {
      try {
        await this.queue.deleteMessage(held.messageId, held.popReceipt);
        this.logger.debug(log, 'Job done');
      } catch (err) {
        if (!isMessageGone(err)) throw err;
        this.logger.warn(
          log,
          'Job done, but its message was no longer ours to delete (it overran its visibility); it may run again',
        );
      }
      return;
    }
    if (attempt >= maxAttempts) {
      await this.deadLetters.move(held, attempt, envelope, failure);
      return;
    }
    this.logger.warn({ ...log, reason: failure, retryInSeconds: retryDelaySeconds }, 'Job failed; will retry');
    try {
      // Back in the queue after the retry delay, carrying the error for whoever dead-letters it.
      await this.queue.updateMessage(
        held.messageId,
        held.popReceipt,
        encode({ ...envelope, lastError: failure }),
        retryDelaySeconds,
      );
    } catch (err) {
      if (!isMessageGone(err)) throw err;
      // Someone else holds it now: it reappeared anyway.
    }
  }

  /** Extends the message's invisibility while its handler runs, so no other instance starts it too. */
  private keepHidden(held: HeldMessage, log: Record<string, unknown>): { stop(): Promise<void> } {
    const { visibilityTimeoutSeconds } = this.settings;
    let inFlight: Promise<void> = Promise.resolve();
    let lost = false;
    // Halfway through the visibility timeout, so one slow or failed extension does not yet expose the job.
    const everyMs = Math.max(500, (visibilityTimeoutSeconds * 1000) / 2);
    const timer = setInterval(() => {
      if (lost) return;
      // Chained, not concurrent: each extension needs the pop receipt the one before it returned.
      inFlight = inFlight.then(async () => {
        try {
          const updated = await this.queue.updateMessage(
            held.messageId,
            held.popReceipt,
            undefined,
            visibilityTimeoutSeconds,
          );
          if (updated.popReceipt) held.popReceipt = updated.popReceipt;
        } catch (err) {
          if (isMessageGone(err)) lost = true;
          this.logger.warn({ ...log, err: describeError(err) }, 'Could not extend a running job’s visibility');
        }
      });
    }, everyMs);
    return {
      stop: async () => {
        clearInterval(timer);
        await inFlight;
      },
    };
  }
}
