import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { REQUEST_INDEX_KEYS } from '../../src/requests/pim-request-store';
import { createStorage } from '../../src/teams/bot-storage';
import { startAzurite, type TestAzurite, uniqueName } from '../support/azurite';
import { type BotHarness, cardActions, startBotHarness } from '../support/bot-harness';
import type { Storage, StoreItems } from 'botbuilder';

/**
 * Issue 20: the approval race on real storage. On MemoryStorage nothing interleaves between a read and a write,
 * so a lost compare-and-swap would go unseen; on Blob Storage (Azurite: real eTags, real HTTP, interleaving
 * requests) 50 concurrent Approve clicks from two approvers must still reach Graph exactly once, and every
 * click must be answered with the one winner. The claim is the tracked request's eTag (If-Match): a write
 * refused with 412 is how a second click learns it lost.
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
let azurite: TestAzurite;
let h: BotHarness;
let storage: RacingStorage;

beforeAll(async () => {
  azurite = await startAzurite();
  const blobs = await createStorage({
    connectionString: azurite.connectionString,
    container: uniqueName('state'),
    initialItems: Object.fromEntries(Object.values(REQUEST_INDEX_KEYS).map((key) => [key, { value: [] }])),
  });
  storage = new RacingStorage(blobs);
  h = await startBotHarness({}, { storage });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await azurite?.stop();
});

/**
 * The bot's Blob storage, with two test hooks: it counts the writes Azure refused because the item changed
 * since it was read (412), and it can hold writes of one item until several are waiting, then let them go
 * together. Without the hold, the clicks' token exchanges spread them out so that the first claim is written
 * before the others read, and no compare-and-swap is ever contested; with it, every held writer read the same
 * version, and only Azurite's eTag check decides who wins.
 */
class RacingStorage implements Storage {
  preconditionFailures = 0;
  private held: Array<() => void> = [];
  private hold?: { keyPart: string; writers: number; releaseAfterMs: number; timer?: NodeJS.Timeout };
  constructor(private readonly inner: Storage) {}

  /** From now on, writes of keys containing `keyPart` wait until `writers` are waiting (or the time is up). */
  holdWrites(keyPart: string, writers: number, releaseAfterMs: number): void {
    this.hold = { keyPart, writers, releaseAfterMs };
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  async write(changes: StoreItems): Promise<void> {
    const hold = this.hold;
    if (hold && Object.keys(changes).some((k) => k.includes(hold.keyPart))) await this.wait(hold);
    try {
      await this.inner.write(changes);
    } catch (err) {
      // botbuilder-azure-blobs turns Azure's 412 into "error writing … due to eTag conflict".
      if (/eTag conflict/.test(String(err))) this.preconditionFailures++;
      throw err;
    }
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  private wait(hold: NonNullable<RacingStorage['hold']>): Promise<void> {
    const released = new Promise<void>((resolve) => this.held.push(resolve));
    const release = () => {
      clearTimeout(hold.timer);
      this.hold = undefined; // one round: the retries that follow run free
      for (const go of this.held.splice(0)) go();
    };
    if (this.held.length >= hold.writers) release();
    else hold.timer ??= setTimeout(release, hold.releaseAfterMs);
    return released;
  }
}

/** The "Approved by" fact of the card an invoke was answered with. */
function approvedBy(body: unknown): string | undefined {
  const found = /"title":"Approved by","value":"([^"]+)"/.exec(JSON.stringify(body));
  return found?.[1];
}

const decide = (user: FixtureUser, requestId: string, i: number) =>
  h.invoke(user, 'approve', { pimbot: 'approve', requestId, comment: `click ${i}` });

describe('50 concurrent approvals on Blob Storage (Azurite)', () => {
  it('exactly one PATCH reaches Graph, every click is answered with the same winner, and the losers hit 412', async () => {
    h.stack.graph.loadFixture(demoTenant);
    h.newConversations();
    await h.say(megan, 'help');
    await h.say(nestor, 'help');
    await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.submit(adele, confirm!.data!);
    const requestId = h.stack.graph.snapshot().requests.find((r) => r.status === 'PendingApproval')?.id as string;
    expect(requestId).toBeDefined();
    h.stack.graph.resetCalls();
    const refusedBefore = storage.preconditionFailures;
    // The claims of (up to) 10 clicks are written together, each against the version it read.
    storage.holdWrites(requestId, 10, 1_000);

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => decide(i % 2 ? megan : nestor, requestId, i)),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toHaveLength(1);
    expect(h.stack.graph.snapshot().requests.find((r) => r.id === requestId)?.status).toBe('Provisioned');
    const winners = new Set(responses.map((r) => approvedBy(r.body)));
    expect([...winners]).toHaveLength(1);
    expect([...winners][0]).toMatch(/^(Megan Bowen|Nestor Wilke)$/);
    // The race really happened on storage: Azurite refused the held writers' stale eTags (all but one).
    expect(storage.preconditionFailures - refusedBefore).toBeGreaterThan(0);
  }, 120_000);
});
