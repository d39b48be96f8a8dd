import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageAccountOf } from '../../src/azure/storage-account';
import { parseConfig } from '../../src/config';
import { JobQueue } from '../../src/scheduler/job-queue';
import { LeaseLeader } from '../../src/scheduler/lease-leader';
import { createStorage } from '../../src/teams/bot-storage';
import { deliveryMarks } from '../../src/teams/delivery-marks';
import { tokenExchangeDedupeStorage } from '../../src/teams/token-exchange-dedupe-storage';
import { type EntraAuthority, type ManagedIdentity, startEntraAuthority } from '../../simulators/entra';
import { startAzuriteWithOAuth, type TestAzurite, uniqueName } from '../support/azurite';
import { testCertificateAuthority } from '../support/local-ca';
import { adele, pimBot, TENANT_ID } from '../simulators/entra/entra-fixture';
import { fakeSecret } from '../support/fake-secrets';

/**
 * Issue 13, finding 10, end to end: the bot's storage through a managed identity, exactly as production
 * builds it (STORAGE_BLOB_ENDPOINT/STORAGE_QUEUE_ENDPOINT → storageAccountOf → DefaultAzureCredential, which
 * finds App Service's IDENTITY_ENDPOINT and the user-assigned identity named by AZURE_CLIENT_ID), against
 * Azurite over https with --oauth basic (bearer tokens only: no account key is given to the bot).
 * MSAL picks its managed identity source once per process: this file sets the environment first.
 */

const identity: ManagedIdentity = {
  clientId: '6f5e4d3c-2b1a-4098-8765-43210fedcba9',
  principalId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
};
const logger = { info() {}, warn() {}, error() {}, debug() {} };

let authority: EntraAuthority;
let azurite: TestAzurite;
const saved = { ...process.env };

beforeAll(async () => {
  [authority, azurite] = await Promise.all([
    startEntraAuthority({
      ca: testCertificateAuthority(),
      directory: { tenantId: TENANT_ID, users: [adele], applications: [pimBot], managedIdentities: [identity] },
    }),
    startAzuriteWithOAuth(),
  ]);
  const endpoint = authority.managedIdentityEndpoint;
  if (!endpoint) throw new Error('The authority has managed identities but no managed identity endpoint.');
  Object.assign(process.env, endpoint.environment, { AZURE_CLIENT_ID: identity.clientId });
});
afterAll(async () => {
  for (const name of ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_CLIENT_ID']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await Promise.allSettled([authority?.close(), azurite?.stop()]);
});

describe('storage by managed identity against Azurite with OAuth (issue 13, finding 10)', () => {
  it('state, jobs and the watcher lease all work with the endpoints and no key', async () => {
    const container = uniqueName('pimbot-mi');
    const config = parseConfig({
      PIMBOT_MODE: 'playground',
      AAD_APP_TENANT_ID: TENANT_ID,
      AAD_APP_CLIENT_ID: pimBot.clientId,
      AAD_APP_CLIENT_SECRET: fakeSecret('client'),
      STORAGE_BLOB_ENDPOINT: azurite.blobUrl,
      STORAGE_QUEUE_ENDPOINT: azurite.queueUrl,
      STORAGE_CONTAINER: container,
    });
    expect(config.storage.connectionString).toBeUndefined();
    const account = storageAccountOf(config.storage);
    expect(account?.kind).toBe('token');

    const storage = await createStorage({ account, container });
    await storage.write({ 'probe/item': { value: 42, eTag: '*' } });
    expect((await storage.read(['probe/item']))['probe/item']).toMatchObject({ value: 42 });

    const queue = new JobQueue({ account, queueName: `${container}-jobs`, logger });
    await queue.schedule({ type: 'probe', id: 'probe-1', payload: null });

    const leader = new LeaseLeader({ account, container, blobName: 'leases/activation-watcher', logger });
    let led = false;
    leader.start(
      () => {
        led = true;
      },
      () => {},
    );
    await expect.poll(() => led, { timeout: 15_000 }).toBe(true);
    await leader.stop();
    console.log(
      '[issue 13 / finding 10] managed identity → Azurite (OAuth): blob write/read ok, job queued, lease acquired; no account key given to the bot',
    );
  });

  it('the SSO exchange dedupe and the delivery marks create-if-absent with the identity too (no key)', async () => {
    const container = uniqueName('pimbot-mi');
    const account = storageAccountOf({ endpoints: { blob: azurite.blobUrl, queue: azurite.queueUrl } });
    expect(account?.kind).toBe('token');
    const botStorage = await createStorage({ account, container });
    // The middleware's dedupe: a write with an eTag must succeed once. BlobsStorage (the bot's state with a
    // managed identity) sends it as If-Match, which Blob Storage refuses on an absent blob: every exchange
    // would be dropped as a duplicate and SSO would never complete.
    await expect(botStorage.write({ 'msteams/a:chat/exchange-0': { eTag: 'exchange-0' } })).rejects.toThrow();
    const dedupe = tokenExchangeDedupeStorage(botStorage, account, container);
    expect(dedupe).not.toBe(botStorage);
    const mark = { 'msteams/a:chat/exchange-1': { eTag: 'exchange-1' } };
    await dedupe.write(mark);
    await expect(dedupe.write(mark)).rejects.toThrow(/eTag conflict/);

    const marks = deliveryMarks(account, container);
    expect(await marks.claim('msteams/a:chat/1')).toBe(true);
    expect(await marks.claim('msteams/a:chat/1')).toBe(false);
  });
});
