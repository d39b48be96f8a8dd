import { createHash, createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { clientAssertion, loadClientCertificate } from '../../src/identity/client-assertion';
import { createCertificateAuthority, issueServerCertificate } from '../../simulators/tls/certificate-authority';

/**
 * Issue 13, finding 10: the certificate credential's client assertion, checked with jose against the
 * format Microsoft documents (learn.microsoft.com/entra/identity-platform/certificate-credentials):
 * header alg RS256, typ JWT, x5t = base64url SHA-1 thumbprint of the certificate's DER; claims aud = the
 * token endpoint, iss = sub = client id, jti unique, nbf/iat now, exp shortly after.
 */

const dir = mkdtempSync(join(tmpdir(), 'pimbot-cert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ca = createCertificateAuthority('PIM Bot client-assertion test CA');
const leaf = issueServerCertificate(ca, ['pimbot.test']);
const other = issueServerCertificate(ca, ['other.test']);
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';
const TOKEN_ENDPOINT = 'https://login.microsoftonline.com/72f988bf-0000-4000-8000-000000000001/oauth2/v2.0/token';

function pemFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('client assertion (AAD_APP_CLIENT_CERTIFICATE_PATH)', () => {
  it('is an RS256 JWT with x5t, aud = token endpoint, iss = sub = client id, a jti and a short life', async () => {
    const certificate = loadClientCertificate(pemFile('good.pem', `${leaf.keyPem}\n${leaf.certPem}`));
    const nowMs = Date.now();
    const assertion = await clientAssertion(certificate, { clientId: CLIENT_ID, tokenEndpoint: TOKEN_ENDPOINT, nowMs });

    // Verified with the certificate's own public key, independent of the code under test.
    const x509 = new X509Certificate(leaf.certPem);
    const { payload, protectedHeader } = await jwtVerify(
      assertion,
      createPublicKey(x509.publicKey.export({ type: 'spki', format: 'pem' })),
      {
        algorithms: ['RS256'],
        audience: TOKEN_ENDPOINT,
        issuer: CLIENT_ID,
        subject: CLIENT_ID,
      },
    );
    // x5t: SHA-1 of the DER, base64url (the hex fingerprint Node reports, re-encoded).
    const sha1 = Buffer.from(x509.fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', x5t: sha1 });
    expect(protectedHeader['x5t#S256']).toBe(createHash('sha256').update(x509.raw).digest('base64url'));
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.nbf).toBe(Math.floor(nowMs / 1000));
    expect(payload.iat).toBe(Math.floor(nowMs / 1000));
    // "short - 5-10 minutes after nbf at most" (Microsoft).
    expect((payload.exp ?? 0) - (payload.nbf ?? 0)).toBeGreaterThan(0);
    expect((payload.exp ?? 0) - (payload.nbf ?? 0)).toBeLessThanOrEqual(600);

    const second = await clientAssertion(certificate, { clientId: CLIENT_ID, tokenEndpoint: TOKEN_ENDPOINT, nowMs });
    const jtis = new Set([payload.jti, (await jwtVerify(second, x509.publicKey)).payload.jti]);
    console.log(
      `[issue 13 / finding 10] client assertion: ${decodeProtectedHeader(assertion).alg} with x5t, lifetime ${(payload.exp ?? 0) - (payload.nbf ?? 0)} s, 2 assertions → ${jtis.size} distinct jti`,
    );
    expect(jtis.size).toBe(2);
  });

  it('refuses a file without the key, without the certificate, with a key of another certificate, or missing; naming the variable', () => {
    const cases: [string, RegExp][] = [
      [pemFile('cert-only.pem', leaf.certPem), /missing the private key/],
      [pemFile('key-only.pem', leaf.keyPem), /missing the certificate/],
      [pemFile('mismatch.pem', `${other.keyPem}\n${leaf.certPem}`), /does not belong to its certificate/],
      [join(dir, `${randomUUID()}.pem`), /cannot be read \(ENOENT\)/],
    ];
    for (const [path, message] of cases) {
      expect(() => loadClientCertificate(path)).toThrow(message);
      expect(() => loadClientCertificate(path)).toThrow(/^AAD_APP_CLIENT_CERTIFICATE_PATH/);
    }
  });

  it('never puts key material in an error message', () => {
    const path = pemFile('mismatch2.pem', `${other.keyPem}\n${leaf.certPem}`);
    const body = other.keyPem.split('\n')[1] ?? '';
    expect(body.length).toBeGreaterThan(20);
    try {
      loadClientCertificate(path);
    } catch (err) {
      expect(String(err)).not.toContain(body);
    }
  });
});
