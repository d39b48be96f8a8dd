import { randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CertificateAuthority } from '../tls/certificate-authority';
import { bearerToken, readBody, sendJson, startHttps } from './https-server';

/** An Azure Bot OAuth connection ("Azure Active Directory v2" with a token exchange URL, for Teams SSO). */
export interface OAuthConnection {
  name: string;
  /** The Entra app the connection signs in with, and its secret. */
  clientId: string;
  clientSecret: string;
  /** Token Exchange URL: the audience a Teams SSO token must have, e.g. api://botid-<app id>. */
  tokenExchangeUrl: string;
  /** Scopes the connection's token is for (space-separated, as in the portal). */
  scopes: string;
}

export interface TokenServiceOptions {
  ca: CertificateAuthority;
  /** The bot's token check (the bot token authority's verifyBotToken): the Token Service takes bot tokens only. */
  verifyBotToken(token: string): Promise<string | undefined>;
  /** The Entra authority's token endpoint for the connection's tenant (on-behalf-of). */
  entraTokenEndpoint: string;
  connections: OAuthConnection[];
}

export interface TokenService {
  /** OAuthUrl. */
  url: string;
  /** Exchanges tried, and whether the authority granted them. */
  readonly exchanges: { userId: string; connectionName: string; ok: boolean; error?: string; errorCode?: number }[];
  /** SignOut calls, in order, as the bot made them (connectionName '' when it named none). */
  readonly signOuts: { userId: string; connectionName: string; channelId: string }[];
  /**
   * The user signs in through the sign-in link (the card's button, when SSO could not be used): the service
   * gets the connection's token with `userToken` as the user's sign-in, holds it for a magic code and returns the
   * code, which Teams hands to the bot (`state` of the resent invoke). GetToken with that code redeems it.
   */
  signInByLink(sign: { userId: string; connectionName: string; channelId: string; userToken: string }): Promise<string>;
  close(): Promise<void>;
}

interface StoredToken {
  token: string;
  expiration: string;
}

function errorResponse(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

/**
 * Stands in for the Bot Framework Token Service (api.botframework.com) as botbuilder's UserTokenClient
 * calls it: GetSignInResource, GetToken, exchange and SignOut, for bots that present their bot token.
 * An exchange checks nothing itself: it asks the Entra authority for the connection's token on behalf
 * of the user (the SSO token as assertion), as the real service does; Entra's refusal (expired token,
 * consent required) becomes the exchange's failure, after which Teams shows the sign-in card. Sources
 * and the UNVERIFIED parts in FIDELITY.md.
 */
export async function startTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const tokens = new Map<string, StoredToken>();
  /** Magic code → the sign-in it completes (one use each). */
  const pendingCodes = new Map<string, StoredToken & { key: string }>();
  const exchanges: TokenService['exchanges'] = [];
  const signOuts: TokenService['signOuts'] = [];
  const keyOf = (userId: string, connectionName: string, channelId: string) =>
    `${channelId}|${connectionName}|${userId}`;
  let base = '';

  const exchange = async (conn: OAuthConnection, ssoToken: string) => {
    const response = await fetch(options.entraTokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        requested_token_use: 'on_behalf_of',
        client_id: conn.clientId,
        client_secret: conn.clientSecret,
        assertion: ssoToken,
        scope: conn.scopes,
      }),
    });
    const body = (await response.json()) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_codes?: number[];
      error_description?: string;
    };
    return body;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const token = bearerToken(req);
    if (!token || !(await options.verifyBotToken(token))) {
      return errorResponse(res, 401, 'Unauthorized', 'Authorization has been denied for this request.');
    }
    const q = url.searchParams;
    const path = url.pathname.replace(/^\/+/, '');
    if (req.method === 'GET' && path === 'api/botsignin/GetSignInResource') {
      const state = JSON.parse(Buffer.from(q.get('state') ?? '', 'base64').toString('utf8') || '{}') as {
        connectionName?: string;
      };
      const conn = options.connections.find((c) => c.name === state.connectionName);
      if (!conn) return errorResponse(res, 400, 'BadArgument', `No OAuth connection '${state.connectionName}'.`);
      return sendJson(res, 200, {
        signInLink: `${base}/api/oauth/signin?signin=${encodeURIComponent(randomUUID())}`,
        tokenExchangeResource: { id: randomUUID(), uri: conn.tokenExchangeUrl, providerId: 'aadv2' },
      });
    }
    const userId = q.get('userId') ?? '';
    const connectionName = q.get('connectionName') ?? '';
    const channelId = q.get('channelId') ?? '';
    const conn = options.connections.find((c) => c.name === connectionName);
    if (req.method === 'GET' && path === 'api/usertoken/GetToken') {
      const code = q.get('code');
      const pending = code ? pendingCodes.get(code) : undefined;
      if (pending && pending.key === keyOf(userId, connectionName, channelId)) {
        pendingCodes.delete(code!);
        tokens.set(pending.key, { token: pending.token, expiration: pending.expiration });
      }
      const stored = tokens.get(keyOf(userId, connectionName, channelId));
      if (!stored || Date.parse(stored.expiration) <= Date.now()) {
        // No body: botbuilder reads any parsed body as a token response, and OAuthPrompt would take `{}` for a sign-in.
        res.writeHead(404, { 'content-length': '0' });
        res.end();
        return;
      }
      return sendJson(res, 200, { channelId, connectionName, token: stored.token, expiration: stored.expiration });
    }
    if (req.method === 'DELETE' && path === 'api/usertoken/SignOut') {
      signOuts.push({ userId, connectionName, channelId });
      for (const key of [...tokens.keys()]) {
        if (key.endsWith(`|${userId}`) && (!connectionName || key.includes(`|${connectionName}|`))) tokens.delete(key);
      }
      return sendJson(res, 200, {});
    }
    if (req.method === 'POST' && path === 'api/usertoken/exchange') {
      if (!conn) return errorResponse(res, 400, 'BadArgument', `No OAuth connection '${connectionName}'.`);
      const request = JSON.parse((await readBody(req)) || '{}') as { token?: string; uri?: string };
      if (!request.token) return errorResponse(res, 400, 'BadArgument', 'Only a token can be exchanged here.');
      const granted = await exchange(conn, request.token);
      if (!granted.access_token) {
        exchanges.push({
          userId,
          connectionName,
          ok: false,
          error: granted.error,
          errorCode: granted.error_codes?.[0],
        });
        return errorResponse(
          res,
          400,
          'ServiceError',
          granted.error_description ?? 'The token could not be exchanged.',
        );
      }
      const expiration = new Date(Date.now() + (granted.expires_in ?? 3600) * 1000).toISOString();
      tokens.set(keyOf(userId, connectionName, channelId), { token: granted.access_token, expiration });
      exchanges.push({ userId, connectionName, ok: true });
      return sendJson(res, 200, { channelId, connectionName, token: granted.access_token, expiration });
    }
    return errorResponse(res, 404, 'NotFound', `${req.method} ${url.pathname}`);
  };
  const server = await startHttps(options.ca, handle);
  base = server.url;
  const signInByLink: TokenService['signInByLink'] = async ({ userId, connectionName, channelId, userToken }) => {
    const conn = options.connections.find((c) => c.name === connectionName);
    if (!conn) throw new Error(`No OAuth connection '${connectionName}'.`);
    const granted = await exchange(conn, userToken);
    if (!granted.access_token) throw new Error(`The sign-in failed: ${granted.error ?? 'no token'}.`);
    const code = String(100_000 + randomInt(900_000));
    pendingCodes.set(code, {
      key: keyOf(userId, connectionName, channelId),
      token: granted.access_token,
      expiration: new Date(Date.now() + (granted.expires_in ?? 3600) * 1000).toISOString(),
    });
    return code;
  };
  return { url: server.url, exchanges, signOuts, signInByLink, close: server.close };
}
