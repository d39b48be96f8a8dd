/**
 * A local Microsoft Entra ID authority for tests and the demo mode: OpenID discovery, JWKS, and a
 * token endpoint for client credentials, on-behalf-of and authorization code + PKCE, answering
 * errors the way Entra does. @azure/identity works against it through configuration only.
 */
export { AadError, type AadErrorBody } from './aad-errors';
export { GRAPH_APP_ID, GRAPH_RESOURCE, TEAMS_CLIENT_APP_ID } from './constants';
export type { ConditionalAccessPolicy } from './conditional-access';
export { startEntraAuthority } from './entra-authority';
export { CLIENT_ASSERTION_TYPE_JWT } from './client-assertion';
export {
  type CertificateThumbprints,
  type ClientCertificate,
  type ClientCertificateOptions,
  certificateThumbprints,
  createClientCertificate,
} from './client-certificate';
export type {
  ApplicationRegistration,
  AuthorityDirectory,
  DirectoryUser,
  EntraAuthority,
  EntraAuthorityOptions,
  ManagedIdentity,
  ManagedIdentityEndpoint,
  RegisteredApplication,
  RegisteredCertificate,
  TeamsSsoTokenInput,
} from './types';
