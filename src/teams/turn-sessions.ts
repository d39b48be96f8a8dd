import type { AccessToken } from '@azure/identity';
import type { InvokeResponse, TurnContext } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import type { PimSessions } from '../identity/pim-sessions';
import type { PimClient } from '../pim/pim-client';
import type { UserTokenSource } from './user-token-source';

const TURN_CLIENT = Symbol('pimbot.turnPimClient');

/**
 * The signed-in user of a turn: their token for the bot (Teams SSO, or the demo's dev identity) turned
 * into their PIM client (on-behalf-of). Several dialog steps run in one turn: they share one client, so
 * one exchange, kept in the turn's memory only (never in state).
 */
export class TurnSessions {
  constructor(
    private readonly tokens: UserTokenSource,
    private readonly pims: PimSessions,
  ) {}

  get signInDialog(): Dialog | undefined {
    return this.tokens.signInDialog;
  }

  get missingTokenHelp(): string {
    return this.tokens.missingTokenHelp;
  }

  async hasToken(context: TurnContext): Promise<boolean> {
    return (await this.tokens.getUserAssertion(context)) !== undefined;
  }

  /** The user's PimClient, or undefined when they must sign in first; with `claims`, a fresh exchange. */
  async pimFor(context: TurnContext, claims?: string): Promise<PimClient | undefined> {
    const cached = claims ? undefined : (context.turnState.get(TURN_CLIENT) as PimClient | undefined);
    if (cached) return cached;
    const assertion = await this.tokens.getUserAssertion(context);
    if (!assertion) return undefined;
    const client = this.pims.forAssertion(assertion, context.activity.from?.aadObjectId, claims);
    if (!claims) context.turnState.set(TURN_CLIENT, client);
    return client;
  }

  pimForToken(token: AccessToken, userId: string): PimClient {
    return this.pims.forAccessToken(token, userId);
  }

  /** For card actions: the invoke response asking Teams to sign the user in, when SSO has no token yet. */
  async loginRequest(context: TurnContext): Promise<InvokeResponse | undefined> {
    if (!this.tokens.loginRequest || (await this.tokens.getUserAssertion(context))) return undefined;
    return this.tokens.loginRequest(context);
  }
}
