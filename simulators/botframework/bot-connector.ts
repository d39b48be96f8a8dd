import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CertificateAuthority } from '../tls/certificate-authority';
import { bearerToken, readBody, sendJson, startHttps } from './https-server';

export type ConnectorOperation = 'send' | 'reply' | 'update' | 'delete' | 'createConversation';

/** A call the bot made that the connector accepted (a valid bot token). */
export interface ConnectorCall {
  operation: ConnectorOperation;
  conversationId: string;
  activityId?: string;
  body: Record<string, unknown>;
  /** The app id of the bot token the call carried. */
  botAppId: string;
}

/** A call refused for its token: none, or one the Bot Framework would not accept. */
export interface RefusedCall {
  method: string;
  path: string;
  reason: 'no token' | 'invalid token';
}

export interface BotConnector {
  /** The serviceUrl activities carry (with a trailing slash, as Teams sends it). */
  serviceUrl: string;
  readonly calls: ConnectorCall[];
  readonly refused: RefusedCall[];
  /** Resolves with the first accepted call (already made or to come) that matches. */
  waitFor(match: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  close(): Promise<void>;
}

function route(
  method: string,
  path: string,
): { operation: ConnectorOperation; conversationId: string; activityId?: string } | undefined {
  if (method === 'POST' && path === '/v3/conversations') return { operation: 'createConversation', conversationId: '' };
  const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
  if (!m?.[1]) return undefined;
  const conversationId = decodeURIComponent(m[1]);
  const activityId = m[2] ? decodeURIComponent(m[2]) : undefined;
  if (method === 'POST') return { operation: activityId ? 'reply' : 'send', conversationId, activityId };
  if (method === 'PUT' && activityId) return { operation: 'update', conversationId, activityId };
  if (method === 'DELETE' && activityId) return { operation: 'delete', conversationId, activityId };
  return undefined;
}

/**
 * Stands in for the Bot Connector service at an activity's serviceUrl (the v3 REST API that
 * botbuilder's ConnectorClient calls): every call must carry a bot token the Bot Framework issued for
 * https://api.botframework.com (checked by `verifyBotToken`), else 401 as the connector answers an
 * unauthenticated call. Accepted calls are recorded. Sources in FIDELITY.md.
 */
export async function startBotConnector(options: {
  ca: CertificateAuthority;
  verifyBotToken(token: string): Promise<string | undefined>;
}): Promise<BotConnector> {
  const calls: ConnectorCall[] = [];
  const refused: RefusedCall[] = [];
  const waiters: { match: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }[] = [];
  const handle = async (req: IncomingMessage, path: string) => {
    const method = req.method ?? 'GET';
    const token = bearerToken(req);
    const botAppId = token ? await options.verifyBotToken(token) : undefined;
    if (!botAppId) {
      refused.push({ method, path, reason: token ? 'invalid token' : 'no token' });
      return { status: 401, body: { message: 'Authorization has been denied for this request.' } };
    }
    const found = route(method, path);
    if (!found) return { status: 404, body: { error: { code: 'NotFound', message: `${method} ${path}` } } };
    const text = await readBody(req);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const id = randomUUID();
    const call: ConnectorCall = {
      ...found,
      conversationId: found.operation === 'createConversation' ? `a:${id}` : found.conversationId,
      body,
      botAppId,
    };
    calls.push(call);
    for (const waiter of waiters.filter((w) => w.match(call))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(call);
    }
    if (found.operation === 'delete') return { status: 200, body: {} };
    if (found.operation === 'createConversation')
      return { status: 201, body: { id: call.conversationId, activityId: id } };
    return { status: 200, body: { id: found.operation === 'update' ? found.activityId : id } };
  };
  const server = await startHttps(options.ca, async (req, res, url) => {
    const { status, body } = await handle(req, url.pathname);
    sendJson(res, status, body);
  });
  return {
    serviceUrl: `${server.url}/`,
    calls,
    refused,
    waitFor(match, timeoutMs = 10_000) {
      const done = calls.find(match);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`No matching connector call within ${timeoutMs} ms.`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    close: server.close,
  };
}
