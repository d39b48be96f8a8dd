import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * A credential that asks for a claims challenge on every token request: after PIM answers MfaRule or
 * RoleAssignmentRequestAcrsValidationFailed, the retry must carry a token that satisfies those claims
 * (PIM-API.md §3). Tokens bound to claims are not cached by MSAL, so this always asks the authority.
 */
export class ClaimsChallengeCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly claims: string,
  ) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    // enableCae makes MSAL declare client capability CP1 (xms_cc), which PIM reportedly needs before it
    // honours acrs.
    return this.inner.getToken(scopes, { ...options, claims: this.claims, enableCae: true });
  }
}

/**
 * Declares client capability CP1 on every token request (enableCae), so Graph applies continuous access
 * evaluation: it sends a claims challenge (401 insufficient_claims) when the user's sessions are revoked,
 * which the Graph transport meets with one new token (Entra docs identity-platform/claims-challenge).
 * Tokens of clients without CP1 are not challenged at all.
 */
export class CaeCapableCredential implements TokenCredential {
  constructor(private readonly inner: TokenCredential) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    return this.inner.getToken(scopes, { ...options, enableCae: true });
  }
}

/** A token already obtained elsewhere (the step-up sign-in's authorization code redemption). */
export class AccessTokenCredential implements TokenCredential {
  constructor(private readonly token: AccessToken) {}

  async getToken(): Promise<AccessToken> {
    return this.token;
  }
}
