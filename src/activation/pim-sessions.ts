import { createHash } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { TurnContext } from 'botbuilder';
import type { EntraAppConfig } from '../config';
import { AccessTokenCredential, ClaimsChallengeCredential } from '../identity/claims-credential';
import { onBehalfOfCredential } from '../identity/graph-credentials';
import type { UserTokenSource } from '../identity/user-token-source';
import type { GraphCallObserver, RetryPolicy } from '../pim/graph-middleware';
import { GraphTransport } from '../pim/graph-transport';
import { PimClient } from '../pim/pim-client';
import { TtlCache } from '../shared/ttl-cache';
import { reuseFor } from '../identity/token-expiry';
import { SingleFlightCredential } from '../identity/single-flight-credential';

const TURN_CLIENT = Symbol('pimbot.turnPimClient');

export interface PimSessionsOptions {
  entra: EntraAppConfig;
  graphBaseUrl: string;
  tokens: UserTokenSource;
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
 * Builds the PIM client for the user of a turn: their token (Teams SSO or dev identity), exchanged
 * on-behalf-of for Graph. One credential per user token, kept in this process's memory (never in state,
 * never logged) while that token is valid: MSAL caches the Graph token inside it, so a user's next turns
 * make no on-behalf-of exchange until it nears expiry. Teams hands the bot the same SSO token until then.
 */
export class PimSessions {
  private readonly credentials: TtlCache<TokenCredential>;
  private readonly now: () => Date;

  constructor(private readonly options: PimSessionsOptions) {
    this.now = options.now ?? (() => new Date());
    this.credentials = new TtlCache<TokenCredential>(60 * 60_000, MAX_CACHED_CREDENTIALS, () => this.now().getTime());
  }

  get tokens(): UserTokenSource {
    return this.options.tokens;
  }

  /** The user's PimClient, or undefined when they must sign in first. */
  async forTurn(context: TurnContext, claims?: string): Promise<PimClient | undefined> {
    // Several dialog steps run in one turn: they share one client, so one on-behalf-of exchange (the
    // credential caches the Graph token). Kept in the turn's memory only, never in state.
    const cached = claims ? undefined : (context.turnState.get(TURN_CLIENT) as PimClient | undefined);
    if (cached) return cached;
    const assertion = await this.options.tokens.getUserAssertion(context);
    if (!assertion) return undefined;
    const credential = claims
      ? new ClaimsChallengeCredential(onBehalfOfCredential(this.options.entra, assertion), claims)
      : this.credentialFor(assertion);
    const client = this.client(credential, context.activity.from?.aadObjectId);
    if (!claims) context.turnState.set(TURN_CLIENT, client);
    return client;
  }

  private credentialFor(assertion: string): TokenCredential {
    // Keyed by a hash: the map's keys are not the tokens themselves.
    const key = createHash('sha256').update(assertion).digest('base64url');
    const hit = this.credentials.get(key);
    if (hit) return hit;
    const credential = new SingleFlightCredential(onBehalfOfCredential(this.options.entra, assertion));
    const ttl = reuseFor(assertion, EXPIRY_MARGIN_MS, this.now().getTime());
    if (ttl > 0) this.credentials.set(key, credential, ttl);
    return credential;
  }

  /** A client on a Graph token obtained by the interactive step-up sign-in. */
  forAccessToken(token: AccessToken, principalId: string): PimClient {
    return this.client(new AccessTokenCredential(token), principalId);
  }

  private client(credential: ConstructorParameters<typeof GraphTransport>[0]['credential'], principalId?: string) {
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
