import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../simulators/clock';
import { createLogger } from '../../src/observability/logger';
import { MemoryScheduler } from '../../src/scheduler/memory-scheduler';
import type { RunningJob } from '../../src/scheduler/scheduler';
import { signal } from './signal';

function scheduler(options: { maxAttempts?: number; retryDelayMs?: number } = {}) {
  const clock = new ManualClock(new Date('2026-11-22T09:00:00Z'));
  const lines: Array<{ msg: string; [k: string]: unknown }> = [];
  const logger = createLogger('debug', { write: (line: string) => lines.push(JSON.parse(line)) });
  const jobs = new MemoryScheduler({ logger, now: () => clock.now(), pollIntervalMs: 60_000, ...options });
  return { clock, jobs, lines };
}
const minutes = (clock: ManualClock, n: number) => new Date(clock.now().getTime() + n * 60_000);

describe('MemoryScheduler (one instance, state in memory)', () => {
  it('runs each job once when the app clock reaches its due time, soonest first', async () => {
    const { clock, jobs } = scheduler();
    const ran: string[] = [];
    jobs.start({ t: async (job) => void ran.push(job.id) });
    await jobs.at(minutes(clock, 60), { type: 't', id: 'remind', payload: null });
    await jobs.at(minutes(clock, 10), { type: 't', id: 'warn', payload: null });
    await jobs.at(minutes(clock, 24 * 60), { type: 't', id: 'expire', payload: null });

    expect(await jobs.runDue()).toBe(0);
    clock.advance(61 * 60_000);
    expect(await jobs.runDue()).toBe(2);
    expect(ran).toEqual(['warn', 'remind']);
    expect(await jobs.runDue()).toBe(0);
    expect(jobs.scheduled().map((j) => j.id)).toEqual(['expire']);
    await jobs.stop();
  });

  it('a job due now runs at once, without waiting for the next poll', async () => {
    const { clock, jobs } = scheduler();
    const ran = signal<RunningJob<unknown>>();
    jobs.start({ follow: async (job) => ran.resolve(job) });
    await jobs.at(clock.now(), { type: 'follow', id: 'r1', payload: { attempt: 0 } });
    // The next poll is a minute away (longer than the test may take): the job runs because it was due.
    expect(await ran.promise).toEqual(expect.objectContaining({ id: 'r1', payload: { attempt: 0 }, attempt: 1 }));
    await jobs.stop();
  });

  it('a failing job is retried after the retry delay, then dead-lettered with its reason and logged', async () => {
    const { clock, jobs, lines } = scheduler({ maxAttempts: 3, retryDelayMs: 30_000 });
    const attempts: number[] = [];
    jobs.start({
      flaky: async (job) => {
        attempts.push(job.attempt);
        throw new Error(`Graph answered 503 (attempt ${job.attempt})`);
      },
    });
    await jobs.at(clock.now(), { type: 'flaky', id: 'r2', payload: null });
    await jobs.runDue();
    expect(attempts).toEqual([1]);
    await jobs.runDue(); // not again before the retry delay
    expect(attempts).toEqual([1]);
    for (let i = 0; i < 2; i++) {
      clock.advance(30_000);
      await jobs.runDue();
    }
    expect(attempts).toEqual([1, 2, 3]);
    expect(jobs.deadLetters).toEqual([
      { type: 'flaky', id: 'r2', attempts: 3, reason: 'Error: Graph answered 503 (attempt 3)' },
    ]);
    expect(jobs.scheduled()).toEqual([]);
    expect(lines.find((l) => l.msg === 'Job moved to the dead-letter list')).toMatchObject({
      jobType: 'flaky',
      jobId: 'r2',
      reason: 'Error: Graph answered 503 (attempt 3)',
    });
    await jobs.stop();
  });

  it('a job of a type nobody handles is dead-lettered, not dropped silently', async () => {
    const { clock, jobs } = scheduler({ maxAttempts: 1 });
    jobs.start({});
    await jobs.at(clock.now(), { type: 'unknown.kind', id: 'x', payload: null });
    await jobs.runDue();
    expect(jobs.deadLetters[0]?.reason).toMatch(/No handler for job type "unknown.kind"/);
    await jobs.stop();
  });

  it('concurrent runDue calls never run a job twice', async () => {
    const { clock, jobs } = scheduler();
    let runs = 0;
    jobs.start({
      slow: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 20));
      },
    });
    for (let i = 0; i < 5; i++) await jobs.at(clock.now(), { type: 'slow', id: `j${i}`, payload: null });
    await Promise.all([jobs.runDue(), jobs.runDue(), jobs.runDue()]);
    expect(runs).toBe(5);
    await jobs.stop();
  });
});
