import { createHash } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { EntraAppConfig } from '../config';
import type { GraphCallObserver, RetryPolicy } from '../pim/graph-middleware';
import { GraphTransport } from '../pim/graph-transport';
import { PimClient } from '../pim/pim-client';
import { TtlCache } from '../shared/ttl-cache';
import { AccessTokenCredential, CaeCapableCredential, ClaimsChallengeCredential } from './claims-credential';
import { EndedGrantCredential, isEndedGrant } from './ended-grant';
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
/** The scope every Graph call asks for (GraphTransport): the session check asks for the same, so MSAL's cache serves both. */
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/**
 * Builds the PIM client of a user from their token for the bot (Teams SSO or the dev identity),
 * exchanged on-behalf-of for Graph. One credential per user token, kept in this process's memory (never
 * in state, never logged) while that token is valid: MSAL caches the Graph token inside it, so a user's
 * next turns make no on-behalf-of exchange until it nears expiry. Teams hands the bot the same SSO token
 * until then.
 *
 * A session ends when Entra refuses the user's token as a grant (sessions revoked, sign-in frequency, inactivity:
 * ./ended-grant), on the first exchange or on the claims refresh Graph's CAE challenge asks for: the credential is
 * dropped at once and the token remembered as ended while it lives, so no turn uses it again and the caller can
 * ask the user to sign in (TurnSessions).
 */
export class PimSessions {
  private readonly credentials: TtlCache<TokenCredential>;
  /** Hashes of user tokens Entra refused as a grant, until they would have expired anyway. */
  private readonly ended: TtlCache<true>;
  private readonly now: () => Date;

  constructor(private readonly options: PimSessionsOptions) {
    this.now = options.now ?? (() => new Date());
    const clock = () => this.now().getTime();
    this.credentials = new TtlCache<TokenCredential>(60 * 60_000, MAX_CACHED_CREDENTIALS, clock);
    this.ended = new TtlCache<true>(60 * 60_000, MAX_CACHED_CREDENTIALS, clock);
  }

  /** Whether Entra refused this user token as a grant (in this process): the user must sign in again. */
  hasEnded(assertion: string): boolean {
    return this.ended.get(keyOf(assertion)) === true;
  }

  /**
   * Whether the session on this token still holds, before a turn acts on it: the on-behalf-of exchange the first
   * Graph call would make anyway (its Graph token is cached for the calls that follow; a cached session answers
   * from memory). False when Entra refuses the token as a grant; any other failure is left to the Graph call,
   * which reports it as before.
   */
  async confirm(assertion: string): Promise<boolean> {
    if (this.hasEnded(assertion)) return false;
    try {
      await this.credentialFor(assertion).getToken([GRAPH_SCOPE]);
      return true;
    } catch (err) {
      if (isEndedGrant(err, false)) return false;
      return true;
    }
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
    const key = keyOf(assertion);
    const hit = this.credentials.get(key);
    if (hit) return hit;
    const ttl = reuseFor(assertion, EXPIRY_MARGIN_MS, this.now().getTime());
    // CP1 inside the single flight: the cached token is the CAE one, and CAE challenges reach the transport.
    // The ended-grant watch sits next to Entra, so it sees the plain exchange and the CAE claims refresh alike.
    const credential = new SingleFlightCredential(
      new CaeCapableCredential(
        new EndedGrantCredential(onBehalfOfCredential(this.options.entra, assertion), () => {
          this.credentials.delete(key);
          this.ended.set(key, true, Math.max(ttl, 60_000));
        }),
      ),
    );
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

/** Caches are keyed by a hash: their keys are not the tokens themselves. */
function keyOf(assertion: string): string {
  return createHash('sha256').update(assertion).digest('base64url');
}
