import { reuseFor } from '../identity/token-expiry';
import { TtlCache } from '../shared/ttl-cache';
import { translator } from '../i18n';
import type { InvokeResponse, TurnContext } from 'botbuilder';
import type { UserTokenClient } from 'botframework-connector';
import { type Dialog, OAuthPrompt } from 'botbuilder-dialogs';

/**
 * Where a user's token for the bot comes from (the assertion exchanged on-behalf-of for Graph):
 * Teams SSO in production, the dev identity in the local demo. Tokens are fetched when needed and
 * never stored in bot state.
 */
export interface UserTokenSource {
  /** The user's token for the bot, or undefined when they must sign in first. */
  getUserAssertion(context: TurnContext): Promise<string | undefined>;
  /** A dialog that signs the user in interactively, when the source has one. */
  readonly signInDialog?: Dialog;
  /** Why there is no token and what to do, in the reader's language (when there is no interactive sign-in). */
  signInHelp(locale?: string | null): string;
  /**
   * For card actions (Universal Actions): the invoke response asking Teams to sign the user in
   * (HTTP 401 loginRequest); Teams then resends the action with the SSO token.
   */
  loginRequest?(context: TurnContext): Promise<InvokeResponse | undefined>;
  /**
   * Forgets the user's token where the source keeps it (the Token Service's store of the OAuth connection), once
   * Entra refused it as a grant: the next read finds none, and the sign-in card is sent.
   */
  signOut?(context: TurnContext): Promise<void>;
}

export const SIGN_IN_DIALOG = 'pimbot.signIn';

/** Production: Teams SSO through the Azure Bot OAuth connection (token exchange, then OAuthPrompt). */
export class TeamsSsoTokenSource implements UserTokenSource {
  readonly signInDialog: OAuthPrompt;
  signInHelp(locale?: string | null): string {
    return translator(locale)('chat:signInHelp.sso');
  }

  constructor(private readonly connectionName: string) {
    this.signInDialog = new OAuthPrompt(SIGN_IN_DIALOG, {
      connectionName,
      title: 'Sign in',
      text: 'PIM Bot acts on your behalf in Microsoft Entra PIM. Sign in to continue.',
      timeout: 5 * 60_000,
      endOnInvalidMessage: true,
    });
  }

  async getUserAssertion(context: TurnContext): Promise<string | undefined> {
    const value = context.activity.value as { authentication?: { token?: unknown }; state?: unknown } | undefined;
    if (context.activity.type === 'invoke') {
      // Universal Actions: after a loginRequest, Teams sends the SSO token with the action itself.
      const fromInvoke = value?.authentication?.token;
      if (typeof fromInvoke === 'string' && fromInvoke) return fromInvoke;
      // Or, when SSO could not be used and the user signed in with the loginRequest's button, the magic code
      // ("the 'state' or magic code for an OAuth flow", AdaptiveCardInvokeValue.state), which the Token Service
      // trades for the token; without it there is none yet and every click would ask to sign in again.
      const magicCode = value?.state;
      if (typeof magicCode === 'string' && magicCode) {
        return (await this.signInDialog.getUserToken(context, magicCode))?.token;
      }
    }
    return (await this.signInDialog.getUserToken(context))?.token;
  }

  async signOut(context: TurnContext): Promise<void> {
    const userId = context.activity.from?.id;
    const client = userTokenClient(context);
    // DELETE api/usertoken/SignOut for this connection and channel (botbuilder's UserTokenClient.signOutUser).
    if (client && userId) await client.signOutUser(userId, this.connectionName, context.activity.channelId);
  }

  async loginRequest(context: TurnContext): Promise<InvokeResponse | undefined> {
    const client = userTokenClient(context);
    if (!client) return undefined;
    const resource = await client.getSignInResource(this.connectionName, context.activity, '');
    return {
      status: 401,
      body: {
        statusCode: 401,
        type: 'application/vnd.microsoft.activity.loginRequest',
        value: {
          text: 'Sign in to PIM Bot to decide on this request.',
          connectionName: this.connectionName,
          tokenExchangeResource: resource.tokenExchangeResource,
          buttons: [{ type: 'signin', title: 'Sign in', value: resource.signInLink }],
        },
      },
    };
  }
}

/** The turn's Token Service client, as the CloudAdapter put it in the turn state. */
function userTokenClient(context: TurnContext): UserTokenClient | undefined {
  const key = (context.adapter as { UserTokenClientKey?: symbol }).UserTokenClientKey;
  return key ? (context.turnState.get(key) as UserTokenClient | undefined) : undefined;
}

/** What the dev identity offers: a Teams-SSO-like token for a demo user. */
export interface DevSsoTokenIssuer {
  ssoTokenFor(aadObjectId: string): Promise<string>;
}

/**
 * Playground mode: the Agents Playground has no SSO, so the user's aadObjectId (a demo-tenant user,
 * set in the Playground config) is signed in through the local authority's dev endpoint.
 */
export class DevIdentityTokenSource implements UserTokenSource {
  signInHelp(locale?: string | null): string {
    return translator(locale)('chat:signInHelp.demo');
  }

  /** Like the Teams client, which keeps a user's SSO token until it nears expiry (memory only). */
  private readonly tokens: TtlCache<string>;

  constructor(
    private readonly issuer: DevSsoTokenIssuer,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tokens = new TtlCache<string>(60 * 60_000, 1_000, () => this.now().getTime());
  }

  async getUserAssertion(context: TurnContext): Promise<string | undefined> {
    const id = context.activity.from?.aadObjectId;
    if (!id) return undefined;
    const cached = this.tokens.get(id.toLowerCase());
    if (cached) return cached;
    try {
      const token = await this.issuer.ssoTokenFor(id);
      const ttl = reuseFor(token, 5 * 60_000, this.now().getTime());
      if (ttl > 0) this.tokens.set(id.toLowerCase(), token, ttl);
      return token;
    } catch {
      return undefined;
    }
  }
}
