import type { DeadLetter, Job } from './job';
import { assertNoSecrets } from './payload-guard';
import { describeError } from './support';

/**
 * A job as a queue message: the envelope it travels in, how it is encoded, and the limits a message
 * must meet. schedule() checks a job here, before anything is sent, so a bad job fails at its caller
 * rather than later on whichever instance receives it.
 */

/** Azure Storage queues hide a message for at most 7 days. */
export const MAX_DELAY_SECONDS = 7 * 24 * 60 * 60;
/** Azure's limit is 64 KiB per message. */
const MAX_MESSAGE_CHARS = 64 * 1024;

/** The message body, JSON then base64 (the encoding Azure Functions and Storage Explorer expect). */
export interface Envelope extends Job {
  v: 1;
  scheduledAt: string;
  /** The previous run's error, carried in the message so whichever instance dead-letters it knows why. */
  lastError?: string;
}

/** A received message this instance holds; the pop receipt changes each time its visibility is updated. */
export interface HeldMessage {
  messageId: string;
  popReceipt: string;
}

/**
 * The message text for `job`, or a TypeError/RangeError saying why it cannot be queued: a bad type or
 * id, a delay beyond the queue's 7 days, a payload that is not JSON, looks like a secret
 * (UnsafeJobPayloadError) or is too big. The payload goes through JSON here, so the handler later gets
 * exactly what the queue can carry.
 */
export function jobMessage(job: Job, delaySeconds: number): string {
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
  return text;
}

export function encode(value: Envelope | DeadLetter): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** The envelope in a received message, or undefined when the message is not a job (someone else's). */
export function decode(text: string): Envelope | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as Partial<Envelope>;
    if (value && typeof value.type === 'string' && typeof value.id === 'string') return value as Envelope;
  } catch {
    // not ours
  }
  return undefined;
}
