import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import { AadErrors } from './aad-errors';
import type { AuthorityContext } from './authority-context';
import type { DirectoryUser, ApplicationRegistration } from './types';

export interface ValidatedAssertion {
  user: DirectoryUser;
  amr: string[];
  acrs: string[];
}

/**
 * Validates the user assertion of an on-behalf-of request as Entra does: signed by this tenant's
 * keys, within its validity window, issued by this tenant, for the calling app (its client id or
 * one of its identifier URIs), about a user of the directory.
 */
export async function validateUserAssertion(
  context: AuthorityContext,
  app: ApplicationRegistration,
  assertion: string,
): Promise<ValidatedAssertion> {
  const header = safeDecode(() => decodeProtectedHeader(assertion));
  const unverified = safeDecode(() => decodeJwt(assertion));
  const now = context.clock.now();

  let payload: JWTPayload;
  try {
    payload = (await context.keys.verify(assertion, now)).payload;
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) throw AadErrors.assertionSignatureKeyNotFound(header.kid ?? '');
    if (error instanceof errors.JWSSignatureVerificationFailed) throw AadErrors.assertionSignatureInvalid();
    if (error instanceof errors.JWTExpired) throw AadErrors.assertionOutsideValidity(now, expiryOf(unverified));
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
      throw AadErrors.assertionOutsideValidity(now, expiryOf(unverified));
    }
    if (error instanceof errors.JOSEAlgNotAllowed) throw AadErrors.assertionSignatureInvalid();
    throw AadErrors.malformedAssertion();
  }

  if (payload.iss !== context.issuer) throw AadErrors.assertionIssuerNotTrusted(String(payload.iss ?? ''));
  if (typeof payload.exp !== 'number') throw AadErrors.malformedAssertion();

  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ''];
  const accepted = new Set([app.clientId, ...app.identifierUris].map((a) => a.toLowerCase()));
  if (!audiences.some((aud) => accepted.has(aud.toLowerCase()))) {
    throw AadErrors.assertionAudienceMismatch(audiences.join(' '), app.clientId);
  }

  const oid = typeof payload.oid === 'string' ? payload.oid : undefined;
  const user = oid ? context.directory.user(oid) : undefined;
  if (!user || payload.idtyp === 'app') throw AadErrors.userNotFound(context.tenantId);
  // Sessions revoked (revokeSignInSessions): a token issued before signInSessionsValidFromDateTime is no grant.
  const validFrom = context.sessionsValidFrom.get(user.id.toLowerCase());
  if (validFrom !== undefined) {
    // Entra knows when it issued its tokens; `iat` (whole seconds) only for one it did not mint here.
    const issuedMs =
      context.minter.issuedAtMs(payload.uti) ?? (typeof payload.iat === 'number' ? payload.iat * 1000 : 0);
    if (issuedMs < validFrom) throw AadErrors.grantRevoked(new Date(issuedMs), new Date(validFrom));
  }

  return { user, amr: stringList(payload.amr), acrs: stringList(payload.acrs) };
}

function safeDecode<T>(decode: () => T): T {
  try {
    return decode();
  } catch {
    throw AadErrors.malformedAssertion();
  }
}

function expiryOf(payload: JWTPayload): Date | undefined {
  return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
