import type { AccessToken } from '@azure/identity';
import { type EntraAppConfig, PUBLIC_CLOUD } from '../../config';
import { CLIENT_ASSERTION_TYPE, clientAssertion, loadClientCertificate } from '../client-assertion';

const REQUEST_TIMEOUT_MS = 15_000;

/** The delegated scopes the step-up sign-in asks for: Graph (all consented permissions) plus OpenID. */
export const STEP_UP_SCOPE = `${PUBLIC_CLOUD.graphScope} openid profile`;

export type RedemptionFailureKind = 'refused' | 'unreachable' | 'malformed';

/** Why the code could not be turned into a token. The message never holds the code, secret or a token. */
export class CodeRedemptionError extends Error {
  constructor(
    readonly kind: RedemptionFailureKind,
    message: string,
    /** The authority's `error` (e.g. invalid_grant) and AADSTS code, when it answered one. */
    readonly oauthError?: string,
    readonly aadsts?: string,
    /** For the log only (e.g. why the certificate file could not be used); never shown to the browser. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'CodeRedemptionError';
  }
}

export interface RedeemedToken {
  accessToken: AccessToken;
  /**
   * The OpenID Connect id_token (the scope asks for openid): who signed in, once IdTokenVerifier checked
   * it. The access token is Graph's and opaque to the bot; it is never decoded here.
   */
  idToken: string | undefined;
}

export function authorityTenantUrl(entra: EntraAppConfig): string {
  return `${entra.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(entra.tenantId)}`;
}

/**
 * How the app proves itself to the token endpoint: a certificate-signed client_assertion when
 * AAD_APP_CLIENT_CERTIFICATE_PATH is set (read at each redemption, so a renewed file is picked up), else
 * client_secret. Entra: "anywhere a client secret could be used" (certificate-credentials).
 */
export async function clientAuthentication(
  entra: EntraAppConfig,
  tokenEndpoint: string,
  nowMs: number,
): Promise<Record<string, string>> {
  if (entra.clientCertificatePath) {
    const certificate = loadClientCertificate(entra.clientCertificatePath);
    return {
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await clientAssertion(certificate, { clientId: entra.clientId, tokenEndpoint, nowMs }),
    };
  }
  if (entra.clientSecret) return { client_secret: entra.clientSecret };
  throw new CodeRedemptionError(
    'refused',
    'the app has neither a certificate nor a client secret to redeem the code with',
  );
}

/**
 * Redeems an authorization code at the token endpoint (confidential client: certificate assertion or
 * client secret, plus the PKCE code_verifier), as MSAL's acquireTokenByCode does, for a Graph access token.
 */
export async function redeemAuthorizationCode(
  entra: EntraAppConfig,
  input: { code: string; redirectUri: string; codeVerifier: string; claims: string; nowMs: number },
): Promise<RedeemedToken> {
  const tokenEndpoint = `${authorityTenantUrl(entra)}/oauth2/v2.0/token`;
  let clientAuth: Record<string, string>;
  try {
    clientAuth = await clientAuthentication(entra, tokenEndpoint, input.nowMs);
  } catch (err) {
    if (err instanceof CodeRedemptionError) throw err;
    // The certificate file: its message names the variable and never holds key material.
    throw new CodeRedemptionError(
      'refused',
      'the app certificate could not be used',
      undefined,
      undefined,
      err instanceof Error ? err.message : undefined,
    );
  }
  let res: Response;
  try {
    res = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: entra.clientId,
        ...clientAuth,
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.codeVerifier,
        scope: STEP_UP_SCOPE,
        claims: input.claims,
      }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'could not connect';
    throw new CodeRedemptionError('unreachable', `the sign-in service ${reason}`);
  }

  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!res.ok) {
    const oauthError = typeof body?.error === 'string' ? body.error : undefined;
    const aadsts = aadstsOf(body);
    throw new CodeRedemptionError(
      'refused',
      `the sign-in service refused the sign-in (${oauthError ?? `HTTP ${res.status}`}${aadsts ? `, ${aadsts}` : ''})`,
      oauthError,
      aadsts,
    );
  }
  const token = body?.access_token;
  const expiresIn = Number(body?.expires_in);
  if (typeof token !== 'string' || !token || !(expiresIn > 0)) {
    throw new CodeRedemptionError('malformed', 'the sign-in service answered without a usable access token');
  }
  return {
    accessToken: { token, expiresOnTimestamp: input.nowMs + expiresIn * 1000, tokenType: 'Bearer' },
    idToken: typeof body?.id_token === 'string' ? body.id_token : undefined,
  };
}

/** 'AADSTS50076' from `error_codes` or the description, if any. */
export function aadstsOf(body: Record<string, unknown> | undefined): string | undefined {
  const codes = body?.error_codes;
  if (Array.isArray(codes) && typeof codes[0] === 'number') return `AADSTS${codes[0]}`;
  const description = typeof body?.error_description === 'string' ? body.error_description : '';
  return description.match(/AADSTS\d+/)?.[0];
}
