import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import { AadErrors } from './aad-errors';
import type { AccessTokenClaimsRequest } from './claims-request';
import { AUTHORIZATION_CODE_LIFETIME_SECONDS } from './constants';
import type { ScopeRequest } from './scopes';

/** What an authorization code stands for, and what it is bound to. */
export interface AuthorizationGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  userId: string;
  scopes: ScopeRequest;
  claims?: AccessTokenClaimsRequest;
  nonce?: string;
  /** The authentication context values the sign-in satisfied. */
  acrs: string[];
}

interface StoredGrant extends AuthorizationGrant {
  expiresAt: number;
  redeemed: boolean;
}

/** Single-use authorization codes, bound to client, redirect URI and PKCE challenge; they expire in 10 minutes. */
export class AuthorizationCodeStore {
  private readonly grants = new Map<string, StoredGrant>();

  constructor(private readonly clock: Clock) {}

  issue(grant: AuthorizationGrant): string {
    this.sweep();
    const code = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now().getTime() + AUTHORIZATION_CODE_LIFETIME_SECONDS * 1000;
    this.grants.set(hashCode(code), { ...grant, expiresAt, redeemed: false });
    return code;
  }

  /**
   * Redeems a code. Any redemption attempt by the client it was issued to uses it up, whether or not
   * the verifier matches (a code is good for one try).
   */
  redeem(code: string, request: { clientId: string; redirectUri?: string; codeVerifier?: string }): AuthorizationGrant {
    const stored = this.grants.get(hashCode(code));
    if (!stored) throw AadErrors.codeNotValid();
    if (stored.clientId.toLowerCase() !== request.clientId.toLowerCase()) throw AadErrors.codeIssuedToAnotherClient();
    if (stored.redeemed) throw AadErrors.codeRedeemed();
    stored.redeemed = true;
    if (this.clock.now().getTime() >= stored.expiresAt) throw AadErrors.codeExpired();
    if (request.redirectUri === undefined) throw AadErrors.missingParameter('redirect_uri');
    if (request.redirectUri !== stored.redirectUri) {
      throw AadErrors.redirectUriMismatchOnRedeem(request.redirectUri, stored.redirectUri);
    }
    if (stored.codeChallenge !== undefined) {
      if (
        !request.codeVerifier ||
        !pkceMatches(stored.codeChallenge, stored.codeChallengeMethod, request.codeVerifier)
      ) {
        throw AadErrors.codeVerifierMismatch();
      }
    }
    const { expiresAt: _expiresAt, redeemed: _redeemed, ...grant } = stored;
    return grant;
  }

  /** Forgets codes long past expiry (redeemed ones are kept until then, to answer "already redeemed"). */
  private sweep(): void {
    const now = this.clock.now().getTime();
    for (const [key, grant] of this.grants) {
      if (now >= grant.expiresAt + AUTHORIZATION_CODE_LIFETIME_SECONDS * 1000) this.grants.delete(key);
    }
  }
}

/** RFC 7636 4.6: S256 compares BASE64URL(SHA256(verifier)) with the challenge; plain compares them as is. */
export function pkceMatches(challenge: string, method: 'S256' | 'plain' | undefined, verifier: string): boolean {
  const derived = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(derived);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}
