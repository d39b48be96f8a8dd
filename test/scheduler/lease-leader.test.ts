import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { type LeaseAttempt, LeaseLeader, type LeaseLeaderOptions } from '../../src/scheduler/lease-leader';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';
import { Leadership } from './leadership';
import { leaseBlob, relay } from './lease-storage';

let azurite: TestAzurite;
const children: ChildProcess[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await azurite?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `check` to hold (an event: a callback ran, a process wrote a line), polling in-memory state. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20);
}

/** A LeaseLeader ("one bot instance") that records its onLead/onLose calls and every try for the lease. */
function instance(
  name: string,
  options: Partial<LeaseLeaderOptions> & { blobName: string; container: string },
  onTestFinished: TestContext['onTestFinished'],
  leadership = new Leadership(),
) {
  const events: string[] = [];
  const attempts: LeaseAttempt[] = [];
  const leader = new LeaseLeader({
    connectionString: azurite.connectionString,
    leaseSeconds: 15,
    renewEveryMs: 300,
    acquireEveryMs: 200,
    logger: createLogger('silent'),
    onAttempt: (attempt) => attempts.push(attempt),
    ...options,
  });
  leader.start(
    () => {
      events.push('lead');
      leadership.lead();
    },
    () => {
      events.push('lose');
      leadership.lose();
    },
  );
  onTestFinished(() => leader.stop());
  return { name, leader, events, attempts };
}

type Instance = ReturnType<typeof instance>;

/** Resolves once every instance has tried for (or renewed) the lease `count` more times than now. */
function moreAttempts(instances: Instance[], count: number): Promise<void> {
  const targets = instances.map((i) => i.attempts.length + count);
  return until(() => instances.every((i, n) => i.attempts.length >= targets[n]!));
}

// Every test has its own container, so they run side by side (the slow ones wait out a 15 s lease).
describe.concurrent('LeaseLeader on an Azure blob lease (Azurite)', () => {
  it('lets only one of three instances lead, and hands over at once when the leader stops', async ({
    expect,
    onTestFinished,
  }) => {
    const where = { container: uniqueName('leases'), blobName: 'scheduler-leader' };
    const leadership = new Leadership();
    const instances = ['a', 'b', 'c'].map((name) => instance(name, where, onTestFinished, leadership));

    await until(() => instances.some((i) => i.leader.isLeader));
    await moreAttempts(instances, 3); // the others tried three times each meanwhile, the leader renewed
    expect(leadership.most).toBe(1);
    const first = instances.find((i) => i.leader.isLeader)!;
    const rest = instances.filter((i) => i !== first);
    expect(rest.flatMap((i) => i.attempts.slice(-3).map((a) => a.outcome))).toEqual(Array(6).fill('taken'));

    await first.leader.stop();
    expect(first.events).toEqual(['lead', 'lose']);
    expect(first.leader.isLeader).toBe(false);
    const triedBefore = rest.map((i) => i.attempts.length);
    await until(() => rest.some((i) => i.leader.isLeader));
    // Released, not left to expire (15 s): each other instance was refused at most once more (a try already
    // on its way when the lease was released), and the new leader took it at its first or second try.
    for (const [n, i] of rest.entries()) {
      const since = i.attempts.slice(triedBefore[n]).map((a) => a.outcome);
      const beforeTakeover = since.includes('acquired') ? since.slice(0, since.indexOf('acquired')) : since;
      expect(beforeTakeover.filter((o) => o === 'taken').length).toBeLessThanOrEqual(1);
    }
    leadership.from();
    await moreAttempts(rest, 3);
    expect(leadership.most).toBe(1);
  });

  it('onAttempt hears of every try with what storage answered; its throw is logged and stops nothing', async ({
    expect,
    onTestFinished,
  }) => {
    const where = { container: uniqueName('leases'), blobName: 'scheduler-leader' };
    const lines: Array<{ msg: string }> = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const seen: LeaseAttempt[] = [];
    const a = instance('a', where, onTestFinished);
    await until(() => a.leader.isLeader);
    const b = instance(
      'b',
      {
        ...where,
        logger,
        onAttempt: (attempt) => {
          seen.push(attempt);
          throw new Error('a broken observer');
        },
      },
      onTestFinished,
    );
    await until(() => seen.length >= 2);
    expect(seen.slice(0, 2)).toEqual([
      { kind: 'acquire', outcome: 'taken' },
      { kind: 'acquire', outcome: 'taken' },
    ]);
    await a.leader.stop();
    // Still contending, despite its observer throwing every time: it takes over.
    await until(() => seen.some((attempt) => attempt.outcome === 'acquired'));
    expect(b.leader.isLeader).toBe(true);
    expect(lines.filter((l) => l.msg === 'LeaseLeader onAttempt callback threw').length).toBe(seen.length);
  });

  it('steps down when an operator breaks its lease, and one instance leads again', async ({
    expect,
    onTestFinished,
  }) => {
    const where = { container: uniqueName('leases'), blobName: 'scheduler-leader' };
    const leadership = new Leadership();
    const instances = ['a', 'b'].map((name) => instance(name, where, onTestFinished, leadership));
    await until(() => instances.some((i) => i.leader.isLeader));
    const holder = instances.find((i) => i.leader.isLeader)!;
    const renewalsBefore = holder.attempts.length;

    // e.g. `az storage blob lease break`: the holder's next renewal fails and it must notice.
    await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(where.container)
      .getBlobClient(where.blobName)
      .getBlobLeaseClient()
      .breakLease(0);

    await until(() => holder.events.includes('lose'));
    // It noticed at its next renewal: storage refused it.
    expect(holder.attempts.slice(renewalsBefore).map((a) => `${a.kind} ${a.outcome}`)).toContain('renew lost');
    await until(() => instances.some((i) => i.leader.isLeader));
    leadership.from();
    await moreAttempts(instances, 3);
    expect(leadership.most).toBe(1);
  });

  it('takes over from a leader process that was killed, once its 15 s lease expires', async ({
    expect,
    onTestFinished,
  }) => {
    const where = { container: uniqueName('leases'), blobName: 'scheduler-leader' };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/lease-holder.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          LEASE_CONNECTION_STRING: azurite.connectionString,
          LEASE_CONTAINER: where.container,
          LEASE_BLOB: where.blobName,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    let childOutput = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      childOutput += chunk.toString();
    });
    await until(() => /^lead \S+$/m.test(childOutput));
    const childLeaseId = /^lead (\S+)$/m.exec(childOutput)![1]!;
    const blob = leaseBlob(azurite.connectionString, where);

    const survivor = instance('survivor', where, onTestFinished);
    await moreAttempts([survivor], 3);
    expect(survivor.attempts.map((a) => a.outcome)).toEqual(['taken', 'taken', 'taken']); // the child holds it
    expect(survivor.leader.isLeader).toBe(false);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL'); // dies holding the lease: no release
    await exited;
    const triedBeforeKill = survivor.attempts.length;
    let leaseAtTakeover: Promise<string[]> | undefined;
    await until(() => {
      if (survivor.leader.isLeader)
        leaseAtTakeover ??= Promise.all([blob.renewAs(survivor.leader.instanceId), blob.renewAs(childLeaseId)]);
      return leaseAtTakeover !== undefined;
    });

    // Not while the dead leader's lease still held: storage refused every try until it granted the lease to
    // the survivor, which holds it now, and the dead leader's lease id no longer does.
    expect(await leaseAtTakeover).toEqual(['renewed', 'LeaseIdMismatchWithLeaseOperation']);
    const outcomes = survivor.attempts.slice(triedBeforeKill).map((a) => a.outcome);
    expect(outcomes.at(-1)).toBe('acquired');
    // And at its first try once the lease had expired: nothing but refusals before (no error, no pause).
    expect(new Set(outcomes.slice(0, -1))).toEqual(new Set(outcomes.length > 1 ? ['taken'] : []));
    expect(survivor.events).toEqual(['lead']);
  }, 40_000);

  it('steps down before its lease can expire when storage becomes unreachable', async ({ expect, onTestFinished }) => {
    const where = { container: uniqueName('leases'), blobName: 'scheduler-leader' };
    const blob = leaseBlob(azurite.connectionString, where);
    const cable = await relay(azurite);
    const events: string[] = [];
    const attempts: LeaseAttempt[] = [];
    let storageAtStepDown: Promise<string> | undefined;
    let steppedDownAt = 0;
    const leader = new LeaseLeader({
      connectionString: cable.connectionString,
      ...where,
      leaseSeconds: 15,
      renewEveryMs: 1_000,
      logger: createLogger('silent'),
      onAttempt: (attempt) => attempts.push(attempt),
    });
    leader.start(
      () => events.push('lead'),
      () => {
        events.push('lose');
        steppedDownAt = Date.now();
        // At the moment it steps down, ask storage (directly, not through the cut cable) whether the lease holds.
        storageAtStepDown = blob.acquireAsNewcomer();
      },
    );
    onTestFinished(() => leader.stop());
    await until(() => attempts.some((a) => a.outcome === 'renewed')); // leading, renewed at least once

    const cutAt = Date.now();
    await cable.cut(); // this instance loses storage; storage itself keeps its lease
    await until(() => storageAtStepDown !== undefined);

    // Stepped down while its lease still held on storage (a newcomer is refused): never two leaders.
    expect(await storageAtStepDown).toBe('LeaseAlreadyPresent');
    // Not at the first failed renewal: it led on while the lease surely held. (A lower bound, which a loaded
    // machine only makes longer: the last renewal was at most a second before the cut, 15 s lease, 1.5 s margin.)
    expect(attempts.filter((a) => a.kind === 'renew' && a.outcome === 'failed').length).toBeGreaterThan(1);
    expect(steppedDownAt - cutAt).toBeGreaterThan(11_000);
    expect(events).toEqual(['lead', 'lose']);
  }, 40_000);
});
