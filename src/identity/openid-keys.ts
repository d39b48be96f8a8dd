import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/**
 * An authority's OpenID Connect metadata for one tenant, and the signing keys it names: what every token the
 * bot verifies itself is checked against (the Teams SSO token for the bot, the step-up sign-in's id_token).
 * Microsoft: "the public keys … are published at the jwks_uri of the OpenID Connect metadata document"
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-signature).
 *
 * The metadata document is fetched once and kept (again only after a failed fetch). The keys are jose's remote
 * key set: fetched on first use and cached; a token naming a `kid` the set does not hold makes it fetch the
 * JWKS again (Entra rolls its keys over), at most once per cooldown (jose's default 30 s), so forged `kid`s
 * cannot make the bot hammer the authority.
 */
export interface OpenIdKeySet {
  /** The metadata's `issuer`, e.g. https://login.microsoftonline.com/{tid}/v2.0 for a tenant path. */
  issuer: string;
  /** For jose's jwtVerify. */
  keys: JWTVerifyGetKey;
  /** The metadata document as read (JSON): MSAL takes it as `authorityMetadata` instead of fetching it again. */
  document: string;
}

export interface OpenIdKeysOptions {
  /** e.g. https://login.microsoftonline.com (AAD_APP_OAUTH_AUTHORITY_HOST). */
  authorityHost: string;
  /** The tenant path segment (AAD_APP_TENANT_ID). */
  tenantId: string;
  /** Per request, metadata and JWKS; default 10 s. */
  timeoutMs?: number;
  /** After a JWKS fetch, no other for this long, unknown `kid` or not; default jose's 30 s. */
  cooldownMs?: number;
}

/** The metadata or the keys could not be had; `message` says why, for the caller to word its own error. */
export class OpenIdMetadataUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpenIdMetadataUnavailable';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class OpenIdKeys {
  private current: Promise<OpenIdKeySet> | undefined;
  /** Metadata documents fetched so far (successful or not): what the cache saves is observable. */
  private fetches = 0;

  constructor(private readonly options: OpenIdKeysOptions) {}

  /** `{authorityHost}/{tenant}/v2.0/.well-known/openid-configuration`. */
  get metadataUrl(): string {
    const host = this.options.authorityHost.replace(/\/+$/, '');
    return `${host}/${encodeURIComponent(this.options.tenantId)}/v2.0/.well-known/openid-configuration`;
  }

  get metadataFetches(): number {
    return this.fetches;
  }

  /** The issuer and keys; OpenIdMetadataUnavailable when the document cannot be read or names no https jwks_uri. */
  keySet(): Promise<OpenIdKeySet> {
    this.current ??= this.fetchMetadata().catch((err: unknown) => {
      // Not kept when it failed: the next verification tries again.
      this.current = undefined;
      throw err;
    });
    return this.current;
  }

  private async fetchMetadata(): Promise<OpenIdKeySet> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetches++;
    let body: { issuer?: unknown; jwks_uri?: unknown };
    let document: string;
    try {
      const res = await fetch(this.metadataUrl, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      document = await res.text();
      body = JSON.parse(document) as typeof body;
    } catch (err) {
      throw new OpenIdMetadataUnavailable(
        `the OpenID metadata could not be read (${err instanceof Error ? err.message : 'error'})`,
      );
    }
    const { issuer, jwks_uri: jwksUri } = body;
    if (typeof issuer !== 'string' || !issuer || typeof jwksUri !== 'string' || !jwksUri.startsWith('https://')) {
      throw new OpenIdMetadataUnavailable('the OpenID metadata has no usable issuer or https jwks_uri');
    }
    return {
      issuer,
      document,
      keys: createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: timeoutMs,
        ...(this.options.cooldownMs !== undefined ? { cooldownDuration: this.options.cooldownMs } : {}),
      }),
    };
  }
}
