import type { JSONWebKeySet } from 'jose';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { CertificateAuthority } from '../tls/certificate-authority';
import type { ConditionalAccessPolicy } from './conditional-access';

/** An app registration (and its service principal) in the local tenant. */
export interface ApplicationRegistration {
  clientId: string;
  /**
   * The client secret, if the app has one. An app may have a secret, certificates or both; with
   * neither it cannot authenticate as a confidential client.
   */
  clientSecret?: string;
  /**
   * Certificates uploaded to the registration (Entra's keyCredentials): a client may authenticate with
   * a JWT client assertion signed by one of their private keys (certificate-credentials.ts).
   */
  certificates?: RegisteredCertificate[];
  displayName: string;
  /** Audiences a Teams SSO token for this app may carry (besides the bare clientId), e.g. ['api://botid-<clientId>']. */
  identifierUris: string[];
  /**
   * Delegated scopes the app exposes on its own API ("Expose an API"); default ['access_as_user'] when it
   * has an Application ID URI. On-behalf-of for `<identifierUri>/<scope>` issues a token for the app itself.
   */
  exposedScopes?: string[];
  /**
   * Object ids of users who have not consented to the app (user consent declined, no admin consent):
   * on-behalf-of for them is refused with consent_required (AADSTS65001), whatever the scope.
   */
  usersWithoutConsent?: string[];
  /** Redirect URIs registered for the authorization code + PKCE flow. */
  redirectUris: string[];
  /** Graph application permissions granted (admin-consented): the `roles` of client_credentials tokens for Graph. */
  graphApplicationPermissions: string[];
  /** Graph delegated permissions consented: the `scp` of delegated Graph tokens (OBO, authorization code). */
  graphDelegatedScopes: string[];
}

/** An app registration that has a client secret (the usual case, and what most tests build). */
export type RegisteredApplication = ApplicationRegistration & { clientSecret: string };

/** A certificate (public part only) registered on an app, as uploaded to the portal. */
export interface RegisteredCertificate {
  /** The X.509 certificate, PEM ('-----BEGIN CERTIFICATE-----'); any private key in it is ignored. */
  certificatePem: string;
}

/**
 * A managed identity the local App Service managed identity endpoint issues tokens for. A request that
 * names no identity gets the system-assigned one (or the only one there is).
 */
export interface ManagedIdentity {
  /** The identity's client (application) id, what `client_id=` and AZURE_CLIENT_ID name. */
  clientId: string;
  /** The service principal's object id (`oid` of its tokens); default a stable id derived from clientId. */
  principalId?: string;
  /** True for the app's system-assigned identity: used when a request names no identity. */
  systemAssigned?: boolean;
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
  applications: ApplicationRegistration[];
  /**
   * Managed identities of the app host. When given (non-empty), the authority also serves an App
   * Service-style managed identity endpoint (managed-identity-endpoint.ts).
   */
  managedIdentities?: ManagedIdentity[];
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
  /**
   * What Graph's `POST /users/{id}/revokeSignInSessions` does to the authority: the user's
   * signInSessionsValidFromDateTime becomes now (the authority's clock), and a user assertion issued
   * before it is refused on-behalf-of with invalid_grant AADSTS50173. Returns that instant.
   */
  revokeSignInSessions(userId: string): Date;
  /**
   * A Conditional Access policy requiring MFA for these users on Microsoft Graph, from now on: an on-behalf-of
   * exchange for Graph of an assertion signed in without MFA is refused with the claims challenge
   * (conditional-access.ts); interactive sign-ins (authorize endpoint) use MFA and satisfy it.
   */
  addConditionalAccessPolicy(policy: ConditionalAccessPolicy): void;
  /**
   * The App Service-style managed identity endpoint, when the directory has managed identities:
   * put `environment` into the process environment before the first ManagedIdentityCredential is
   * built (MSAL picks and caches the managed identity source once per process).
   */
  managedIdentityEndpoint?: ManagedIdentityEndpoint;
  close(): Promise<void>;
}

export interface ManagedIdentityEndpoint {
  /** `${url}/msi/token` */
  url: string;
  /** What App Service sets for a site with a managed identity. IDENTITY_HEADER is made at each start. */
  environment: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
}
