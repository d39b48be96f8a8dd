import { type KeyObject, X509Certificate } from 'node:crypto';
import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import { AadErrors } from './aad-errors';
import { certificateThumbprints } from './client-certificate';
import type { ApplicationRegistration } from './types';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 section 2.2). */
export const CLIENT_ASSERTION_TYPE_JWT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const CLOCK_SKEW_SECONDS = 300;

/** What a client assertion is checked against: the time, and the audiences the authority answers to. */
export interface ClientAssertionContext {
  now: Date;
  /** Accepted `aud` values (clientAssertionAudiences). */
  audiences: readonly string[];
}

/**
 * The audiences Entra documents for a client assertion sent to `{url}/{tenant}`: the v2.0 token endpoint
 * (what MSAL sends, the documented form today), the v1 token endpoint and the v2.0 issuer (the form an
 * older revision of the page gave). Source: https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials
 */
export function clientAssertionAudiences(url: string, tenantSegments: readonly string[]): string[] {
  return [...new Set(tenantSegments)].flatMap((tenant) => [
    `${url}/${tenant}/oauth2/v2.0/token`,
    `${url}/${tenant}/oauth2/token`,
    `${url}/${tenant}/v2.0`,
  ]);
}

/**
 * Checks a certificate client assertion the way the certificate-credentials page describes it:
 * header `x5t` (base64url SHA-1 thumbprint, RS256) or `x5t#S256` (base64url SHA-256 thumbprint, PS256 as
 * MSAL Node sends it) naming a certificate registered on the app; signature by that certificate's key;
 * `iss` = `sub` = the client id; `aud` one of the token endpoint forms; `exp`/`nbf` around now; a `jti`.
 * Entra places no limit on the lifetime and does not refuse a reused `jti` (MSAL reuses its assertion
 * for up to 10 minutes), so neither is checked here.
 */
export async function verifyClientAssertion(
  app: ApplicationRegistration,
  assertion: string,
  context: ClientAssertionContext,
): Promise<void> {
  const header = decodeOrThrow(() => decodeProtectedHeader(assertion), 'header');
  const unverified = decodeOrThrow(() => decodeJwt(assertion), 'payload');
  const thumbprint = presentedThumbprint(header);
  const key = registeredKey(app, thumbprint);
  if (!key) throw AadErrors.clientAssertionKeyNotFound(thumbprint.hex, app.clientId);

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, key, {
      algorithms: ['RS256', 'PS256'],
      currentDate: context.now,
      // MSAL Node rounds `nbf` to the nearest second (TimeUtils.nowSeconds), so an assertion can be a
      // fraction of a second "early"; some skew allowance is required. Entra's is not documented
      // (UNVERIFIED); 5 minutes is Microsoft.IdentityModel's default ClockSkew.
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp', 'nbf', 'iss', 'sub', 'aud', 'jti'],
    }));
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) {
      throw AadErrors.clientAssertionSignatureInvalid(thumbprint.hex);
    }
    if (error instanceof errors.JWTExpired) throw outsideValidity(context.now, unverified);
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.reason === 'missing') throw AadErrors.malformedClientAssertion(`the '${error.claim}' claim is missing`);
      if (error.claim === 'nbf') throw outsideValidity(context.now, unverified);
    }
    throw AadErrors.malformedClientAssertion('it could not be parsed');
  }

  const clientId = app.clientId.toLowerCase();
  if (String(payload.iss).toLowerCase() !== clientId || String(payload.sub).toLowerCase() !== clientId) {
    throw AadErrors.clientAssertionSubjectMismatch();
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [String(payload.aud)];
  const accepted = new Set(context.audiences.map((a) => a.toLowerCase()));
  if (!audiences.some((aud) => accepted.has(aud.toLowerCase()))) throw AadErrors.clientAssertionAudienceMismatch();
}

interface PresentedThumbprint {
  kind: 'sha1' | 'sha256';
  /** Upper-case hex, as Entra quotes it in its errors. */
  hex: string;
}

function presentedThumbprint(header: ProtectedHeaderParameters): PresentedThumbprint {
  const sha256 = header['x5t#S256'];
  if (typeof sha256 === 'string' && sha256) return { kind: 'sha256', hex: base64UrlToHex(sha256) };
  const sha1 = header.x5t;
  if (typeof sha1 === 'string' && sha1) return { kind: 'sha1', hex: base64UrlToHex(sha1) };
  // UNVERIFIED: Entra's answer to an assertion naming no certificate; SNI (x5c only) is not modelled.
  throw AadErrors.malformedClientAssertion("the header carries neither 'x5t' nor 'x5t#S256'");
}

function registeredKey(app: ApplicationRegistration, thumbprint: PresentedThumbprint): KeyObject | undefined {
  for (const certificate of app.certificates ?? []) {
    if (certificateThumbprints(certificate.certificatePem)[thumbprint.kind] === thumbprint.hex) {
      return new X509Certificate(certificate.certificatePem).publicKey;
    }
  }
  return undefined;
}

function base64UrlToHex(value: string): string {
  return Buffer.from(value, 'base64url').toString('hex').toUpperCase();
}

function outsideValidity(now: Date, payload: JWTPayload) {
  const at = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000) : undefined);
  return AadErrors.clientAssertionOutsideValidity(now, at(payload.nbf), at(payload.exp));
}

function decodeOrThrow<T>(decode: () => T, part: string): T {
  try {
    return decode();
  } catch {
    throw AadErrors.malformedClientAssertion(`the ${part} could not be decoded`);
  }
}
