import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { ChannelIssuer } from '../../simulators/botframework/channel-issuer';

/** A Teams user as the Bot Connector names them in an activity. */
export interface TeamsUser {
  /** The Teams user id ("29:…"). */
  id: string;
  name: string;
  aadObjectId: string;
}

export interface DriverResponse {
  status: number;
  /** The invoke response body, for invokes. */
  body: unknown;
}

export interface TeamsDriverOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  messagingEndpoint: string;
  botAppId: string;
  tenantId: string;
  /** The connector stand-in the activities name as their serviceUrl. */
  serviceUrl: string;
  channel: ChannelIssuer;
  /** Teams SSO: a token for the bot's app, for this user, from the local authority. */
  ssoTokenFor(user: TeamsUser): Promise<string>;
  /** The user completes the sign-in page of the loginRequest's button; resolves with the magic code Teams gets. */
  signInByLink?(user: TeamsUser): Promise<string>;
}

/**
 * Plays the Teams client and the Bot Connector for a bot in production mode: activities posted as
 * the connector posts them (signed with a channel token for this serviceUrl), the SSO answers Teams
 * gives (signin/tokenExchange), and the Universal Actions retry after a loginRequest 401.
 */
export class TeamsDriver {
  constructor(private readonly options: TeamsDriverOptions) {}

  /**
   * POSTs one activity; `token: null` sends none, a string sends that instead of a valid channel token, and
   * `authorization` sends that whole header value as is (malformed headers, other schemes).
   */
  async post(
    activity: Partial<Activity>,
    auth: { token?: string | null; authorization?: string } = {},
  ): Promise<DriverResponse> {
    const token =
      auth.token === undefined
        ? await this.options.channel.channelToken({
            botAppId: this.options.botAppId,
            serviceUrl: this.options.serviceUrl,
          })
        : auth.token;
    const authorization = auth.authorization ?? (token ? `Bearer ${token}` : undefined);
    const response = await fetch(this.options.messagingEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body };
  }

  /** A 1:1 chat message from the user, as Teams sends it. */
  personalMessage(user: TeamsUser, text: string): Partial<Activity> {
    return { ...this.personal(user), type: 'message', text };
  }

  /**
   * An @mention of the bot in a team channel, as Teams posts it: the mention in the text and in
   * `entities`, the channel and team in channelData, a conversation id naming the thread.
   */
  channelMention(user: TeamsUser, channelId: string, text: string): Partial<Activity> {
    const bot = { id: `28:${this.options.botAppId}`, name: 'PIM Bot' };
    const tenant = { id: this.options.tenantId };
    return {
      ...this.personal(user),
      type: 'message',
      text: `<at>PIM Bot</at> ${text}`,
      entities: [{ type: 'mention', mentioned: bot, text: '<at>PIM Bot</at>' }],
      conversation: {
        id: `${channelId};messageid=${Date.now()}`,
        conversationType: 'channel',
        tenantId: this.options.tenantId,
        isGroup: true,
        name: '',
      },
      channelData: { teamsChannelId: channelId, channel: { id: channelId }, team: { id: channelId }, tenant },
    };
  }

  /** An Action.Submit click in the 1:1 chat: a message carrying the action's data as `value`. */
  personalSubmit(user: TeamsUser, value: Record<string, unknown>): Partial<Activity> {
    return { ...this.personal(user), type: 'message', value };
  }

  /**
   * The signin/tokenExchange invoke Teams sends after the bot's OAuth card, with the user's SSO token (and the
   * client's `locale`, as Teams puts on every activity, when given).
   */
  async tokenExchange(
    user: TeamsUser,
    exchangeId: string,
    connectionName: string,
    ssoToken?: string,
    locale?: string,
  ): Promise<DriverResponse> {
    const token = ssoToken ?? (await this.options.ssoTokenFor(user));
    return this.post({
      ...this.personal(user),
      ...(locale ? { locale } : {}),
      type: 'invoke',
      name: 'signin/tokenExchange',
      value: { id: exchangeId, connectionName, token },
    });
  }

  /**
   * A Universal Action (adaptiveCard/action). When the bot answers 401 loginRequest, Teams signs the
   * user in silently and sends the action again with `authentication.token`; so does the driver.
   */
  async universalAction(
    user: TeamsUser,
    data: Record<string, unknown>,
    verb: string,
  ): Promise<DriverResponse & { loginRequest?: unknown }> {
    const invoke = (authentication?: { token: string }) =>
      this.post({
        ...this.personal(user),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: { type: 'Action.Execute', verb, data },
          trigger: 'manual',
          ...(authentication ? { authentication } : {}),
        },
      });
    const first = await invoke();
    const body = first.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
    if (body?.statusCode !== 401 || body.type !== 'application/vnd.microsoft.activity.loginRequest') return first;
    // Teams gets the SSO token for the tokenExchangeResource in the loginRequest and resends the action.
    return { ...(await invoke({ token: await this.options.ssoTokenFor(user) })), loginRequest: body.value };
  }

  /**
   * A Universal Action when SSO cannot be used: after the loginRequest the user signs in with its button
   * (the sign-in link), and Teams resends the action with the magic code in `value.state`, not with a token.
   */
  async universalActionAfterSignInLink(
    user: TeamsUser,
    data: Record<string, unknown>,
    verb: string,
  ): Promise<DriverResponse & { loginRequest?: unknown }> {
    const signInByLink = this.options.signInByLink;
    if (!signInByLink) throw new Error('This driver has no sign-in page (signInByLink).');
    const invoke = (state?: string) =>
      this.post({
        ...this.personal(user),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual', ...(state ? { state } : {}) },
      });
    const first = await invoke();
    const body = first.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
    if (body?.statusCode !== 401 || body.type !== 'application/vnd.microsoft.activity.loginRequest') return first;
    return { ...(await invoke(await signInByLink(user))), loginRequest: body.value };
  }

  private personal(user: TeamsUser): Partial<Activity> {
    return {
      id: `f:${randomUUID()}`,
      channelId: 'msteams',
      serviceUrl: this.options.serviceUrl,
      timestamp: new Date(),
      localTimezone: 'Europe/Berlin',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: `28:${this.options.botAppId}`, name: 'PIM Bot' },
      conversation: {
        id: `a:personal-${user.aadObjectId}`,
        conversationType: 'personal',
        tenantId: this.options.tenantId,
        isGroup: false,
        name: '',
      },
      channelData: { tenant: { id: this.options.tenantId } },
    };
  }
}
