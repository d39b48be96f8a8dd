import { type Activity, TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { createStorage } from '../../src/teams/bot-storage';
import { DELIVERY_MARK_PREFIX, deliveryMarks, MemoryDeliveryMarks } from '../../src/teams/delivery-marks';
import { RedeliveryGuard } from '../../src/teams/redelivery-guard';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';

/**
 * Teams delivers a message again, with the same id, when the bot has not answered within about 15 s
 * (https://github.com/MicrosoftDocs/msteams-docs/issues/6084). Each delivery is handled once, on whichever
 * instance gets it first.
 */
const logger = createLogger('silent');
let azurite: TestAzurite;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

function message(id: string, conversationId = 'a:adele-chat'): Partial<Activity> {
  return {
    type: 'message',
    id,
    text: 'activate Exchange Administrator 1h INC-1 fix',
    channelId: 'msteams',
    from: { id: '29:adele', name: 'Adele Vance' },
    recipient: { id: '28:bot', name: 'PIM Bot' },
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
  };
}

async function blobMarks() {
  const container = uniqueName('marks');
  const account = { kind: 'connectionString' as const, connectionString: azurite.connectionString };
  await createStorage({ account, container });
  return deliveryMarks(account, container);
}

describe('delivery marks on Azure Storage (Azurite)', () => {
  it('50 instances claiming one delivery at once: exactly one wins', async () => {
    const marks = await blobMarks();
    const claims = await Promise.all(Array.from({ length: 50 }, () => marks.claim('msteams/a:chat/1234')));
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Another delivery (another id, or the same id in another conversation) is its own.
    expect(await marks.claim('msteams/a:chat/1235')).toBe(true);
    expect(await marks.claim('msteams/a:other/1234')).toBe(true);
  });

  it('a released mark can be claimed again (the retry of a failed turn is handled)', async () => {
    const marks = await blobMarks();
    expect(await marks.claim('k')).toBe(true);
    await marks.release('k');
    expect(await marks.claim('k')).toBe(true);
    expect(await marks.claim('k')).toBe(false);
  });

  it('keeps the marks in their own folder of the container, with no content', async () => {
    const container = uniqueName('marks');
    const account = { kind: 'connectionString' as const, connectionString: azurite.connectionString };
    await createStorage({ account, container });
    await deliveryMarks(account, container).claim('msteams/a:chat/42');
    const { BlobServiceClient } = await import('@azure/storage-blob');
    const names: Array<{ name: string; size: number | undefined }> = [];
    const client = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(container);
    for await (const blob of client.listBlobsFlat({ prefix: DELIVERY_MARK_PREFIX })) {
      names.push({ name: blob.name, size: blob.properties.contentLength });
    }
    expect(names).toHaveLength(1);
    expect(names[0]!.name.startsWith(DELIVERY_MARK_PREFIX)).toBe(true);
    expect(names[0]!.size).toBe(0);
  });
});

describe('delivery marks in memory (one instance, no Azure Storage)', () => {
  it('remembers a delivery for 10 minutes, then lets it go', async () => {
    let now = 0;
    const marks = new MemoryDeliveryMarks(() => now);
    expect(await marks.claim('a')).toBe(true);
    now = 9 * 60_000;
    expect(await marks.claim('a')).toBe(false);
    now = 10 * 60_000 + 1;
    expect(await marks.claim('b')).toBe(true);
    expect(marks.size).toBe(1);
    expect(await marks.claim('a')).toBe(true);
  });

  it('holds at most its limit, dropping the oldest first', async () => {
    const marks = new MemoryDeliveryMarks(() => 0, 3);
    for (const key of ['1', '2', '3', '4']) expect(await marks.claim(key)).toBe(true);
    expect(marks.size).toBe(3);
    expect(await marks.claim('4')).toBe(false);
    expect(await marks.claim('1')).toBe(true);
  });
});

describe('the redelivery guard', () => {
  it('two bot instances get the same message: one handles it, the other answers without handling', async () => {
    const marks = await blobMarks();
    const handled: string[] = [];
    const instances = ['A', 'B'].map((name) => {
      const adapter = new TestAdapter();
      adapter.use(new RedeliveryGuard(marks, logger));
      return { name, adapter };
    });
    await Promise.all(
      instances.map(({ name, adapter }) =>
        adapter.processActivity(message('1699999999999'), async () => {
          handled.push(name);
        }),
      ),
    );
    expect(handled).toHaveLength(1);
  });

  it('a turn that failed gives its mark back: Teams retries it and it is handled', async () => {
    const adapter = new TestAdapter();
    adapter.use(new RedeliveryGuard(new MemoryDeliveryMarks(), logger));
    let attempts = 0;
    const turn = async () => {
      attempts++;
      if (attempts === 1) throw new Error('Graph was down');
    };
    await expect(adapter.processActivity(message('77'), turn)).rejects.toThrow('Graph was down');
    await adapter.processActivity(message('77'), turn);
    await adapter.processActivity(message('77'), turn);
    expect(attempts).toBe(2);
  });

  it('leaves invokes and other activities alone (card decisions answer every delivery themselves)', async () => {
    const adapter = new TestAdapter();
    adapter.use(new RedeliveryGuard(new MemoryDeliveryMarks(), logger));
    let reached = 0;
    const invoke = { ...message('88'), type: 'invoke', name: 'adaptiveCard/action' };
    await adapter.processActivity(invoke, async () => {
      reached++;
    });
    await adapter.processActivity(invoke, async () => {
      reached++;
    });
    expect(reached).toBe(2);
  });

  it('handles the message anyway when its mark cannot be written (storage down)', async () => {
    const adapter = new TestAdapter();
    const broken = {
      claim: () => Promise.reject(new Error('ECONNREFUSED')),
      release: () => Promise.resolve(),
    };
    const lines: Array<{ level: number; msg: string }> = [];
    const capturing = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    adapter.use(new RedeliveryGuard(broken, capturing));
    let reached = 0;
    await adapter.processActivity(message('99'), async () => {
      reached++;
    });
    expect(reached).toBe(1);
    expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      expect.stringMatching(/could not record this delivery/),
    ]);
  });
});
