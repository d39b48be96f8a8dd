import type { AccessToken } from '@azure/identity';
import { decodeJwt } from 'jose';
import type { EntraAppConfig } from '../../config';

const REQUEST_TIMEOUT_MS = 15_000;

/** The delegated scopes the step-up sign-in asks for: Graph (all consented permissions) plus OpenID. */
export const STEP_UP_SCOPE = 'https://graph.microsoft.com/.default openid profile';

export type RedemptionFailureKind = 'refused' | 'unreachable' | 'malformed';

/** Why the code could not be turned into a token. The message never holds the code, secret or a token. */
export class CodeRedemptionError extends Error {
  constructor(
    readonly kind: RedemptionFailureKind,
    message: string,
    /** The authority's `error` (e.g. invalid_grant) and AADSTS code, when it answered one. */
    readonly oauthError?: string,
    readonly aadsts?: string,
  ) {
    super(message);
    this.name = 'CodeRedemptionError';
  }
}

export interface RedeemedToken {
  accessToken: AccessToken;
  /** Who the token is for, from its payload: `oid` and `tid`. */
  oid: string | undefined;
  tid: string | undefined;
}

export function authorityTenantUrl(entra: EntraAppConfig): string {
  return `${entra.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(entra.tenantId)}`;
}

/**
 * Redeems an authorization code at the token endpoint (confidential client: client secret, plus the PKCE
 * code_verifier), as MSAL's acquireTokenByCode does, for a Graph access token.
 */
export async function redeemAuthorizationCode(
  entra: EntraAppConfig,
  input: { code: string; redirectUri: string; codeVerifier: string; claims: string; nowMs: number },
): Promise<RedeemedToken> {
  if (!entra.clientSecret) {
    throw new CodeRedemptionError('refused', 'the app has no client secret to redeem the code with');
  }
  let res: Response;
  try {
    res = await fetch(`${authorityTenantUrl(entra)}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: entra.clientId,
        client_secret: entra.clientSecret,
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
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch {
    throw new CodeRedemptionError('malformed', 'the sign-in service answered with an access token that is not a JWT');
  }
  return {
    accessToken: { token, expiresOnTimestamp: input.nowMs + expiresIn * 1000, tokenType: 'Bearer' },
    oid: typeof payload.oid === 'string' ? payload.oid : undefined,
    tid: typeof payload.tid === 'string' ? payload.tid : undefined,
  };
}

/** 'AADSTS50076' from `error_codes` or the description, if any. */
export function aadstsOf(body: Record<string, unknown> | undefined): string | undefined {
  const codes = body?.error_codes;
  if (Array.isArray(codes) && typeof codes[0] === 'number') return `AADSTS${codes[0]}`;
  const description = typeof body?.error_description === 'string' ? body.error_description : '';
  return description.match(/AADSTS\d+/)?.[0];
}
