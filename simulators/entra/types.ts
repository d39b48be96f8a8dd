import type { JSONWebKeySet } from 'jose';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { CertificateAuthority } from '../tls/certificate-authority';

/** An app registration (and its service principal) in the local tenant. */
export interface RegisteredApplication {
  clientId: string;
  clientSecret: string;
  displayName: string;
  /** Audiences a Teams SSO token for this app may carry (besides the bare clientId), e.g. ['api://botid-<clientId>']. */
  identifierUris: string[];
  /** Redirect URIs registered for the authorization code + PKCE flow. */
  redirectUris: string[];
  /** Graph application permissions granted (admin-consented): the `roles` of client_credentials tokens for Graph. */
  graphApplicationPermissions: string[];
  /** Graph delegated permissions consented: the `scp` of delegated Graph tokens (OBO, authorization code). */
  graphDelegatedScopes: string[];
}

export interface DirectoryUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
}

/** Who the authority knows: one tenant, its users and its app registrations. */
export interface AuthorityDirectory {
  tenantId: string;
  users: DirectoryUser[];
  applications: RegisteredApplication[];
}

export interface EntraAuthorityOptions {
  ca: CertificateAuthority;
  directory: AuthorityDirectory;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Lifetime of the access tokens it issues; default 3600. */
  tokenLifetimeSeconds?: number;
  logger?: Logger;
  /** Time source for token times, assertion expiry and code expiry; default the system clock. */
  clock?: Clock;
}

export interface TeamsSsoTokenInput {
  /** Object id or userPrincipalName of a directory user. */
  userId: string;
  /** The app the token is for (the bot): its first identifierUri becomes the audience. */
  clientId: string;
  /** Authentication methods of the sign-in; default ['pwd']. */
  amr?: string[];
  /** Authentication contexts the sign-in satisfied (e.g. ['c1']); default none. */
  acrs?: string[];
  /** Default: the authority's token lifetime. Zero or negative issues an already expired token. */
  lifetimeSeconds?: number;
}

export interface EntraAuthority {
  /** 'https://127.0.0.1:PORT': use as @azure/identity `authorityHost`. */
  url: string;
  tenantId: string;
  /** `${url}/${tenantId}/v2.0` */
  issuer: string;
  jwksUri: string;
  /** The public signing keys, for in-process verification. */
  jwks(): JSONWebKeySet;
  /** Stand-in for Teams SSO: a user token whose audience is the given app (what Teams hands the bot). */
  issueTeamsSsoToken(input: TeamsSsoTokenInput): Promise<string>;
  close(): Promise<void>;
}
