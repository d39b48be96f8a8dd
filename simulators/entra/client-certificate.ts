import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

/** Thumbprints of a certificate: hex, upper case, over its DER encoding (as the Azure portal shows them). */
export interface CertificateThumbprints {
  /** SHA-1: what `x5t` carries (base64url of the bytes), what the portal lists as "Thumbprint". */
  sha1: string;
  /** SHA-256: what `x5t#S256` carries (base64url of the bytes). */
  sha256: string;
}

export interface ClientCertificate {
  /** Private key then certificate, in one PEM: the file ClientCertificateCredential's certificatePath reads. */
  pem: string;
  /** The certificate alone: what is uploaded to the app registration (RegisteredCertificate). */
  certificatePem: string;
  /** PKCS#8 private key, PEM. */
  privateKeyPem: string;
  thumbprints: CertificateThumbprints;
}

export interface ClientCertificateOptions {
  /** Subject CN; default 'CN=pim-bot client credential'. */
  commonName?: string;
  /** Default: valid from a minute ago. */
  notBefore?: Date;
  /** Default: one year after notBefore. */
  notAfter?: Date;
}

/**
 * A self-signed RSA 2048 certificate with its private key, like `New-SelfSignedCertificate` or
 * `openssl req -x509` would make for an app credential. Entra accepts self-signed certificates as
 * app credentials (it checks the signature against the uploaded public key, not a chain); see
 * https://learn.microsoft.com/en-us/entra/identity-platform/howto-create-self-signed-certificate.
 */
export function createClientCertificate(options: ClientCertificateOptions = {}): ClientCertificate {
  // Node's native keygen: forge's pure-JS RSA generation takes seconds.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = options.notAfter ?? new Date(notBefore.getTime() + 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: options.commonName ?? 'pim-bot client credential' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
  return {
    pem: `${privateKeyPem.trimEnd()}\n${certificatePem}`,
    certificatePem,
    privateKeyPem,
    thumbprints: certificateThumbprints(certificatePem),
  };
}

/** SHA-1 and SHA-256 thumbprints of the first certificate in a PEM. */
export function certificateThumbprints(certificatePem: string): CertificateThumbprints {
  const der = new X509Certificate(certificatePem).raw;
  return {
    sha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
  };
}
