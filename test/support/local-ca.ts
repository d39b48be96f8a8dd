import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateAuthority } from '../../simulators/tls/certificate-authority';

/** The CA that test/setup/global-ca.ts generated and this worker process already trusts. */
export function testCertificateAuthority(): CertificateAuthority {
  const dir = process.env.PIMBOT_TEST_CA_DIR;
  if (!dir) throw new Error('PIMBOT_TEST_CA_DIR is not set: run the tests through vitest (npm test).');
  return { certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(dir, 'ca.key'), 'utf8') };
}
