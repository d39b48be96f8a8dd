import { createHash } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { EntraAppConfig } from '../config';
import type { GraphCallObserver, RetryPolicy } from '../pim/graph-middleware';
import { GraphTransport } from '../pim/graph-transport';
import { PimClient } from '../pim/pim-client';
import { TtlCache } from '../shared/ttl-cache';
import { AccessTokenCredential, CaeCapableCredential, ClaimsChallengeCredential } from './claims-credential';
import { onBehalfOfCredential } from './graph-credentials';
import { SingleFlightCredential } from './single-flight-credential';
import { reuseFor } from './token-expiry';

export interface PimSessionsOptions {
  entra: EntraAppConfig;
  graphBaseUrl: string;
  observer?: GraphCallObserver;
  retry?: RetryPolicy;
  /** The app's clock (tests run the simulated tenant's): token lifetimes are judged on it. */
  now?: () => Date;
}

/** On-behalf-of credentials kept for reuse (one per user token, in memory); the oldest go first. */
const MAX_CACHED_CREDENTIALS = 1_000;
/** A credential is dropped this long before its user token expires (its Graph token would soon follow). */
const EXPIRY_MARGIN_MS = 2 * 60_000;

/**
 * Builds the PIM client of a user from their token for the bot (Teams SSO or the dev identity),
 * exchanged on-behalf-of for Graph. One credential per user token, kept in this process's memory (never
 * in state, never logged) while that token is valid: MSAL caches the Graph token inside it, so a user's
 * next turns make no on-behalf-of exchange until it nears expiry. Teams hands the bot the same SSO token
 * until then.
 */
export class PimSessions {
  private readonly credentials: TtlCache<TokenCredential>;
  private readonly now: () => Date;

  constructor(private readonly options: PimSessionsOptions) {
    this.now = options.now ?? (() => new Date());
    this.credentials = new TtlCache<TokenCredential>(60 * 60_000, MAX_CACHED_CREDENTIALS, () => this.now().getTime());
  }

  /**
   * The user's PimClient on their token. With `claims` (PIM asked for MFA or an authentication context),
   * a fresh exchange asks Entra for a token meeting them, never the cached one.
   */
  forAssertion(assertion: string, principalId: string | undefined, claims?: string): PimClient {
    const credential = claims
      ? new ClaimsChallengeCredential(onBehalfOfCredential(this.options.entra, assertion), claims)
      : this.credentialFor(assertion);
    return this.client(credential, principalId);
  }

  /** A client on a Graph token obtained by the interactive step-up sign-in. */
  forAccessToken(token: AccessToken, principalId: string): PimClient {
    return this.client(new AccessTokenCredential(token), principalId);
  }

  private credentialFor(assertion: string): TokenCredential {
    // Keyed by a hash: the map's keys are not the tokens themselves.
    const key = createHash('sha256').update(assertion).digest('base64url');
    const hit = this.credentials.get(key);
    if (hit) return hit;
    // CP1 inside the single flight: the cached token is the CAE one, and CAE challenges reach the transport.
    const credential = new SingleFlightCredential(
      new CaeCapableCredential(onBehalfOfCredential(this.options.entra, assertion)),
    );
    const ttl = reuseFor(assertion, EXPIRY_MARGIN_MS, this.now().getTime());
    if (ttl > 0) this.credentials.set(key, credential, ttl);
    return credential;
  }

  private client(credential: TokenCredential, principalId?: string): PimClient {
    return new PimClient(
      new GraphTransport({
        credential,
        graphBaseUrl: this.options.graphBaseUrl,
        observer: this.options.observer,
        retry: this.options.retry,
      }),
      principalId,
    );
  }
}
