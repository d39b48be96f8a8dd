import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServerCertificate } from '../../../simulators/tls/certificate-authority';
import { testCertificateAuthority } from '../../support/local-ca';

async function serveOnce(cert: { certPem: string; keyPem: string }): Promise<{ url: string; close: () => void }> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}/`, close: () => server.close() };
}

describe('local certificate authority', () => {
  it('issues loopback certificates that this process trusts through NODE_EXTRA_CA_CERTS', async () => {
    const server = await serveOnce(issueServerCertificate(testCertificateAuthority()));
    try {
      const res = await fetch(server.url);
      expect(await res.text()).toBe('ok');
    } finally {
      server.close();
    }
  });

  it('certificates from an untrusted CA are refused', async () => {
    const server = await serveOnce(issueServerCertificate(createCertificateAuthority('Untrusted')));
    try {
      await expect(fetch(server.url)).rejects.toThrow();
    } finally {
      server.close();
    }
  });
});
