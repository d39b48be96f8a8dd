import { ContainerClient } from '@azure/storage-blob';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntraAuthority, type ManagedIdentity, startEntraAuthority } from '../../../simulators/entra';
import { startAzuriteWithOAuth, type TestAzurite, uniqueName } from '../../support/azurite';
import { testCertificateAuthority } from '../../support/local-ca';
import { adele, pimBot, TENANT_ID } from './entra-fixture';

/**
 * The App Service managed identity endpoint of the local authority, as ManagedIdentityCredential uses it
 * (https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity, REST endpoint reference),
 * and its storage tokens against Azurite with --oauth basic.
 *
 * MSAL Node picks the managed identity source once per process and caches MI tokens process-wide, so
 * this file sets IDENTITY_ENDPOINT/IDENTITY_HEADER once, before the first credential, and runs in its
 * own worker process (vitest forks pool).
 */
const STORAGE_SCOPE = 'https://storage.azure.com/.default';
const systemAssigned: ManagedIdentity = { clientId: '3c1d9e2f-5a4b-4c6d-8e7f-90a1b2c3d4e5', systemAssigned: true };
const userAssigned: ManagedIdentity = {
  clientId: '6f5e4d3c-2b1a-4098-8765-43210fedcba9',
  principalId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
};

describe('managed identity (App Service endpoint) and Azurite with OAuth', () => {
  let authority: EntraAuthority;
  let azurite: TestAzurite;

  beforeAll(async () => {
    [authority, azurite] = await Promise.all([
      startEntraAuthority({
        ca: testCertificateAuthority(),
        directory: {
          tenantId: TENANT_ID,
          users: [adele],
          applications: [pimBot],
          managedIdentities: [systemAssigned, userAssigned],
        },
      }),
      startAzuriteWithOAuth(),
    ]);
    const endpoint = authority.managedIdentityEndpoint;
    if (!endpoint) throw new Error('The authority has managed identities but no managed identity endpoint.');
    Object.assign(process.env, endpoint.environment);
  });
  afterAll(async () => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    await Promise.allSettled([authority?.close(), azurite?.stop()]);
  });

  it('has no endpoint when the directory has no managed identities', async () => {
    const plain = await startEntraAuthority({
      ca: testCertificateAuthority(),
      directory: { tenantId: TENANT_ID, users: [adele], applications: [pimBot] },
    });
    try {
      expect(plain.managedIdentityEndpoint).toBeUndefined();
      const res = await fetch(`${plain.url}/msi/token?resource=https://storage.azure.com/&api-version=2019-08-01`);
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('ManagedIdentityCredential gets a v1 storage token for the system-assigned identity', async () => {
    const { token } = await new ManagedIdentityCredential().getToken(STORAGE_SCOPE);
    const claims = decodeJwt(token);
    // v1 managed identity token shape: issuer sts.windows.net/{tid}/, ver 1.0, appid = the identity.
    expect(claims).toMatchObject({
      iss: `https://sts.windows.net/${TENANT_ID}/`,
      ver: '1.0',
      // MSAL asks for resource https://storage.azure.com (the scope minus /.default); aud echoes it.
      aud: 'https://storage.azure.com',
      appid: systemAssigned.clientId,
      tid: TENANT_ID,
      idtyp: 'app',
    });
  });

  it('ManagedIdentityCredential({clientId}) gets the user-assigned identity', async () => {
    const { token } = await new ManagedIdentityCredential({ clientId: userAssigned.clientId }).getToken(STORAGE_SCOPE);
    expect(decodeJwt(token)).toMatchObject({ appid: userAssigned.clientId, oid: userAssigned.principalId });
  });

  it('a BlobServiceClient and a QueueClient with the credential create a container and a queue on Azurite', async () => {
    const credential = new ManagedIdentityCredential({ clientId: userAssigned.clientId });
    const container = new BlobServiceClient(azurite.blobUrl, credential).getContainerClient(uniqueName('mi'));
    await container.create();
    await container.getBlockBlobClient('hello.txt').upload('hi', 2);
    expect(await container.getBlockBlobClient('hello.txt').exists()).toBe(true);
    const queue = new QueueClient(`${azurite.queueUrl}/${uniqueName('mi')}`, credential);
    await queue.create();
    await queue.sendMessage('hi');
    expect((await queue.getProperties()).approximateMessagesCount).toBe(1);
  });

  it('DefaultAzureCredential finds the managed identity (how the bot reaches storage without an account key)', async () => {
    const credential = new DefaultAzureCredential({ managedIdentityClientId: userAssigned.clientId });
    const container = new BlobServiceClient(azurite.blobUrl, credential).getContainerClient(uniqueName('dac'));
    await container.create();
    expect(await container.exists()).toBe(true);
  });

  it('Azurite refuses the same operations without a token', async () => {
    const anonymous = new ContainerClient(`${azurite.blobUrl}/${uniqueName('anon')}`);
    const error = await anonymous.create().then(
      () => undefined,
      (e: { statusCode?: number }) => e,
    );
    console.log(`create container without a token -> HTTP ${error?.statusCode}`);
    expect(error?.statusCode).toBeGreaterThanOrEqual(401);
    expect(error?.statusCode).toBeLessThanOrEqual(403);
  });

  it('the endpoint refuses a request without the right X-IDENTITY-HEADER, and an unknown identity', async () => {
    const endpoint = authority.managedIdentityEndpoint!;
    const url = `${endpoint.url}?resource=${encodeURIComponent('https://storage.azure.com/')}&api-version=2019-08-01`;
    const without = await fetch(url);
    const wrong = await fetch(url, { headers: { 'X-IDENTITY-HEADER': 'guessed' } });
    const unknown = await fetch(`${url}&client_id=00000000-0000-0000-0000-000000000001`, {
      headers: { 'X-IDENTITY-HEADER': endpoint.environment.IDENTITY_HEADER },
    });
    console.log(
      `no header -> ${without.status}, wrong header -> ${wrong.status}, unknown identity -> ${unknown.status}`,
    );
    expect([without.status, wrong.status, unknown.status]).toEqual([401, 401, 400]);
    const body = (await without.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('access_token');
  });
});
