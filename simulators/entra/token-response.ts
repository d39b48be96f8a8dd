import type { IssuedToken } from './token-minter';
import type { DirectoryUser } from './types';

/**
 * The token endpoint's success body as Entra sends it and MSAL reads it: MSAL needs `access_token`,
 * `token_type`, a positive `expires_in` (else @azure/identity has no expiresOn) and uses
 * `ext_expires_in`, `scope`, `id_token` and `client_info` (base64url `{uid, utid}`, the home account id).
 */
export interface TokenResponseBody {
  token_type: 'Bearer';
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
  id_token?: string;
  client_info?: string;
}

export function appTokenResponse(accessToken: IssuedToken): TokenResponseBody {
  return {
    token_type: 'Bearer',
    expires_in: accessToken.expiresIn,
    ext_expires_in: accessToken.expiresIn,
    access_token: accessToken.token,
  };
}

export function userTokenResponse(input: {
  accessToken: IssuedToken;
  scope: string;
  user: DirectoryUser;
  tenantId: string;
  idToken?: IssuedToken;
  withClientInfo: boolean;
}): TokenResponseBody {
  return {
    token_type: 'Bearer',
    scope: input.scope,
    expires_in: input.accessToken.expiresIn,
    ext_expires_in: input.accessToken.expiresIn,
    access_token: input.accessToken.token,
    ...(input.idToken ? { id_token: input.idToken.token } : {}),
    ...(input.withClientInfo ? { client_info: clientInfo(input.user.id, input.tenantId) } : {}),
  };
}

/** Entra's client_info: base64url JSON of the user's object id and home tenant id. */
export function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString('base64url');
}
