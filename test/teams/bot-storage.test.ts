import { BlobServiceClient } from '@azure/storage-blob';
import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { newRequest, type PimRequest } from '../../src/requests/pim-request';
import { PimRequestStore, REQUEST_INDEX_KEYS } from '../../src/requests/pim-request-store';
import { isConflict } from '../../src/store/compare-and-swap';
import { createStorage } from '../../src/teams/bot-storage';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';

let azurite: TestAzurite;
const PENDING_INDEX_KEY = REQUEST_INDEX_KEYS.pendingApproval;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

/** Two bot instances: separate Storage objects on the same container. */
async function twoInstances(): Promise<[Storage, Storage]> {
  const container = uniqueName('state');
  return [
    await createStorage({ connectionString: azurite.connectionString, container }),
    await createStorage({ connectionString: azurite.connectionString, container }),
  ];
}

function trackedRequest(requestId: string): PimRequest {
  return newRequest({
    id: requestId,
    target: {
      kind: 'role',
      roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
      directoryScopeId: '/',
      displayName: 'Global Administrator',
    },
    requester: { aadObjectId: '00000000-0000-0000-0000-0000000000a1', name: 'Zoë Müller-Łukasiewicz 🚀' },
    durationMinutes: 0,
    justification: 'Incident INC-42: rotate the break-glass keys — urgent ✅',
    requestedAt: '2025-01-01T08:00:00.000Z',
    status: 'pendingApproval',
    approval: { approvalId: `approval-${requestId}`, approvers: [], hints: [], copies: [] },
  });
}

// Every test has its own container, so they run side by side.
describe.concurrent('createStorage', () => {
  it('gives MemoryStorage when there is no connection string', async ({ expect }) => {
    expect(await createStorage({ container: 'pimbot-state' })).toBeInstanceOf(MemoryStorage);
  });

  it('creates the blob container before handing out the storage', async ({ expect }) => {
    const container = uniqueName('state');
    await createStorage({ connectionString: azurite.connectionString, container });
    const exists = await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(container)
      .exists();
    expect(exists).toBe(true);
  });

  it('creates initialItems in MemoryStorage too', async ({ expect }) => {
    const storage = await createStorage({ container: 'pimbot-state', initialItems: { 'config/seed': { ids: [] } } });
    expect((await storage.read(['config/seed']))['config/seed']).toMatchObject({ ids: [] });
  });

  it('refuses a container name Azure would refuse', async ({ expect }) => {
    await expect(createStorage({ container: 'PIM_Bot' })).rejects.toThrow(/not a valid blob container name/);
  });

  it('creates initialItems when absent and never overwrites them', async ({ expect }) => {
    const container = uniqueName('state');
    const first = await createStorage({
      connectionString: azurite.connectionString,
      container,
      initialItems: { 'config/seed': { ids: [] } },
    });
    expect((await first.read(['config/seed']))['config/seed']).toMatchObject({ ids: [] });
    await first.write({ 'config/seed': { ids: ['kept'], eTag: '*' } });

    const second = await createStorage({
      connectionString: azurite.connectionString,
      container,
      initialItems: { 'config/seed': { ids: [] } },
    });
    expect((await second.read(['config/seed']))['config/seed']).toMatchObject({ ids: ['kept'] });
  });

  it('round-trips non-ASCII text intact (UTF-8 length is not string length)', async ({ expect }) => {
    const [storage] = await twoInstances();
    const request = trackedRequest('utf8');
    await storage.write({ 'requests/utf8': { value: request, eTag: '*' } });
    const read = (await storage.read(['requests/utf8']))['requests/utf8'] as { value: PimRequest };
    expect(read.value).toEqual(request);
  });
});

describe.concurrent('eTag compare-and-swap on Azure Blob Storage (Azurite)', () => {
  it('rejects a write with a stale eTag, with an error isConflict recognises', async ({ expect }) => {
    const [a, b] = await twoInstances();
    await a.write({ item: { n: 1, eTag: '*' } });
    const seenByA = (await a.read(['item'])).item!;
    const seenByB = (await b.read(['item'])).item!;
    await b.write({ item: { n: 2, eTag: seenByB.eTag } });

    const stale = a.write({ item: { n: 3, eTag: seenByA.eTag } } as StoreItems);
    const error = await stale.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    // botbuilder-azure-blobs rethrows the 412 as a plain Error: no statusCode, only this message.
    expect((error as Error).message).toBe('Storage: error writing "item" due to eTag conflict.');
    expect((error as { statusCode?: number }).statusCode).toBeUndefined();
    expect(isConflict(error)).toBe(true);
    expect((await a.read(['item'])).item).toMatchObject({ n: 2 });
  });

  it('PimRequestStore re-reads and re-applies a change that lost the race, keeping both changes', async ({
    expect,
  }) => {
    const [a, b] = await twoInstances();
    const storeB = new PimRequestStore(b);
    // Instance A's storage lets instance B write in between A's read and A's write, once.
    let interfered = false;
    const racingA: Storage = {
      read: (keys) => a.read(keys),
      delete: (keys) => a.delete(keys),
      write: async (changes) => {
        if (!interfered) {
          interfered = true;
          await storeB.update('r1', (r) => ({
            ...r,
            steps: { ...r.steps, remind: { doneAt: '2025-01-01T09:00:00.000Z' } },
          }));
        }
        return a.write(changes);
      },
    };
    const storeA = new PimRequestStore(racingA);
    await new PimRequestStore(a).create(trackedRequest('r1'));
    interfered = false;

    const seenByA: Array<string | undefined> = [];
    const result = await storeA.update('r1', (r) => {
      seenByA.push(r.steps.remind?.doneAt);
      return { ...r, steps: { ...r.steps, escalate: { claimedAt: '2025-01-01T10:00:00.000Z' } } };
    });

    expect(seenByA).toEqual([undefined, '2025-01-01T09:00:00.000Z']); // first try lost, second saw B's write
    expect(result?.changed).toBe(true);
    expect(await storeA.get('r1')).toMatchObject({
      steps: { remind: { doneAt: '2025-01-01T09:00:00.000Z' }, escalate: { claimedAt: '2025-01-01T10:00:00.000Z' } },
    });
  });

  it('keeps both of two requests created at the same moment by two instances in pendingApproval()', async ({
    expect,
  }) => {
    // The pending index must exist before instances race to create it: botbuilder's Storage writes a
    // new item unconditionally (eTag "*"), so two first writes of the index would lose one id.
    const trial = async () => {
      const container = uniqueName('state');
      const initialItems = { [PENDING_INDEX_KEY]: { value: [] } };
      const [a, b] = await Promise.all([
        createStorage({ connectionString: azurite.connectionString, container, initialItems }),
        createStorage({ connectionString: azurite.connectionString, container, initialItems }),
      ]);
      await Promise.all([
        new PimRequestStore(a).create(trackedRequest('from-a')),
        new PimRequestStore(b).create(trackedRequest('from-b')),
      ]);
      return (await new PimRequestStore(a).pendingApproval()).map((r) => r.id).sort();
    };
    // Without the index created up front, most trials lose one of the two ids.
    expect(await Promise.all([trial(), trial(), trial()])).toEqual(Array(3).fill(['from-a', 'from-b']));
  });

  it('lets exactly one of two instances claim the same decision', async ({ expect }) => {
    const [a, b] = await twoInstances();
    await new PimRequestStore(a).create(trackedRequest('claim'));
    const claim = (store: PimRequestStore, by: string) =>
      store.update('claim', (r) =>
        r.steps.decide
          ? undefined
          : { ...r, steps: { ...r.steps, decide: { by, claimedAt: new Date().toISOString() } } },
      );

    const results = await Promise.all([
      claim(new PimRequestStore(a), 'approver-a'),
      claim(new PimRequestStore(b), 'approver-b'),
    ]);

    const winners = results.filter((r) => r?.changed);
    expect(winners).toHaveLength(1);
    expect((await new PimRequestStore(b).get('claim'))?.steps.decide?.by).toBe(winners[0]!.value.steps.decide!.by);
  });

  it('loses no update when two instances increment the same request 50 times in parallel', async ({ expect }) => {
    const [a, b] = await twoInstances();
    const stores = [new PimRequestStore(a), new PimRequestStore(b)];
    await stores[0]!.create(trackedRequest('counter'));

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        // 50 writers on one item: each round only one wins; the store allows as many rounds as that takes.
        stores[i % 2]!.update('counter', (r) => ({
          ...r,
          durationMinutes: r.durationMinutes + 1,
          approval: r.approval && {
            ...r.approval,
            copies: [
              ...r.approval.copies,
              { audience: 'approver', message: { conversation: {}, activityId: `activity-${i}` } },
            ],
          },
        })),
      ),
    );

    expect(results.every((r) => r?.changed)).toBe(true);
    const final = await stores[1]!.get('counter');
    expect(final?.durationMinutes).toBe(50);
    expect(new Set(final?.approval?.copies.map((c) => c.message.activityId)).size).toBe(50);
  });
});
