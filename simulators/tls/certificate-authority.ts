import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';

/**
 * A throw-away certificate authority for the local stand-ins (Entra authority, Graph simulator).
 * @azure/identity refuses http:// authorities and the Graph client only sends tokens over https://,
 * so the simulators speak HTTPS with certificates from this CA. It is generated on first use and
 * never committed; processes trust it through NODE_EXTRA_CA_CERTS.
 */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  // Node's native keygen: forge's pure-JS RSA generation takes seconds.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { privateKey: forgeKey, publicKey, keyPem };
}

function serialNumber(): string {
  // Positive, 16 bytes.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

export function createCertificateAuthority(commonName = 'PIM Bot local CA'): CertificateAuthority {
  const { privateKey, publicKey, keyPem } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** A leaf certificate for loopback servers (127.0.0.1, ::1, localhost). */
export function issueServerCertificate(
  ca: CertificateAuthority,
  hosts: readonly string[] = ['127.0.0.1', '::1', 'localhost'],
): ServerCertificate {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const { publicKey, keyPem } = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 30 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/**
 * Loads the CA kept in `dir`, or creates it there. Also writes `trust-bundle.pem`: the CA appended to
 * the bundle NODE_EXTRA_CA_CERTS already names (on Debian that is the system bundle), so pointing
 * NODE_EXTRA_CA_CERTS at it adds our CA without dropping anything already trusted.
 */
export function loadOrCreateCertificateAuthority(dir: string): CertificateAuthority & { trustBundlePath: string } {
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  const bundlePath = join(dir, 'trust-bundle.pem');
  let ca: CertificateAuthority;
  if (existsSync(certPath) && existsSync(keyPath) && certificateStillValid(readFileSync(certPath, 'utf8'))) {
    ca = { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
  } else {
    mkdirSync(dir, { recursive: true });
    ca = createCertificateAuthority();
    writeFileSync(keyPath, ca.keyPem, { mode: 0o600 });
    writeFileSync(certPath, ca.certPem);
  }
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  const inherited =
    existing && existing !== bundlePath && existsSync(existing) ? `${readFileSync(existing, 'utf8').trimEnd()}\n` : '';
  mkdirSync(dirname(bundlePath), { recursive: true });
  writeFileSync(bundlePath, inherited + ca.certPem);
  return { ...ca, trustBundlePath: bundlePath };
}

function certificateStillValid(pem: string): boolean {
  try {
    const cert = forge.pki.certificateFromPem(pem);
    return cert.validity.notAfter.getTime() > Date.now() + 24 * 3600_000;
  } catch {
    return false;
  }
}
