import { QueueClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../simulators/clock';
import { createLogger } from '../../src/observability/logger';
import { jobsQueueName } from '../../src/scheduler/create-scheduler';
import { JobQueue } from '../../src/scheduler/job-queue';
import { UnsafeJobPayloadError } from '../../src/scheduler/payload-guard';
import { QueueScheduler } from '../../src/scheduler/queue-scheduler';
import type { RunningJob } from '../../src/scheduler/scheduler';
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

async function messagesLeft(queueName: string): Promise<number> {
  const properties = await new QueueClient(azurite.connectionString, queueName).getProperties();
  return properties.approximateMessagesCount ?? 0;
}

/** Waits for storage to say `check` (a condition on Azurite's state, not a guess at how long it takes). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
}

function queueScheduler(
  options: { now?: () => Date; maxDelaySeconds?: number; pollIntervalMs?: number; watch?: PollWatch } = {},
) {
  const queueName = uniqueName('jobs');
  const queue = new JobQueue({
    connectionString: azurite.connectionString,
    queueName,
    pollIntervalMs: options.pollIntervalMs ?? 100,
    onPoll: options.watch?.onPoll,
    logger: createLogger('silent'),
  });
  return { jobs: new QueueScheduler(queue, options), queueName };
}

describe.concurrent('QueueScheduler: jobs due on the app clock, on Azure Storage queues (Azurite)', () => {
  it('a job due now is taken at once by the instance that scheduled it, not a poll interval later', async ({
    onTestFinished,
  }) => {
    const watch = new PollWatch();
    // An hour between polls: had scheduling not cut the wait short, the job would run an hour later.
    const { jobs } = queueScheduler({ pollIntervalMs: 3_600_000, watch });
    const ran = signal<{ job: RunningJob<unknown>; atReceive: number }>();
    jobs.start({ 'approval.follow': async (job) => ran.resolve({ job, atReceive: watch.receives }) });
    onTestFinished(() => jobs.stop());
    await watch.until(() => watch.receives === 1); // the first (empty) poll is done: the loop now waits an hour
    expect(watch.polls[0]?.received).toBe(0);
    await jobs.at(new Date(), { type: 'approval.follow', id: 'request-1', payload: { attempt: 0 } });
    const { job, atReceive } = await ran.promise;
    expect(atReceive).toBe(2); // taken by the very next receive, not one an hour later
    expect(job).toMatchObject({ type: 'approval.follow', id: 'request-1', payload: { attempt: 0 }, attempt: 1 });
  });

  it('a job that turns up before its time on the app clock goes back for the rest, and runs once when due', async ({
    onTestFinished,
  }) => {
    // The queue delay is capped at 1 s per hop (like the 7-day limit of Azure queues, shortened): a job
    // due in 3 s comes back at least twice before it runs.
    const clock = new ManualClock();
    const watch = new PollWatch();
    const { jobs, queueName } = queueScheduler({ now: () => clock.now(), maxDelaySeconds: 1, watch });
    const ran: Array<{ at: Date; deliveries: number }> = [];
    const first = signal();
    jobs.start({
      'activation.warn': async () => {
        ran.push({ at: clock.now(), deliveries: watch.delivered });
        first.resolve();
      },
    });
    onTestFinished(() => jobs.stop());
    const dueAt = new Date(clock.now().getTime() + 3_000);
    await jobs.at(dueAt, { type: 'activation.warn', id: 'r2', payload: null });
    await first.promise;
    expect(ran[0]!.at.getTime()).toBeGreaterThanOrEqual(dueAt.getTime()); // not before its time on the app clock
    expect(ran[0]!.deliveries).toBeGreaterThanOrEqual(3); // two early deliveries sent back, then the due one
    // Once: its message is gone from the queue (a job that could run again would still be there, hidden).
    await until(async () => (await messagesLeft(queueName)) === 0);
    await watch.next(2);
    expect(ran).toHaveLength(1);
  });

  it('moving the app clock past the due time runs the job on its next delivery', async ({ onTestFinished }) => {
    const clock = new ManualClock();
    const watch = new PollWatch();
    const { jobs } = queueScheduler({ now: () => clock.now(), maxDelaySeconds: 1, watch });
    const ran = signal<{ id: string; deliveries: number; clockMoved: boolean }>();
    let clockMoved = false;
    jobs.start({
      'approval.expire': async (job) => ran.resolve({ id: job.id, deliveries: watch.delivered, clockMoved }),
    });
    onTestFinished(() => jobs.stop());
    await jobs.at(new Date(clock.now().getTime() + 24 * 3_600_000), {
      type: 'approval.expire',
      id: 'r3',
      payload: null,
    });
    await watch.until(() => watch.delivered >= 2); // delivered twice, sent back twice: not due
    const deliveredBefore = watch.delivered;
    clockMoved = true;
    clock.advance(24 * 3_600_000);
    const { id, deliveries, clockMoved: ranAfterTheMove } = await ran.promise;
    expect(ranAfterTheMove).toBe(true);
    expect(id).toBe('r3');
    // The delivery that ran it is the next one (or one already received when the clock moved).
    expect(deliveries).toBeLessThanOrEqual(deliveredBefore + 1);
  });

  it('refuses a token-shaped payload: jobs hold ids only', async () => {
    const { jobs } = queueScheduler();
    const jwtShaped = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJ4In0', 'c2lnbmF0dXJl'].join('.');
    await expect(
      jobs.at(new Date(), { type: 'approval.remind', id: 'r4', payload: { token: jwtShaped } }),
    ).rejects.toBeInstanceOf(UnsafeJobPayloadError);
  });

  it('names the queue after the state container, with room for the dead-letter suffix', () => {
    expect(jobsQueueName('pimbot-state')).toBe('pimbot-state-jobs');
    const long = jobsQueueName(`a${'-b'.repeat(31)}`);
    expect(`${long}-poison`.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });
});
