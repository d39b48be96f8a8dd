import { type DequeuedMessageItem, QueueClient } from '@azure/storage-queue';
import { assertNoSecrets } from './payload-guard';
import { azureErrorCode, azureStatus, describeError, type SchedulerLogger } from './support';

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
 * (TrackedRequestStore.update), so a second run does nothing.
 *
 * Payloads hold ids only, never tokens or secrets (refused by `schedule()`): they sit in storage for
 * days, readable by anyone with the storage account key.
 */

export interface Job<Payload = unknown> {
  /** Which handler runs it, e.g. "approval.remind". */
  type: string;
  /** The job's own id, for logs and for the handler's idempotency checks, e.g. the request id. */
  id: string;
  /** JSON; ids only. */
  payload: Payload;
}

export interface RunningJob<Payload = unknown> extends Job<Payload> {
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** When the job was scheduled. */
  scheduledAt?: Date;
}

// biome-ignore lint/suspicious/noExplicitAny: handlers narrow the payload themselves
export type JobHandler = (job: RunningJob<any>) => Promise<void>;

export interface JobQueueOptions {
  connectionString: string;
  /** 3-63 characters: lower-case letters, digits and single hyphens, e.g. "pimbot-jobs". */
  queueName: string;
  /** Where jobs go after maxAttempts; default `${queueName}-poison`. */
  deadLetterQueueName?: string;
  /** Runs of a job before it is dead-lettered (default 5). */
  maxAttempts?: number;
  /** How long a received job stays hidden from other instances; extended while its handler runs (default 30). */
  visibilityTimeoutSeconds?: number;
  /** When a failed job runs again (default: visibilityTimeoutSeconds). */
  retryDelaySeconds?: number;
  /** Wait between polls of an empty queue (default 5000). */
  pollIntervalMs?: number;
  /** While the queue stays empty the wait doubles up to this (default: pollIntervalMs, no back-off). */
  maxPollIntervalMs?: number;
  /** Jobs run at once by this instance (default 4, at most 32). */
  concurrency?: number;
  logger: SchedulerLogger;
}

/** What a dead-lettered message holds: the job plus why it was given up. */
export interface DeadLetter extends Job {
  deadLetter: { reason: string; attempts: number; at: string; messageId: string };
}

/** The message body, JSON then base64 (the encoding Azure Functions and Storage Explorer expect). */
interface Envelope extends Job {
  v: 1;
  scheduledAt: string;
  /** The previous run's error, carried in the message so whichever instance dead-letters it knows why. */
  lastError?: string;
}

const MAX_DELAY_SECONDS = 7 * 24 * 60 * 60;
/** Azure's limit is 64 KiB per message. */
const MAX_MESSAGE_CHARS = 64 * 1024;
const QUEUE_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class JobQueue {
  private readonly queue: QueueClient;
  private readonly deadLetters: QueueClient;
  private readonly maxAttempts: number;
  private readonly visibilityTimeoutSeconds: number;
  private readonly retryDelaySeconds: number;
  private readonly pollIntervalMs: number;
  private readonly maxPollIntervalMs: number;
  private readonly concurrency: number;
  private readonly logger: SchedulerLogger;
  private ready: Promise<void> | undefined;
  private handlers: Record<string, JobHandler> = {};
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private wakePending = false;
  private readonly running = new Set<Promise<void>>();

  constructor(options: JobQueueOptions) {
    const deadLetterQueueName = options.deadLetterQueueName ?? `${options.queueName}-poison`;
    for (const [name, value] of [
      ['queueName', options.queueName],
      ['deadLetterQueueName', deadLetterQueueName],
    ] as const) {
      if (!QUEUE_NAME.test(value)) {
        throw new RangeError(
          `JobQueue ${name} "${value}" is not a valid queue name: 3-63 lower-case letters, digits and single hyphens.`,
        );
      }
    }
    if (deadLetterQueueName === options.queueName) {
      throw new RangeError('JobQueue deadLetterQueueName must differ from queueName.');
    }
    this.maxAttempts = whole('maxAttempts', options.maxAttempts ?? 5, 1, 100);
    this.visibilityTimeoutSeconds = whole('visibilityTimeoutSeconds', options.visibilityTimeoutSeconds ?? 30, 1, 3600);
    this.retryDelaySeconds = whole(
      'retryDelaySeconds',
      options.retryDelaySeconds ?? this.visibilityTimeoutSeconds,
      1,
      MAX_DELAY_SECONDS,
    );
    this.pollIntervalMs = whole('pollIntervalMs', options.pollIntervalMs ?? 5_000, 10, 3_600_000);
    this.maxPollIntervalMs = whole(
      'maxPollIntervalMs',
      options.maxPollIntervalMs ?? this.pollIntervalMs,
      this.pollIntervalMs,
      3_600_000,
    );
    this.concurrency = whole('concurrency', options.concurrency ?? 4, 1, 32);
    this.logger = options.logger;
    this.queue = new QueueClient(options.connectionString, options.queueName);
    this.deadLetters = new QueueClient(options.connectionString, deadLetterQueueName);
  }

  /**
   * Schedules `job` to run once, `delaySeconds` from now (at most 7 days; whole seconds, rounded up) or
   * a poll interval later. Throws UnsafeJobPayloadError for token- or secret-shaped payloads.
   */
  async schedule(job: Job, delaySeconds = 0): Promise<void> {
    if (typeof job.type !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(job.type)) {
      throw new TypeError('Job type must be 1-100 letters, digits, ".", "_", ":" or "-", e.g. "approval.remind".');
    }
    if (typeof job.id !== 'string' || job.id.length < 1 || job.id.length > 200) {
      throw new TypeError(`Job ${job.type}: id must be a string of 1-200 characters.`);
    }
    if (!Number.isFinite(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
      throw new RangeError(
        `Job ${job.type}/${job.id}: delaySeconds must be between 0 and ${MAX_DELAY_SECONDS} (7 days).`,
      );
    }
    let payload: unknown;
    try {
      const json = JSON.stringify(job.payload);
      payload = json === undefined ? null : JSON.parse(json);
    } catch (err) {
      throw new TypeError(`Job ${job.type}/${job.id}: payload must be JSON-serialisable (${describeError(err)}).`);
    }
    assertNoSecrets({ type: job.type, id: job.id, payload });
    const envelope: Envelope = { v: 1, type: job.type, id: job.id, payload, scheduledAt: new Date().toISOString() };
    const text = encode(envelope);
    if (text.length > MAX_MESSAGE_CHARS) {
      throw new RangeError(
        `Job ${job.type}/${job.id}: the encoded message is ${text.length} characters; queues take ${MAX_MESSAGE_CHARS}. Keep payloads to ids.`,
      );
    }
    await this.ensureQueues();
    // Never expire (-1): a scheduled job is run or dead-lettered, not silently dropped after 7 days.
    await this.queue.sendMessage(text, { visibilityTimeout: Math.ceil(delaySeconds), messageTimeToLive: -1 });
    // Due now: this instance polls at once rather than after its poll interval (or right after the
    // receive under way, if it is not sleeping).
    if (Math.ceil(delaySeconds) === 0) {
      if (this.wake) this.wake();
      else this.wakePending = true;
    }
    this.logger.debug({ jobType: job.type, jobId: job.id, delaySeconds }, 'Job scheduled');
  }

  /** Starts polling and running jobs with `handlers` (by job type). A job of an unknown type counts as failed. */
  start(handlers: Record<string, JobHandler>): void {
    if (this.loop) throw new Error('JobQueue is already started.');
    this.handlers = { ...handlers };
    this.stopping = false;
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

  private async poll(): Promise<void> {
    let idleWaitMs = this.pollIntervalMs;
    while (!this.stopping) {
      const free = this.concurrency - this.running.size;
      if (free === 0) {
        await Promise.race([...this.running, this.sleep(this.pollIntervalMs)]);
        continue;
      }
      let messages: DequeuedMessageItem[];
      try {
        await this.ensureQueues();
        messages = (
          await this.queue.receiveMessages({ numberOfMessages: free, visibilityTimeout: this.visibilityTimeoutSeconds })
        ).receivedMessageItems;
      } catch (err) {
        this.logger.warn({ err: describeError(err) }, 'Could not poll the job queue; trying again');
        await this.sleep(idleWaitMs);
        idleWaitMs = Math.min(idleWaitMs * 2, Math.max(this.maxPollIntervalMs, this.pollIntervalMs * 4));
        continue;
      }
      if (this.stopping) {
        await Promise.allSettled(messages.map((m) => this.release(m)));
        break;
      }
      for (const message of messages) this.track(this.process(message));
      if (messages.length === free) {
        idleWaitMs = this.pollIntervalMs;
        continue; // probably more waiting: ask again at once
      }
      await this.sleep(messages.length > 0 ? this.pollIntervalMs : idleWaitMs);
      idleWaitMs = messages.length > 0 ? this.pollIntervalMs : Math.min(idleWaitMs * 2, this.maxPollIntervalMs);
    }
  }

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

  private async process(message: DequeuedMessageItem): Promise<void> {
    const held = { messageId: message.messageId, popReceipt: message.popReceipt };
    const attempt = message.dequeueCount;
    const envelope = decode(message.messageText);
    if (!envelope) {
      await this.deadLetter(held, attempt, undefined, 'The message is not a job (not base64 JSON with type and id).');
      return;
    }
    const log = { jobType: envelope.type, jobId: envelope.id, attempt, messageId: message.messageId };
    if (attempt > this.maxAttempts) {
      // Its last run ended without a verdict (the instance stopped mid-job, or it overran its visibility).
      const reason = envelope.lastError
        ? `Gave up after ${this.maxAttempts} attempts. Last error: ${envelope.lastError}`
        : `Gave up after ${this.maxAttempts} attempts that did not finish (the instance running it may have stopped mid-job).`;
      await this.deadLetter(held, attempt, envelope, reason);
      return;
    }

    const heartbeat = this.keepHidden(held, log);
    let failure: string | undefined;
    try {
      const handler = Object.hasOwn(this.handlers, envelope.type) ? this.handlers[envelope.type] : undefined;
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
    if (attempt >= this.maxAttempts) {
      await this.deadLetter(held, attempt, envelope, failure);
      return;
    }
    this.logger.warn({ ...log, reason: failure, retryInSeconds: this.retryDelaySeconds }, 'Job failed; will retry');
    try {
      // Back in the queue after the retry delay, carrying the error for whoever dead-letters it.
      await this.queue.updateMessage(
        held.messageId,
        held.popReceipt,
        encode({ ...envelope, lastError: failure }),
        this.retryDelaySeconds,
      );
    } catch (err) {
      if (!isMessageGone(err)) throw err;
      // Someone else holds it now: it reappeared anyway.
    }
  }

  /** Extends the message's invisibility while its handler runs, so no other instance starts it too. */
  private keepHidden(
    held: { messageId: string; popReceipt: string },
    log: Record<string, unknown>,
  ): { stop(): Promise<void> } {
    let inFlight: Promise<void> = Promise.resolve();
    let lost = false;
    const everyMs = Math.max(500, (this.visibilityTimeoutSeconds * 1000) / 2);
    const timer = setInterval(() => {
      if (lost) return;
      inFlight = inFlight.then(async () => {
        try {
          const updated = await this.queue.updateMessage(
            held.messageId,
            held.popReceipt,
            undefined,
            this.visibilityTimeoutSeconds,
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

  private async deadLetter(
    held: { messageId: string; popReceipt: string },
    attempts: number,
    envelope: Envelope | undefined,
    reason: string,
  ): Promise<void> {
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

  /** Hands a message received during stop() straight back to the queue. */
  private async release(message: DequeuedMessageItem): Promise<void> {
    try {
      await this.queue.updateMessage(message.messageId, message.popReceipt, undefined, 0);
    } catch {
      // It reappears after the visibility timeout anyway.
    }
  }

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

function encode(value: Envelope | DeadLetter): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

function decode(text: string): Envelope | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Partial<Envelope>;
    if (value && typeof value.type === 'string' && typeof value.id === 'string') return value as Envelope;
  } catch {
    // not ours
  }
  return undefined;
}

/** The message was deleted, or is held by someone else now (our pop receipt is stale). */
function isMessageGone(err: unknown): boolean {
  const code = azureErrorCode(err);
  return azureStatus(err) === 404 || code === 'PopReceiptMismatch' || code === 'MessageNotFound';
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`JobQueue ${name} must be a whole number from ${min} to ${max} (got ${value}).`);
  }
  return value;
}
