import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/**
 * A stand-in for the Bot Connector service (the `serviceUrl` of an incoming activity): a plain HTTP
 * server on 127.0.0.1 that records what the bot sends and answers like the real connector does.
 *
 * Routes (the v3 REST API the botbuilder ConnectorClient calls):
 * - POST   /v3/conversations/{conversationId}/activities               send to conversation -> { id }
 * - POST   /v3/conversations/{conversationId}/activities/{replyToId}   reply to an activity -> { id }
 * - PUT    /v3/conversations/{conversationId}/activities/{activityId}  update an activity   -> { id }
 * - DELETE /v3/conversations/{conversationId}/activities/{activityId}  delete an activity   -> 200
 * - POST   /v3/conversations                                           create conversation  -> { id, activityId }
 * Anything else is answered 404 and recorded in `unmatched`, so a test can fail on unexpected calls.
 */

export type ConnectorOperation = 'send' | 'reply' | 'update' | 'delete' | 'createConversation';

export interface CapturedCall {
  operation: ConnectorOperation;
  method: string;
  path: string;
  /** Decoded conversation id from the path (for createConversation: the id this connector assigned). */
  conversationId: string;
  /** The activity id in the path: the replied-to activity (reply), or the activity updated or deleted. */
  activityId?: string;
  /** The activity the bot sent (send, reply, update), or the createConversation parameters. */
  body: Partial<Activity> & Record<string, unknown>;
  /** The Authorization header the bot sent, if any (none in playground mode). */
  authorization?: string;
  /** The id this connector answered with (send, reply, update, createConversation). */
  answeredId?: string;
  /** Date.now() when the request body had been read, before any configured delay. */
  receivedAt: number;
  /** The HTTP status this call was answered with when a test injected a failure (failNext). */
  failedWith?: number;
}

export interface UnmatchedRequest {
  method: string;
  path: string;
  body: string;
}

export interface CaptureConnectorOptions {
  /** Milliseconds to wait before answering each call: simulates a slow connector, keeps turns in flight. */
  delayMs?: number;
}

export interface CaptureConnector {
  /** Use as the activity's serviceUrl, e.g. http://127.0.0.1:54321 (no trailing slash). */
  readonly serviceUrl: string;
  /** Every matched call, in arrival order. */
  readonly calls: readonly CapturedCall[];
  readonly unmatched: readonly UnmatchedRequest[];
  /** Delay applied to calls that arrive from now on. */
  delayMs: number;
  /**
   * When set, a 1:1 createConversation with a user who has not got the app (false) is refused as Teams
   * refuses it: 403 BotNotInConversationRoster, "The bot is not part of the conversation roster."
   * (MicrosoftDocs/bot-docs#1527; msteams-docs #11125: an aadObjectId works only if the user has the app).
   */
  hasApp?: (aadObjectId: string) => boolean;
  /** Activities the bot sent into conversations (send and reply), in order. */
  sentActivities(): Partial<Activity>[];
  /** What the user reads in each sent message activity (text and Adaptive Card text), in order. */
  sentTexts(): string[];
  /**
   * Answers the next matched call (of `operation`, or for which `which` holds, if given) with this
   * HTTP status (and error body) instead of success.
   */
  failNext(status: number, code?: string, which?: ConnectorOperation | ((call: CapturedCall) => boolean)): void;
  /** Resolves once `predicate` holds for the recorded calls; rejects after `timeoutMs`. */
  waitFor(predicate: (calls: readonly CapturedCall[]) => boolean, timeoutMs?: number): Promise<CapturedCall[]>;
  /** Resolves once at least `count` matched calls have arrived. */
  waitForCalls(count: number, timeoutMs?: number): Promise<CapturedCall[]>;
  /** Forgets recorded calls and pending failures (the delay stays). */
  reset(): void;
  close(): Promise<void>;
}

const ACTIVITY_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export async function startCaptureConnector(options: CaptureConnectorOptions = {}): Promise<CaptureConnector> {
  const calls: CapturedCall[] = [];
  const unmatched: UnmatchedRequest[] = [];
  const failures: { status: number; code: string; which?: ConnectorOperation | ((call: CapturedCall) => boolean) }[] =
    [];
  const listeners = new Set<() => void>();
  let sequence = 0;
  let serviceUrl = '';

  const nextId = (prefix: string) => `${prefix}-${++sequence}`;
  const notify = () => {
    for (const listener of listeners) listener();
  };

  const connector: CaptureConnector = {
    get serviceUrl() {
      return serviceUrl;
    },
    calls,
    unmatched,
    delayMs: options.delayMs ?? 0,
    sentActivities() {
      return calls.filter((c) => c.operation === 'send' || c.operation === 'reply').map((c) => c.body);
    },
    sentTexts() {
      return connector
        .sentActivities()
        .filter((a) => (a.type ?? 'message') === 'message')
        .map(visibleText);
    },
    failNext(status, code = 'ServiceError', which) {
      failures.push({ status, code, which });
    },
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(calls)) return false;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve([...calls]);
          return true;
        };
        const listener = () => void check();
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`capture connector: condition not met within ${timeoutMs} ms; calls: ${summarize(calls)}`));
        }, timeoutMs);
        if (!check()) listeners.add(listener);
      });
    },
    waitForCalls(count, timeoutMs) {
      return connector.waitFor((c) => c.length >= count, timeoutMs);
    },
    reset() {
      calls.length = 0;
      unmatched.length = 0;
      failures.length = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { error: { code: 'CaptureConnectorError', message: String(err) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const receivedAt = Date.now();
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://connector').pathname;
    const call = route(method, path, raw, req.headers.authorization, receivedAt);
    if (!call) {
      unmatched.push({ method, path, body: raw });
      reply(res, 404, { error: { code: 'NotFound', message: `${method} ${path} is not a Bot Connector route` } });
      return;
    }
    calls.push(call);
    notify();
    const delay = connector.delayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const index = failures.findIndex(
      (f) => f.which === undefined || (typeof f.which === 'function' ? f.which(call) : f.which === call.operation),
    );
    const failure = index >= 0 ? failures.splice(index, 1)[0] : notInRoster(call);
    if (failure) {
      call.failedWith = failure.status;
      const message =
        failure.code === 'BotNotInConversationRoster'
          ? 'The bot is not part of the conversation roster.'
          : 'failure injected by the test';
      reply(res, failure.status, { error: { code: failure.code, message } });
      return;
    }
    if (call.operation === 'delete') {
      reply(res, 200, undefined);
    } else if (call.operation === 'createConversation') {
      reply(res, 201, { id: call.conversationId, activityId: call.answeredId, serviceUrl });
    } else {
      reply(res, call.operation === 'update' ? 200 : 201, { id: call.answeredId });
    }
  }

  function notInRoster(call: CapturedCall): { status: number; code: string } | undefined {
    if (call.operation !== 'createConversation' || !connector.hasApp || call.body.isGroup === true) return undefined;
    const members = (call.body.members ?? []) as { id?: string; aadObjectId?: string }[];
    const without = members.some((m) => !connector.hasApp?.(m.aadObjectId ?? m.id ?? ''));
    return without ? { status: 403, code: 'BotNotInConversationRoster' } : undefined;
  }

  function route(
    method: string,
    path: string,
    raw: string,
    authorization: string | undefined,
    receivedAt: number,
  ): CapturedCall | undefined {
    const base = { method, path, authorization, receivedAt };
    if (method === 'POST' && (path === '/v3/conversations' || path === '/v3/conversations/')) {
      const body = parseJson(raw);
      const activityId = nextId('activity');
      // A new channel thread: Teams names it after the channel and its first message.
      const channel = (body.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      return {
        ...base,
        operation: 'createConversation',
        conversationId: channel ? `${channel};messageid=${activityId}` : nextId('conversation'),
        answeredId: activityId,
        body,
      };
    }
    const match = ACTIVITY_PATH.exec(path);
    if (!match) return undefined;
    const conversationId = decodeURIComponent(match[1]!);
    const activityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (method === 'POST') {
      return {
        ...base,
        operation: activityId === undefined ? 'send' : 'reply',
        conversationId,
        activityId,
        body: parseJson(raw),
        answeredId: nextId('activity'),
      };
    }
    if (activityId === undefined) return undefined;
    if (method === 'PUT') {
      return { ...base, operation: 'update', conversationId, activityId, body: parseJson(raw), answeredId: activityId };
    }
    if (method === 'DELETE') {
      return { ...base, operation: 'delete', conversationId, activityId, body: {} };
    }
    return undefined;
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  serviceUrl = `http://127.0.0.1:${port}`;
  return connector;
}

/**
 * What a Teams user reads in an activity: its text plus the text of any card it carries (TextBlock
 * text, FactSet titles, button titles...), one piece a line. Action data is not shown to users: skipped.
 */
export function visibleText(activity: Partial<Activity>): string {
  const parts: string[] = [];
  if (typeof activity.text === 'string' && activity.text !== '') parts.push(activity.text);
  for (const attachment of activity.attachments ?? []) collectCardText(attachment.content, parts);
  return parts.join('\n');
}

function collectCardText(node: unknown, parts: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectCardText(item, parts);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'data') continue;
    // An input's label is shown above it.
    if ((key === 'text' || key === 'title' || key === 'value' || key === 'label') && typeof value === 'string')
      parts.push(value);
    else collectCardText(value, parts);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): Partial<Activity> & Record<string, unknown> {
  if (raw === '') return {};
  const value: unknown = JSON.parse(raw);
  return typeof value === 'object' && value !== null ? (value as Partial<Activity> & Record<string, unknown>) : {};
}

// Not chained: restify (loaded in the same process by the bot) patches ServerResponse.writeHead to return nothing.
function reply(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function summarize(calls: readonly CapturedCall[]): string {
  if (calls.length === 0) return 'none';
  return calls.map((c) => `${c.operation} ${c.method} ${c.path}`).join(', ');
}
