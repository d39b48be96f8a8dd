import { errors, type JWTPayload, jwtVerify } from 'jose';
import { OpenIdKeys, type OpenIdKeySet } from './openid-keys';

/**
 * Verifies the user's token for the bot (Teams SSO, or the demo's dev identity) before anything is done
 * with it: the principal of Graph requests, caches and records is the token's `oid`, never the activity's
 * `from.aadObjectId` alone, and no unverified assertion goes to the on-behalf-of exchange.
 *
 * What Microsoft documents for validating a token for your own API
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens):
 * - the signature, with the keys of the authority's OpenID Connect metadata (`jwks_uri`);
 * - `iss`: the tenant's v2 issuer `{authority}/{tid}/v2.0`, or the v1 `https://sts.windows.net/{tid}/`
 *   (the token's version follows the app's accessTokenAcceptedVersion, not the endpoint asked);
 * - `aud`: the app's client id (v2) or its Application ID URI (v1, api://botid-<client id> for Teams SSO);
 * - `exp` / `nbf`, with a small clock skew;
 * - `tid`: one of ALLOWED_TENANT_IDS.
 */
export interface SsoTokenVerifierOptions {
  /** AAD_APP_OAUTH_AUTHORITY_HOST, e.g. https://login.microsoftonline.com. */
  authorityHost: string;
  /** AAD_APP_TENANT_ID: whose OpenID Connect metadata gives the signing keys. */
  tenantId: string;
  audiences: readonly string[];
  allowedTenantIds: readonly string[];
  /** The clock exp / nbf are judged on: the authority's (real) time; default the system clock. */
  now?: () => Date;
  /** Accepted clock difference on exp / nbf, in seconds; default 60. */
  clockToleranceSeconds?: number;
  /** The authority's metadata and keys, when shared with another verifier; default its own for authorityHost + tenantId. */
  keys?: OpenIdKeys;
}

/** The user a verified token names. */
export interface VerifiedUser {
  oid: string;
  tid: string;
}

export type SsoTokenRefusal =
  | 'malformed'
  | 'badSignature'
  | 'expired'
  | 'notYetValid'
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'otherTenant'
  | 'noUser'
  /** An app-only token (no `scp`, or `idtyp: 'app'`): no user signed in with it. */
  | 'notDelegated'
  /** A valid token of another user than the activity's (checked by the caller, which knows the activity). */
  | 'otherUser'
  | 'keysUnavailable';

export class SsoTokenRejected extends Error {
  constructor(readonly reason: SsoTokenRefusal) {
    super(`The user's token for PIM Bot was refused (${reason}).`);
    this.name = 'SsoTokenRejected';
  }
}

export class SsoTokenVerifier {
  private readonly openId: OpenIdKeys;
  private readonly authority: string;
  private readonly now: () => Date;

  constructor(private readonly options: SsoTokenVerifierOptions) {
    this.authority = options.authorityHost.replace(/\/+$/, '');
    this.now = options.now ?? (() => new Date());
    this.openId = options.keys ?? new OpenIdKeys({ authorityHost: options.authorityHost, tenantId: options.tenantId });
  }

  /** The token's user, or SsoTokenRejected saying why not. Never logs or keeps the token. */
  async verify(token: string): Promise<VerifiedUser> {
    const keys = await this.signingKeys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ['RS256'],
        audience: [...this.options.audiences],
        currentDate: this.now(),
        clockTolerance: this.options.clockToleranceSeconds ?? 60,
      }));
    } catch (err) {
      throw new SsoTokenRejected(refusalOf(err));
    }
    const tid = typeof payload.tid === 'string' ? payload.tid.toLowerCase() : '';
    if (!this.options.allowedTenantIds.includes(tid)) throw new SsoTokenRejected('otherTenant');
    const issuers = [`${this.authority}/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
    if (typeof payload.iss !== 'string' || !issuers.includes(payload.iss)) throw new SsoTokenRejected('wrongIssuer');
    const oid = typeof payload.oid === 'string' ? payload.oid.toLowerCase() : '';
    if (!oid) throw new SsoTokenRejected('noUser');
    // A user's token has `scp` (the delegated scopes); an app's own token has `roles` and, with the optional
    // claim the aad manifest asks for, `idtyp: 'app'` (learn.microsoft.com/entra/identity-platform/
    // access-token-claims-reference). An app-only token addressed to the bot names a service principal, not
    // the Teams user, so it is no sign-in, whatever its `oid`.
    if (payload.idtyp === 'app' || typeof payload.scp !== 'string' || payload.scp.trim() === '')
      throw new SsoTokenRejected('notDelegated');
    return { oid, tid };
  }

  /** The authority's keys (OpenIdKeys: the metadata fetched once, again after a failure); never unverified. */
  private async signingKeys(): Promise<OpenIdKeySet['keys']> {
    try {
      return (await this.openId.keySet()).keys;
    } catch {
      throw new SsoTokenRejected('keysUnavailable');
    }
  }
}

function refusalOf(err: unknown): SsoTokenRefusal {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'wrongAudience';
    if (err.claim === 'nbf' || err.claim === 'iat') return 'notYetValid';
    return 'malformed';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) {
    return 'badSignature';
  }
  if (err instanceof errors.JWKSTimeout) return 'keysUnavailable';
  return 'malformed';
}
