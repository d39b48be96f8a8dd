import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { LeaseLeader, type LeaseLeaderOptions } from '../../src/scheduler/lease-leader';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';

let azurite: TestAzurite;
/** A second Azurite, for the test that pulls the plug on storage. */
let doomed: TestAzurite;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [azurite, doomed] = await Promise.all([startAzurite(), startAzurite()]);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([azurite?.stop(), doomed?.stop()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const startedAt = Date.now();
  while (!check()) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms`);
    await sleep(20);
  }
  return Date.now() - startedAt;
}

/** A LeaseLeader ("one bot instance") that records its onLead/onLose calls. */
function instance(
  name: string,
  options: Partial<LeaseLeaderOptions> & { blobName: string; container: string },
  onTestFinished: TestContext['onTestFinished'],
) {
  const events: string[] = [];
  const leader = new LeaseLeader({
    connectionString: azurite.connectionString,
    leaseSeconds: 15,
    renewEveryMs: 300,
    acquireEveryMs: 200,
    logger: createLogger('silent'),
    ...options,
  });
  leader.start(
    () => events.push('lead'),
    () => events.push('lose'),
  );
  onTestFinished(() => leader.stop());
  return { name, leader, events };
}

/** Samples the instances for `ms` and returns the most that ever believed they led at the same time. */
async function mostLeadersAtOnce(instances: Array<{ leader: LeaseLeader }>, ms: number): Promise<number> {
  let most = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    most = Math.max(most, instances.filter((i) => i.leader.isLeader).length);
    await sleep(10);
  }
  return most;
}

// Every test has its own container, so they run side by side (the slow ones wait out a 15 s lease).
describe.concurrent('LeaseLeader on an Azure blob lease (Azurite)', () => {
  it('lets only one of three instances lead, and hands over at once when the leader stops', async ({
    expect,
    onTestFinished,
  }) => {
    const where = { container: uniqueName('leases'), blobName: 'scheduler-leader' };
    const instances = ['a', 'b', 'c'].map((name) => instance(name, where, onTestFinished));

    await until(() => instances.some((i) => i.leader.isLeader), 5_000);
    expect(await mostLeadersAtOnce(instances, 1_500)).toBe(1);

    const first = instances.find((i) => i.leader.isLeader)!;
    await first.leader.stop();
    expect(first.events).toEqual(['lead', 'lose']);
    expect(first.leader.isLeader).toBe(false);

    const handoverMs = await until(() => instances.some((i) => i.leader.isLeader), 5_000);
    expect(handoverMs).toBeLessThan(1_000); // released, not left to expire (15 s)
    const rest = instances.filter((i) => i !== first);
    expect(await mostLeadersAtOnce(rest, 1_000)).toBe(1);
  });

  it('steps down when an operator breaks its lease, and one instance leads again', async ({
    expect,
    onTestFinished,
  }) => {
    const where = { container: uniqueName('leases'), blobName: 'scheduler-leader' };
    const instances = ['a', 'b'].map((name) => instance(name, where, onTestFinished));
    await until(() => instances.some((i) => i.leader.isLeader), 5_000);
    const holder = instances.find((i) => i.leader.isLeader)!;

    // e.g. `az storage blob lease break`: the holder's next renewal fails and it must notice.
    await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(where.container)
      .getBlobClient(where.blobName)
      .getBlobLeaseClient()
      .breakLease(0);

    await until(() => holder.events.includes('lose'), 3_000);
    await until(() => instances.some((i) => i.leader.isLeader), 3_000);
    expect(await mostLeadersAtOnce(instances, 1_000)).toBe(1);
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
    await until(() => childOutput.includes('lead'), 15_000);

    const survivor = instance('survivor', where, onTestFinished);
    await sleep(600);
    expect(survivor.leader.isLeader).toBe(false); // the child holds the lease, renewing every second

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL'); // dies holding the lease: no release
    await exited;
    const takeoverMs = await until(() => survivor.leader.isLeader, 20_000);

    // Not before the lease (renewed ≤ 1 s before the kill) expired, and soon after it did.
    expect(takeoverMs).toBeGreaterThan(13_500);
    expect(takeoverMs).toBeLessThan(16_500);
    expect(survivor.events).toEqual(['lead']);
  }, 40_000);

  it('steps down before its lease can expire when storage becomes unreachable', async ({ expect, onTestFinished }) => {
    const events: string[] = [];
    const leader = new LeaseLeader({
      connectionString: doomed.connectionString,
      container: 'leases',
      blobName: 'scheduler-leader',
      leaseSeconds: 15,
      renewEveryMs: 1_000,
      logger: createLogger('silent'),
    });
    leader.start(
      () => events.push('lead'),
      () => events.push('lose'),
    );
    onTestFinished(() => leader.stop());
    await until(() => leader.isLeader, 5_000);
    await sleep(1_200); // at least one renewal

    await doomed.stop(); // pull the plug
    const stepDownMs = await until(() => !leader.isLeader, 20_000);

    // Renewals keep failing, but it leads on while its lease surely still holds, then steps down
    // before the lease (last renewed ≤ 1 s before the outage) could have expired for others.
    expect(stepDownMs).toBeGreaterThan(11_000);
    expect(stepDownMs).toBeLessThan(15_000);
    expect(events).toEqual(['lead', 'lose']);
  }, 40_000);
});
