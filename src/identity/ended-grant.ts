import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * Entra's refusals of an on-behalf-of exchange that mean the user's token for the bot is no grant any more, so
 * only a new sign-in helps (learn.microsoft.com/entra/identity-platform/reference-error-codes):
 * - 50173 FreshTokenNeeded: "The provided grant has expired due to it being revoked" (revokeSignInSessions,
 *   a password reset): invalid_grant;
 * - 70043 BadTokenDueToSignInFrequency: "The refresh token has expired or is invalid due to sign-in frequency
 *   checks by Conditional Access": invalid_grant;
 * - 700082 ExpiredOrRevokedGrantInactiveToken: "The refresh token has expired due to inactivity": invalid_grant.
 */
const GRANT_GONE = new Set([50173, 70043, 700082]);
/**
 * Refusals asking for the user (interaction_required): 50076 UserStrongAuthClientAuthNRequired ("Due to a
 * configuration change made by your administrator, or because you moved to a new location, you must use multi-factor
 * authentication"), 50079 UserStrongAuthEnrollmentRequired. On the plain exchange (no claims asked) they say the
 * session the SSO token came from no longer satisfies the tenant: Teams' sign-in must run again. On a claims request
 * (a step-up or a CAE challenge asking for an authentication context) they are the step-up's, not an ended session.
 */
const INTERACTION_REQUIRED = new Set([50076, 50079]);

/** The AADSTS codes in an @azure/identity or MSAL failure (MSAL keeps them in the message only). */
export function aadstsCodes(err: unknown): number[] {
  const text = err instanceof Error ? err.message : String(err);
  return [...text.matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1]));
}

/** Whether this refusal of an exchange (with `claims` asked for, or without) means: sign the user in again. */
export function isEndedGrant(err: unknown, withClaims: boolean): boolean {
  return aadstsCodes(err).some((code) => GRANT_GONE.has(code) || (!withClaims && INTERACTION_REQUIRED.has(code)));
}

/**
 * An on-behalf-of credential that reports when Entra refuses its user's token as a grant (isEndedGrant): on a
 * plain exchange, and on the claims refresh a CAE challenge makes (Graph's 401 after a revocation). The refusal
 * still fails the token request; `onEnded` lets the owner drop the session before anything else uses it.
 */
export class EndedGrantCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly onEnded: () => void,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    try {
      return await this.inner.getToken(scopes, options);
    } catch (err) {
      if (isEndedGrant(err, !!options?.claims)) this.onEnded();
      throw err;
    }
  }
}
