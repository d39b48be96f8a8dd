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

/** A token already obtained elsewhere (the step-up sign-in's authorization code redemption). */
export class AccessTokenCredential implements TokenCredential {
  constructor(private readonly token: AccessToken) {}

  async getToken(): Promise<AccessToken> {
    return this.token;
  }
}
