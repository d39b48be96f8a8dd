import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { AuthorizationCodeStore } from './authorization-codes';
import type { ConditionalAccessPolicy } from './conditional-access';
import type { Directory } from './directory';
import type { SigningKeys } from './signing-keys';
import type { TokenMinter } from './token-minter';

/** Everything the endpoints share: who is in the tenant, the keys, the clock, the pending codes. */
export interface AuthorityContext {
  url: string;
  tenantId: string;
  issuer: string;
  directory: Directory;
  keys: SigningKeys;
  minter: TokenMinter;
  codes: AuthorizationCodeStore;
  clock: Clock;
  logger: Logger;
  /** signInSessionsValidFromDateTime per user (lower-case object id, epoch ms): set by revokeSignInSessions. */
  sessionsValidFrom: Map<string, number>;
  /** Conditional Access policies on Microsoft Graph (addConditionalAccessPolicy). */
  conditionalAccess: ConditionalAccessPolicy[];
  /** IDENTITY_HEADER of the managed identity endpoint; absent when the directory has no managed identities. */
  managedIdentityHeader?: string;
}

/** The endpoints of a tenant path (`/{tenant}/…`) as the discovery document publishes them. */
export function tenantEndpoints(url: string, tenantSegment: string) {
  const base = `${url}/${tenantSegment}`;
  return {
    authorization: `${base}/oauth2/v2.0/authorize`,
    token: `${base}/oauth2/v2.0/token`,
    jwks: `${base}/discovery/v2.0/keys`,
    endSession: `${base}/oauth2/v2.0/logout`,
  };
}
