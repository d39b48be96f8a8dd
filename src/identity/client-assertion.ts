import { createHash, createPrivateKey, type KeyObject, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';

/**
 * The app's certificate credential (AAD_APP_CLIENT_CERTIFICATE_PATH) and the client assertion it signs, for
 * the one token request the bot makes itself: the step-up code redemption. (App-only and on-behalf-of
 * tokens go through @azure/identity with the same PEM file.)
 *
 * Assertion format (learn.microsoft.com/entra/identity-platform/certificate-credentials; RFC 7523):
 * header alg RS256, typ JWT, x5t = base64url SHA-1 thumbprint of the certificate's DER (plus x5t#S256,
 * the SHA-256 one); claims aud = the token endpoint, iss = sub = the client id, jti unique, nbf/iat now,
 * exp shortly after ("5-10 minutes after nbf at most").
 */

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Lifetime of one assertion: it is sent at once, so a short one leaves little to replay. */
export const CLIENT_ASSERTION_LIFETIME_SECONDS = 5 * 60;

export interface ClientCertificate {
  readonly privateKey: KeyObject;
  /** Base64url SHA-1 thumbprint of the certificate's DER encoding (the x5t header). */
  readonly x5t: string;
  /** Base64url SHA-256 thumbprint (the x5t#S256 header). */
  readonly x5tS256: string;
  readonly notAfter: Date;
}

/** Reads a PEM holding the private key and the certificate; errors name the variable and say what to fix. */
export function loadClientCertificate(path: string, variable = 'AAD_APP_CLIENT_CERTIFICATE_PATH'): ClientCertificate {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new Error(
      `${variable} points to ${path}, which cannot be read (${typeof code === 'string' ? code : 'error'}). Mount the PEM file (private key + certificate) there or fix the path.`,
    );
  }
  const keyBlock = pem.match(
    /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/,
  );
  const certBlock = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/);
  if (!keyBlock || !certBlock) {
    throw new Error(
      `${variable}: ${path} must hold both the private key and the certificate in PEM (-----BEGIN PRIVATE KEY----- and -----BEGIN CERTIFICATE-----); it is missing the ${keyBlock ? 'certificate' : 'private key'}.`,
    );
  }
  let privateKey: KeyObject;
  let certificate: X509Certificate;
  try {
    privateKey = createPrivateKey(keyBlock[0]);
    certificate = new X509Certificate(certBlock[0]);
  } catch {
    throw new Error(
      `${variable}: ${path} holds a private key or certificate that cannot be parsed (an encrypted key is not supported).`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`${variable}: the private key in ${path} must be RSA (Entra signs-in apps with RS256 assertions).`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new Error(`${variable}: the private key in ${path} does not belong to its certificate.`);
  }
  return {
    privateKey,
    x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
    notAfter: new Date(certificate.validTo),
  };
}

/** A fresh signed client assertion for one request to `tokenEndpoint`. */
export async function clientAssertion(
  certificate: ClientCertificate,
  input: { clientId: string; tokenEndpoint: string; nowMs?: number },
): Promise<string> {
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: certificate.x5t, 'x5t#S256': certificate.x5tS256 })
    .setAudience(input.tokenEndpoint)
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setJti(randomUUID())
    .setNotBefore(now)
    .setIssuedAt(now)
    .setExpirationTime(now + CLIENT_ASSERTION_LIFETIME_SECONDS)
    .sign(certificate.privateKey);
}
