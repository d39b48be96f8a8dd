import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../simulators/clock';
import { createLogger } from '../../src/observability/logger';
import { jobsQueueName } from '../../src/scheduler/create-scheduler';
import { JobQueue } from '../../src/scheduler/job-queue';
import { UnsafeJobPayloadError } from '../../src/scheduler/payload-guard';
import { QueueScheduler } from '../../src/scheduler/queue-scheduler';
import type { RunningJob } from '../../src/scheduler/scheduler';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';

let azurite: TestAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await sleep(25);
  }
}

function queueScheduler(options: { now?: () => Date; maxDelaySeconds?: number; pollIntervalMs?: number } = {}) {
  const queue = new JobQueue({
    connectionString: azurite.connectionString,
    queueName: uniqueName('jobs'),
    pollIntervalMs: options.pollIntervalMs ?? 100,
    logger: createLogger('silent'),
  });
  return new QueueScheduler(queue, options);
}

describe.concurrent('QueueScheduler: jobs due on the app clock, on Azure Storage queues (Azurite)', () => {
  it('a job due now is taken at once by the instance that scheduled it, not a poll interval later', async ({
    onTestFinished,
  }) => {
    const jobs = queueScheduler({ pollIntervalMs: 10_000 });
    const ran: RunningJob<unknown>[] = [];
    jobs.start({ 'approval.follow': async (job) => void ran.push(job) });
    onTestFinished(() => jobs.stop());
    await sleep(300); // the first (empty) poll is done: the loop now sleeps 10 s
    const scheduledAt = Date.now();
    await jobs.at(new Date(), { type: 'approval.follow', id: 'request-1', payload: { attempt: 0 } });
    await until(() => ran.length === 1, 5_000);
    expect(Date.now() - scheduledAt).toBeLessThan(3_000);
    expect(ran[0]).toMatchObject({ type: 'approval.follow', id: 'request-1', payload: { attempt: 0 }, attempt: 1 });
  });

  it('a job that turns up before its time on the app clock goes back for the rest, and runs once when due', async ({
    onTestFinished,
  }) => {
    // The queue delay is capped at 1 s per hop (like the 7-day limit of Azure queues, shortened): a job
    // due in 3 s comes back twice before it runs.
    const clock = new ManualClock();
    const jobs = queueScheduler({ now: () => clock.now(), maxDelaySeconds: 1 });
    const ran: number[] = [];
    jobs.start({ 'activation.warn': async () => void ran.push(Date.now()) });
    onTestFinished(() => jobs.stop());
    const scheduledAt = Date.now();
    await jobs.at(new Date(clock.now().getTime() + 3_000), { type: 'activation.warn', id: 'r2', payload: null });
    await until(() => ran.length === 1, 10_000);
    expect(ran[0]! - scheduledAt).toBeGreaterThanOrEqual(2_900);
    await sleep(1_500);
    expect(ran).toHaveLength(1);
  });

  it('moving the app clock past the due time runs the job on its next delivery', async ({ onTestFinished }) => {
    const clock = new ManualClock();
    const jobs = queueScheduler({ now: () => clock.now(), maxDelaySeconds: 1 });
    const ran: string[] = [];
    jobs.start({ 'approval.expire': async (job) => void ran.push(job.id) });
    onTestFinished(() => jobs.stop());
    await jobs.at(new Date(clock.now().getTime() + 24 * 3_600_000), {
      type: 'approval.expire',
      id: 'r3',
      payload: null,
    });
    await sleep(2_500);
    expect(ran).toEqual([]);
    clock.advance(24 * 3_600_000);
    await until(() => ran.length === 1, 5_000);
    expect(ran).toEqual(['r3']);
  });

  it('refuses a token-shaped payload: jobs hold ids only', async () => {
    const jobs = queueScheduler();
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
