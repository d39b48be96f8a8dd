import type { ConnectorCall } from '../../simulators/botframework/bot-connector';

/** The Bot Framework OAuth card's content type (what OAuthPrompt sends to sign a user in). */
export const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';

/** What the production tests read of an OAuth card the bot sent. */
export interface OAuthCardContent {
  connectionName?: string;
  /** Present when Teams may sign the user in silently (SSO): the id the signin/tokenExchange answer names. */
  tokenExchangeResource?: { id?: string; uri?: string };
  buttons?: { type?: string; value?: string }[];
}

/** The OAuth card in a call the bot made through the connector, if any. */
export function oauthCardIn(call: ConnectorCall): OAuthCardContent | undefined {
  const attachments = (call.body.attachments ?? []) as { contentType?: string; content?: unknown }[];
  return attachments.find((a) => a.contentType === OAUTH_CARD)?.content as OAuthCardContent | undefined;
}

/** The token exchange id of the OAuth card in a call, if it has one. */
export function exchangeResourceId(call: ConnectorCall): string | undefined {
  return oauthCardIn(call)?.tokenExchangeResource?.id;
}
