import { type AzuriteProcess, startAzuriteProcess } from '../../simulators/azurite/azurite-process';
import { issueServerCertificate } from '../../simulators/tls/certificate-authority';
import { testCertificateAuthority } from './local-ca';

/** connectionString (dev account, blob + queue + table endpoints), blobUrl, queueUrl, tableUrl, pid, stop(). */
export type TestAzurite = AzuriteProcess;

/**
 * A private Azurite for one test file, on free loopback ports, in memory unless `location` is given.
 * Start it in beforeAll and stop it in afterAll; if the worker dies first, Azurite exits by itself.
 */
export async function startAzurite(options: { location?: string } = {}): Promise<TestAzurite> {
  return startAzuriteProcess({ location: options.location });
}

/**
 * A private Azurite over HTTPS (certificate from the test CA, which the workers trust) that accepts
 * bearer tokens (`--oauth basic`), for tests of TokenCredential access to storage.
 */
export async function startAzuriteWithOAuth(): Promise<TestAzurite> {
  return startAzuriteProcess({ https: issueServerCertificate(testCertificateAuthority()), oauth: 'basic' });
}

/** A name no other test in the file uses: queue and container names are 3-63 lower-case characters. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}
