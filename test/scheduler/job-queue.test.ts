import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import {
  type DeadLetter,
  type JobHandler,
  JobQueue,
  type JobQueueOptions,
  type JobQueuePoll,
  type RunningJob,
} from '../../src/scheduler/job-queue';
import { UnsafeJobPayloadError } from '../../src/scheduler/payload-guard';
import { describeError } from '../../src/scheduler/support';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';
import { PollWatch } from './poll-watch';
import { signal } from './signal';

let azurite: TestAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = createLogger('debug', { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** A JobQueue instance ("one bot instance") with fast test timings. */
function jobQueue(queueName: string, options: Partial<JobQueueOptions> = {}): JobQueue {
  return new JobQueue({
    connectionString: azurite.connectionString,
    queueName,
    pollIntervalMs: 50,
    logger: createLogger('silent'),
    ...options,
  });
}

/** Starts `queue` with `handlers`, stopped again when the test ends. */
function run(queue: JobQueue, handlers: Record<string, JobHandler>, onTestFinished: TestContext['onTestFinished']) {
  queue.start(handlers);
  onTestFinished(() => queue.stop());
  return queue;
}

async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await sleep(25);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function deadLetters(queueName: string): Promise<DeadLetter[]> {
  const queue = new QueueClient(azurite.connectionString, queueName);
  if (!(await queue.exists())) return [];
  const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
  return peekedMessageItems.map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as DeadLetter);
}

async function messagesLeft(queueName: string): Promise<number> {
  const properties = await new QueueClient(azurite.connectionString, queueName).getProperties();
  return properties.approximateMessagesCount ?? 0;
}

// Every test has its own queue, so they run side by side.
describe.concurrent('JobQueue on Azure Storage queues (Azurite)', () => {
  it('runs a delayed job once, after its delay, on exactly one of two instances polling the queue', async ({
    expect,
    onTestFinished,
  }) => {
    const queueName = uniqueName('jobs');
    const runs: Array<{ instance: string; job: RunningJob; at: number }> = [];
    const watches = [new PollWatch(), new PollWatch()];
    const instances = ['instance-a', 'instance-b'].map((instance, i) =>
      run(
        jobQueue(queueName, { onPoll: watches[i]!.onPoll }),
        { 'approval.remind': async (job) => void runs.push({ instance, job, at: Date.now() }) },
        onTestFinished,
      ),
    );

    const scheduledAt = Date.now();
    await instances[0]!.schedule({ type: 'approval.remind', id: 'request-1', payload: { requestId: 'request-1' } }, 2);
    await until(() => runs.length > 0, 10_000);
    // Ran once: its message is gone (one that could run again would still be in the queue, hidden), and
    // both instances have polled again since.
    await until(async () => (await messagesLeft(queueName)) === 0, 10_000);
    await Promise.all(watches.map((w) => w.next()));

    expect(runs).toHaveLength(1);
    expect(watches[0]!.delivered + watches[1]!.delivered).toBe(1);
    // Not before its delay (a lower bound: a loaded machine makes it later, never earlier).
    expect(runs[0]!.at - scheduledAt).toBeGreaterThanOrEqual(1_950);
    expect(runs[0]!.job).toMatchObject({
      type: 'approval.remind',
      id: 'request-1',
      payload: { requestId: 'request-1' },
      attempt: 1,
    });
    expect(await messagesLeft(queueName)).toBe(0); // deleted after success
  });

  it('retries a failing job and dead-letters it after maxAttempts, with the last error as the reason', async ({
    expect,
    onTestFinished,
  }) => {
    const queueName = uniqueName('jobs');
    const { logger, lines } = capturingLogger();
    const attempts: number[] = [];
    const queue = run(
      jobQueue(queueName, { maxAttempts: 3, visibilityTimeoutSeconds: 5, retryDelaySeconds: 1, logger }),
      {
        'approval.escalate': async (job) => {
          attempts.push(job.attempt);
          throw new Error(`Graph answered 503 (attempt ${job.attempt})`);
        },
      },
      onTestFinished,
    );

    await queue.schedule({ type: 'approval.escalate', id: 'request-2', payload: { requestId: 'request-2' } });
    const [letter] = await until(async () => {
      const letters = await deadLetters(`${queueName}-poison`);
      return letters.length > 0 ? letters : undefined;
    }, 10_000);

    expect(attempts).toEqual([1, 2, 3]);
    expect(letter).toMatchObject({
      type: 'approval.escalate',
      id: 'request-2',
      payload: { requestId: 'request-2' },
      deadLetter: { reason: 'Error: Graph answered 503 (attempt 3)', attempts: 3 },
    });
    expect(await messagesLeft(queueName)).toBe(0);
    expect(lines.filter((l) => l.msg === 'Job failed; will retry').map((l) => l.attempt)).toEqual([1, 2]);
    expect(lines.find((l) => l.msg === 'Job moved to the dead-letter queue')).toMatchObject({
      level: 50,
      jobType: 'approval.escalate',
      jobId: 'request-2',
      attempts: 3,
      reason: 'Error: Graph answered 503 (attempt 3)',
      deadLetterQueue: `${queueName}-poison`,
    });
  });

  it('keeps a long-running job hidden from the other instance (visibility extended while it runs)', async ({
    expect,
    onTestFinished,
  }) => {
    const queueName = uniqueName('jobs');
    const runs: string[] = [];
    const watches = [new PollWatch(), new PollWatch()];
    const instances = ['instance-a', 'instance-b'].map((instance, i) =>
      run(
        // 3 s, not 1 s: the extension runs every half timeout, so a loaded machine has 1.5 s of slack, not 0.5 s.
        jobQueue(queueName, { visibilityTimeoutSeconds: 3, onPoll: watches[i]!.onPoll }),
        {
          'activation.watch': async () => {
            runs.push(instance);
            await sleep(7_500); // the job's own length, two and a half visibility timeouts (not a wait for an event)
            runs.push(`${instance} done`);
          },
        },
        onTestFinished,
      ),
    );

    await instances[0]!.schedule({ type: 'activation.watch', id: 'request-3', payload: { requestId: 'request-3' } });
    await until(() => runs.some((r) => r.endsWith('done')), 15_000);
    // Done once: its message is gone, and both instances have polled again since.
    await until(async () => (await messagesLeft(queueName)) === 0, 10_000);
    await Promise.all(watches.map((w) => w.next()));

    expect(runs).toHaveLength(2); // one start, one "done"
    expect(watches[0]!.delivered + watches[1]!.delivered).toBe(1); // never handed out again while it ran
    expect(runs[1]).toBe(`${runs[0]} done`);
    expect(await messagesLeft(queueName)).toBe(0);
  });

  it('onPoll hears of every receive, numbered from 1, with the jobs it returned; its throw stops nothing', async ({
    expect,
    onTestFinished,
  }) => {
    const queueName = uniqueName('jobs');
    const { logger, lines } = capturingLogger();
    const polls: JobQueuePoll[] = [];
    const ran = signal();
    const queue = run(
      jobQueue(queueName, {
        logger,
        onPoll: (poll) => {
          polls.push(poll);
          throw new Error('a broken observer');
        },
      }),
      { 'approval.remind': async () => ran.resolve() },
      onTestFinished,
    );
    await queue.schedule({ type: 'approval.remind', id: 'request-poll', payload: null });
    await ran.promise;

    expect(polls.length).toBeGreaterThan(0);
    expect(polls.map((p) => p.receives)).toEqual(polls.map((_, i) => i + 1));
    expect(polls.filter((p) => p.received > 0).map((p) => p.received)).toEqual([1]);
    expect(lines.filter((l) => l.msg === 'JobQueue onPoll callback threw')).toHaveLength(polls.length);
  });

  it('stop() waits for the running job to finish and starts no new one', async ({ expect }) => {
    const queueName = uniqueName('jobs');
    const events: string[] = [];
    const started = signal();
    const finish = signal();
    const queue = jobQueue(queueName, { concurrency: 1 });
    queue.start({
      slow: async (job) => {
        events.push(`start ${job.id}`);
        started.resolve();
        await finish.promise; // runs until the test lets it end, after stop() was called
        events.push(`end ${job.id}`);
      },
    });

    await queue.schedule({ type: 'slow', id: 'first', payload: null });
    await started.promise;
    await queue.schedule({ type: 'slow', id: 'second', payload: null });
    const stopped = queue.stop().then(() => events.push('stopped'));
    // stop() has nothing left to wait for but the job: a turn of the event loop later it still waits.
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['start first']);
    finish.resolve();
    await stopped;

    expect(events).toEqual(['start first', 'end first', 'stopped']);
    expect(await messagesLeft(queueName)).toBe(1); // "second" waits for the next instance
  });

  describe('refuses token-shaped payloads', () => {
    // A JWT-shaped string made here (never a committed token): header.payload.signature, base64url.
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: 'alice' })}.${Buffer.from('signature').toString('base64url')}`;

    it.for([
      ['a JWT as a value', { note: jwt }, 'payload.note', 'looks like a JWT'],
      [
        'a JWT deep inside',
        { users: [{ id: 'u1', extra: { blob: `x ${jwt}` } }] },
        'payload.users[0].extra.blob',
        'JWT',
      ],
      ['a bearer header', { header: 'Bearer abc.def' }, 'payload.header', 'looks like a bearer token'],
      ['a field named for a secret', { accessToken: 'opaque' }, 'payload.accessToken', 'reserved for secrets'],
      ['a client secret', { client_secret: 'x' }, 'payload.client_secret', 'reserved for secrets'],
    ] as const)('refuses %s', async ([, payload, path, problem], { expect }) => {
      const queueName = uniqueName('jobs');
      const queue = jobQueue(queueName);

      const error = await queue.schedule({ type: 'approval.remind', id: 'request-4', payload }).then(
        () => undefined,
        (err: unknown) => err,
      );

      expect(error).toBeInstanceOf(UnsafeJobPayloadError);
      expect((error as UnsafeJobPayloadError).path).toBe(path);
      expect((error as Error).message).toContain(problem);
      expect((error as Error).message).not.toContain('eyJ'); // the message never repeats the secret
      expect(await new QueueClient(azurite.connectionString, queueName).exists()).toBe(false); // nothing sent
    });

    it('accepts ids, names and times', async ({ expect }) => {
      const queueName = uniqueName('jobs');
      await jobQueue(queueName).schedule({
        type: 'approval.remind',
        id: '4b0d2c6e-1f0e-4d8a-9d49-1c2b3a4d5e6f',
        payload: { requestId: '4b0d2c6e-1f0e-4d8a-9d49-1c2b3a4d5e6f', requester: 'Zoë', at: new Date(0) },
      });
      expect(await messagesLeft(queueName)).toBe(1);
    });
  });
});

describe('describeError (dead-letter reasons and logs)', () => {
  it('blanks tokens and account keys an error message happens to contain', () => {
    const error = new Error(
      'call failed with eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln on AccountKey=abc123==;BlobEndpoint=x',
    );
    expect(describeError(error)).toBe(
      'Error: call failed with [redacted token] on AccountKey=[redacted];BlobEndpoint=x',
    );
  });
});
