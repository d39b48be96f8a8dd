/** The Microsoft Graph resource: the audience of every token this authority issues for Graph. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
/** Microsoft Graph's well-known application id (scopes may be written `00000003-…/.default`). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/**
 * The Teams desktop/mobile client, the authorized party (`azp`) of the SSO tokens Teams hands a bot
 * (the web client is 5e3ce6c0-2b1f-4285-8d4b-75ee78787346).
 */
export const TEAMS_CLIENT_APP_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
/** The delegated scope a bot exposes for Teams SSO. */
export const TEAMS_SSO_SCOPE = 'access_as_user';

/** OpenID Connect scopes: they ask for sign-in data, not for a resource. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 600;

/** The interactive sign-in the authorize endpoint stands in for: password plus MFA. */
export const INTERACTIVE_SIGN_IN_AMR: readonly string[] = ['pwd', 'mfa'];

export const GrantTypes = {
  clientCredentials: 'client_credentials',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
  authorizationCode: 'authorization_code',
} as const;
