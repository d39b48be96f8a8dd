import { join } from 'node:path';
import { loadOrCreateCertificateAuthority } from '../../simulators/tls/certificate-authority';

/**
 * Runs once in the vitest main process, before workers fork: generates the local CA and points
 * NODE_EXTRA_CA_CERTS at a bundle holding it, so every worker (and the @azure/identity and Graph
 * clients inside it) trusts the simulators' certificates exactly as a deployed bot trusts Microsoft's.
 */
export default function setup(): void {
  const dir = join(process.cwd(), '.local', 'test-ca');
  const ca = loadOrCreateCertificateAuthority(dir);
  process.env.PIMBOT_TEST_CA_DIR = dir;
  process.env.NODE_EXTRA_CA_CERTS = ca.trustBundlePath;
}
