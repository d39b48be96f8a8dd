import type { Caller } from './auth';
import { graphErrors } from './errors';

/**
 * Continuous access evaluation (FIDELITY.md, Entra docs identity-platform/claims-challenge): once a user's
 * sessions are revoked, Graph refuses their tokens issued before the revocation. A client that declared
 * `cp1` gets 401 with a claims challenge in WWW-Authenticate, so it can get a fresh token and retry; tokens
 * of clients without cp1 are not evaluated continuously (they are short-lived instead).
 */
export interface SessionRevocation {
  /** Epoch seconds (real time, like the tokens' iat). */
  at: number;
  /** Also ask for this authentication context, as a Conditional Access policy may: then only a sign-in helps. */
  acrs: string | null;
}

export function checkSessionRevocation(revocations: ReadonlyMap<string, SessionRevocation>, caller: Caller): void {
  if (caller.kind !== 'user') return;
  const revoked = revocations.get(caller.objectId.toLowerCase());
  if (!revoked || caller.issuedAt === null || caller.issuedAt > revoked.at) return;
  // Only CAE-capable clients (cp1) are evaluated continuously; the others keep short-lived tokens.
  if (!caller.clientCapabilities.some((c) => c.toLowerCase() === 'cp1')) return;
  const accessToken: Record<string, unknown> = { nbf: { essential: true, value: String(revoked.at) } };
  if (revoked.acrs) accessToken.acrs = { essential: true, value: revoked.acrs };
  throw graphErrors.caeChallenge(Buffer.from(JSON.stringify({ access_token: accessToken })).toString('base64'));
}
