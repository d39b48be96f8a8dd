import type { AccessToken } from '@azure/identity';
import type { TurnContext } from 'botbuilder';
import type { EntraAppConfig } from '../config';
import { AccessTokenCredential, ClaimsChallengeCredential } from '../identity/claims-credential';
import { onBehalfOfCredential } from '../identity/graph-credentials';
import type { UserTokenSource } from '../identity/user-token-source';
import type { GraphCallObserver, RetryPolicy } from '../pim/graph-middleware';
import { GraphTransport } from '../pim/graph-transport';
import { PimClient } from '../pim/pim-client';

const TURN_CLIENT = Symbol('pimbot.turnPimClient');

export interface PimSessionsOptions {
  entra: EntraAppConfig;
  graphBaseUrl: string;
  tokens: UserTokenSource;
  observer?: GraphCallObserver;
  retry?: RetryPolicy;
}

/**
 * Builds the PIM client for the user of a turn: their token (Teams SSO or dev identity), exchanged
 * on-behalf-of for Graph. One credential per token, created per turn, never kept in state.
 */
export class PimSessions {
  constructor(private readonly options: PimSessionsOptions) {}

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
    const obo = onBehalfOfCredential(this.options.entra, assertion);
    const credential = claims ? new ClaimsChallengeCredential(obo, claims) : obo;
    const client = this.client(credential, context.activity.from?.aadObjectId);
    if (!claims) context.turnState.set(TURN_CLIENT, client);
    return client;
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
