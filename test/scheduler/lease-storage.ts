import { randomUUID } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { BlobServiceClient } from '@azure/storage-blob';

/** The leader lease as storage itself sees it, for the LeaseLeader tests (test/scheduler/lease-leader.test.ts). */

/** The lease blob, as storage (Azurite) sees it, and a way to ask whether a given lease id holds it. */
export function leaseBlob(connectionString: string, where: { container: string; blobName: string }) {
  const blob = BlobServiceClient.fromConnectionString(connectionString)
    .getContainerClient(where.container)
    .getBlobClient(where.blobName);
  return {
    /** Renewing with a lease id succeeds only for the id that holds the lease now (Azure's Lease Blob). */
    renewAs: (leaseId: string) =>
      blob
        .getBlobLeaseClient(leaseId)
        .renewLease()
        .then(
          () => 'renewed',
          (err: { code?: string }) => err.code ?? String(err),
        ),
    /** A newcomer's try: storage refuses it (409 LeaseAlreadyPresent) while any lease is active. */
    acquireAsNewcomer: () =>
      blob
        .getBlobLeaseClient(randomUUID())
        .acquireLease(15)
        .then(
          async (lease) => {
            await blob.getBlobLeaseClient(lease.leaseId!).releaseLease();
            return 'acquired';
          },
          (err: { code?: string }) => err.code ?? String(err),
        ),
  };
}

/**
 * A TCP relay in front of Azurite's blob port: `cut()` drops its connections and refuses new ones, so one
 * instance loses storage while the test (and storage itself) still see the lease.
 */
export async function relay(azurite: {
  connectionString: string;
  blobUrl: string;
}): Promise<{ connectionString: string; cut: () => Promise<void> }> {
  const { blobUrl } = azurite;
  const target = new URL(blobUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.on('close', () => sockets.delete(a));
      a.on('error', () => b.destroy());
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const relayed = new URL(blobUrl);
  relayed.port = String(port);
  const connectionString = azurite.connectionString.replace(`BlobEndpoint=${blobUrl}`, `BlobEndpoint=${relayed.href}`);
  if (connectionString === azurite.connectionString) throw new Error(`No BlobEndpoint=${blobUrl} to relay`);
  return {
    connectionString,
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
