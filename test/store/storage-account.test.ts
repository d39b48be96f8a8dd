import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueClient, storageAccountOf, type StorageAccount } from '../../src/azure/storage-account';
import { parseConfig } from '../../src/config';
import { LeaseLeader } from '../../src/scheduler/lease-leader';
import { JobQueue } from '../../src/scheduler/job-queue';
import { createStorage } from '../../src/teams/bot-storage';
import { issueServerCertificate } from '../../simulators/tls/certificate-authority';
import { testCertificateAuthority } from '../support/local-ca';
import { fakeSecret } from '../support/fake-secrets';

/**
 * Issue 13, finding 10: the storage account by managed identity. Which account the config selects, and that
 * all three storage users (the blob state store, the job queue, the lease leader) send an Entra bearer token
 * to the configured endpoints and never a shared key. The endpoint here is a capture server over TLS that
 * answers like a storage service that refuses everything (403), so only the requests matter.
 */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';
const TOKEN = fakeSecret('storage-token');

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}
const seen: Seen[] = [];
let server: Server;
let base: string;
const scopesAsked = new Set<string>();

/** A TokenCredential that hands out a fixed token and remembers the scopes asked for. */
const credential: TokenCredential = {
  async getToken(scopes): Promise<AccessToken> {
    for (const s of [scopes].flat()) scopesAsked.add(s);
    return { token: TOKEN, expiresOnTimestamp: Date.now() + 3600_000 };
  },
};

beforeAll(async () => {
  const cert = issueServerCertificate(testCertificateAuthority());
  server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    res.writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': 'AuthorizationFailure' });
    res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const logger = { info() {}, warn() {}, error() {}, debug() {} };

describe('storage account selection (issue 13, finding 10)', () => {
  it('selects the connection string, the endpoints with a token credential, or memory', () => {
    expect(storageAccountOf({ connectionString: 'UseDevelopmentStorage=true' })).toEqual({
      kind: 'connectionString',
      connectionString: 'UseDevelopmentStorage=true',
    });
    const named = parseConfig({
      PIMBOT_MODE: 'playground',
      AAD_APP_TENANT_ID: TENANT_ID,
      AAD_APP_CLIENT_ID: CLIENT_ID,
      AAD_APP_CLIENT_SECRET: fakeSecret('client'),
      STORAGE_ACCOUNT_NAME: 'pimbotstate01',
    });
    const account = storageAccountOf(named.storage, credential);
    expect(account).toMatchObject({
      kind: 'token',
      blobEndpoint: 'https://pimbotstate01.blob.core.windows.net',
      queueEndpoint: 'https://pimbotstate01.queue.core.windows.net',
    });
    expect(account?.kind === 'token' && account.credential).toBe(credential);
    expect(storageAccountOf({})).toBeUndefined();
    expect(() =>
      storageAccountOf({ connectionString: 'UseDevelopmentStorage=true', endpoints: { blob: base, queue: base } }),
    ).toThrow(/set one/);
    expect(queueClient(account as StorageAccount, 'pimbot-state-jobs').url).toBe(
      'https://pimbotstate01.queue.core.windows.net/pimbot-state-jobs',
    );
  });

  it('the blob store, the job queue and the lease leader all send a bearer token to the endpoints, never a shared key', async () => {
    const account = storageAccountOf({ endpoints: { blob: `${base}/blob`, queue: `${base}/queue` } }, credential);
    expect(account?.kind).toBe('token');

    seen.length = 0;
    await expect(createStorage({ account, container: 'pimbot-state' })).rejects.toThrow(/Azure Blob Storage/);
    const blobRequests = seen.length;

    const queue = new JobQueue({ account, queueName: 'pimbot-state-jobs', logger });
    await expect(queue.schedule({ type: 'probe', id: 'probe-1', payload: null })).rejects.toThrow();
    const queueRequests = seen.length - blobRequests;

    const leader = new LeaseLeader({ account, container: 'pimbot-state', blobName: 'leases/probe', logger });
    const before = seen.length;
    leader.start(
      () => {},
      () => {},
    );
    await expect.poll(() => seen.length > before, { timeout: 10_000 }).toBe(true);
    await leader.stop();
    const leaseRequests = seen.length - before;

    const paths = seen.map((s) => new URL(s.url, base).pathname);
    const bearer = seen.filter((s) => s.authorization === `Bearer ${TOKEN}`).length;
    const sharedKey = seen.filter((s) => /^SharedKey/i.test(s.authorization ?? '')).length;
    console.log(
      `[issue 13 / finding 10] storage by managed identity: ${seen.length} requests (blob store ${blobRequests}, job queue ${queueRequests}, lease ${leaseRequests}); bearer ${bearer}, shared key ${sharedKey}; scopes ${[...scopesAsked].join(' ')}`,
    );
    expect(blobRequests).toBeGreaterThan(0);
    expect(queueRequests).toBeGreaterThan(0);
    expect(leaseRequests).toBeGreaterThan(0);
    expect(sharedKey).toBe(0);
    expect(bearer).toBe(seen.length);
    expect(paths.some((p) => p.startsWith('/blob/pimbot-state'))).toBe(true);
    expect(paths.some((p) => p.startsWith('/queue/pimbot-state-jobs'))).toBe(true);
    // The storage data-plane scope (learn.microsoft.com/azure/storage/common/authorize-data-access).
    expect([...scopesAsked]).toEqual(['https://storage.azure.com/.default']);
  });
});
