import { createServer, type Server } from 'node:net';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AzuriteProcess,
  AzuriteStartError,
  startAzuriteProcess,
} from '../../../simulators/azurite/azurite-process';

/**
 * Azurite for the demo and the tests binds port 0 and reports the port it got, so two test files starting
 * it at the same moment can never race for a port picked beforehand.
 */
describe('Azurite process', () => {
  const started: AzuriteProcess[] = [];
  const held: Server[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((azurite) => azurite.stop()));
    await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('starts several at once, each on ports the OS gave it, each a working storage account', async () => {
    const many = await Promise.all([startAzuriteProcess(), startAzuriteProcess(), startAzuriteProcess()]);
    started.push(...many);
    const ports = many.flatMap((azurite) => [azurite.blobUrl, azurite.queueUrl, azurite.tableUrl].map(portOf));
    expect(new Set(ports).size).toBe(9);
    expect(ports.every((port) => port > 0)).toBe(true);
    // Each one is its own account: a queue made in one is not in the others.
    const [first, second] = many;
    await QueueServiceClient.fromConnectionString(first!.connectionString).createQueue('only-in-first');
    const names = async (azurite: AzuriteProcess) => {
      const found: string[] = [];
      for await (const queue of QueueServiceClient.fromConnectionString(azurite.connectionString).listQueues()) {
        found.push(queue.name);
      }
      return found;
    };
    expect(await names(first!)).toEqual(['only-in-first']);
    expect(await names(second!)).toEqual([]);
  });

  it('says so when a fixed port it was given is taken', async () => {
    const taken = await listenAnywhere();
    held.push(taken.server);
    const error = await startAzuriteProcess({ ports: { blob: taken.port } }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AzuriteStartError);
    expect((error as Error).message).toMatch(/port it was given is in use/);
    expect((error as Error).message).toContain('EADDRINUSE');
  });
});

function portOf(url: string): number {
  return Number(new URL(url).port);
}

function listenAnywhere(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('no port'));
      resolve({ server, port: address.port });
    });
  });
}
