import { jwtVerify } from 'jose';
import type { EntraAppConfig } from '../../config';
import { OpenIdKeys, type OpenIdKeySet } from '../openid-keys';

/**
 * Who signed in, from the OpenID Connect id_token of the code redemption, verified against the authority's
 * signing keys. The access token is for Graph and opaque to the bot (Microsoft: "don't validate or read
 * access tokens for APIs you don't own"), so it never decides who the user is.
 * Checks (OpenID Connect Core 3.1.3.7): signature (RS256, keys from the OIDC metadata's jwks_uri), `iss` =
 * the tenant's v2.0 issuer from that metadata, `aud` = the app's client id, `exp`/`nbf`, `nonce` = the
 * one this sign-in sent, and `oid`/`tid` present.
 * Sources: learn.microsoft.com/entra/identity-platform/id-tokens (validation), .../access-tokens.
 */
export interface VerifiedSignIn {
  oid: string;
  tid: string;
}

export class IdTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdTokenError';
  }
}

/** Tolerated clock difference with the authority. */
const CLOCK_TOLERANCE_SECONDS = 300;

/** One per authority + tenant: the metadata is fetched once, jose caches (and refreshes on rotation) the keys. */
export class IdTokenVerifier {
  private readonly openId: OpenIdKeys;

  /** `keys`: the authority's metadata and keys when shared with another verifier; default its own. */
  constructor(
    private readonly entra: EntraAppConfig,
    keys?: OpenIdKeys,
  ) {
    this.openId = keys ?? new OpenIdKeys({ authorityHost: entra.authorityHost, tenantId: entra.tenantId });
  }

  async verify(idToken: string | undefined, expectedNonce: string): Promise<VerifiedSignIn> {
    if (!idToken) throw new IdTokenError('the sign-in service answered without an id_token');
    // For a tenant path the issuer is the tenant's own, e.g. https://login.microsoftonline.com/{tid}/v2.0.
    const { issuer, keys: jwks } = await this.openIdMetadata();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(idToken, jwks, {
        issuer,
        audience: this.entra.clientId,
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'nonce'],
      }));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new IdTokenError(`the id_token was refused (${typeof code === 'string' ? code : 'invalid'})`);
    }
    if (payload.nonce !== expectedNonce) throw new IdTokenError('the id_token was refused (nonce mismatch)');
    const { oid, tid } = payload;
    if (typeof oid !== 'string' || !oid || typeof tid !== 'string' || !tid) {
      throw new IdTokenError('the id_token was refused (no oid or tid)');
    }
    return { oid, tid };
  }

  private async openIdMetadata(): Promise<OpenIdKeySet> {
    try {
      return await this.openId.keySet();
    } catch (err) {
      throw new IdTokenError(
        `the sign-in service's ${err instanceof Error ? err.message.replace(/^the /, '') : 'OpenID metadata could not be read'}`,
      );
    }
  }
}
