import { tenantEndpoints } from './authority-context';

/**
 * The OpenID Provider metadata at `/{tenant}/v2.0/.well-known/openid-configuration`. MSAL needs
 * `issuer` (same scheme and host:port as the authority), `authorization_endpoint`, `token_endpoint`
 * and `jwks_uri`, and uses `end_session_endpoint` for logout. For `common`/`organizations` the
 * issuer is the `{tenantid}` template, as in Entra.
 */
export function openIdConfiguration(input: {
  url: string;
  tenantSegment: string;
  tenantId: string;
  isTenantPath: boolean;
}) {
  const endpoints = tenantEndpoints(input.url, input.tenantSegment);
  return {
    token_endpoint: endpoints.token,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    jwks_uri: endpoints.jwks,
    response_modes_supported: ['query', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: input.isTenantPath ? `${input.url}/${input.tenantId}/v2.0` : `${input.url}/{tenantid}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: endpoints.authorization,
    end_session_endpoint: endpoints.endSession,
    code_challenge_methods_supported: ['S256', 'plain'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'acrs',
      'amr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'oid',
      'xms_cc',
    ],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'local',
  };
}
