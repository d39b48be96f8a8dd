import { once } from 'node:events';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { issueServerCertificate } from '../simulators/tls/certificate-authority';
import { startApp } from '../src/app';
import { type AppConfig, parseConfig } from '../src/config';
import { createLogger, type Logger } from '../src/observability/logger';
import type { RunningServer } from '../src/server';
import { type CaptureConnector, startCaptureConnector, visibleText } from './support/capture-connector';
import { testCertificateAuthority } from './support/local-ca';
import { fakeSecret } from './support/fake-secrets';

const BOT_APP_SECRET = fakeSecret('bot-app');
const ENTRA_APP_SECRET = fakeSecret('entra-app');
const PLAYGROUND_SECRET = fakeSecret('playground-app');

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';
const BOT_APP_ID = '5d1c3f9e-0000-4000-8000-000000000003';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  [key: string]: unknown;
}

// Everything a test starts, stopped after it whatever happened.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

function playgroundConfig(env: Record<string, string> = {}): AppConfig {
  return parseConfig({
    PIMBOT_MODE: 'playground',
    HOST: '127.0.0.1',
    PORT: '0',
    AAD_APP_TENANT_ID: TENANT_ID,
    AAD_APP_CLIENT_ID: CLIENT_ID,
    AAD_APP_CLIENT_SECRET: PLAYGROUND_SECRET,
    ...env,
  });
}

function productionConfig(): AppConfig {
  return parseConfig({
    PIMBOT_MODE: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    MicrosoftAppId: BOT_APP_ID,
    MicrosoftAppPassword: BOT_APP_SECRET,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: TENANT_ID,
    AAD_APP_TENANT_ID: TENANT_ID,
    AAD_APP_CLIENT_ID: CLIENT_ID,
    AAD_APP_CLIENT_SECRET: ENTRA_APP_SECRET,
    OAUTH_CONNECTION_NAME: 'pimbot-sso',
    PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
  });
}

async function start(config: AppConfig, logger: Logger = createLogger('silent')): Promise<RunningServer> {
  const server = await startApp(config, logger);
  cleanups.push(() => server.shutdown('test over'));
  return server;
}

async function connector(options?: { delayMs?: number }): Promise<CaptureConnector> {
  const c = await startCaptureConnector(options);
  cleanups.push(() => c.close());
  return c;
}

/**
 * A port nothing listens on: 1 (tcpmux, RFC 1078), privileged, which no test binds. A port bound and released
 * instead could be taken by another worker's server in between, and the "unreachable" service would answer.
 */
const CLOSED_PORT = 1;

/** A local HTTPS "Graph" (certificate from the test CA this process trusts) answering every request with `status`. */
async function fakeGraph(status: number): Promise<string> {
  const cert = issueServerCertificate(testCertificateAuthority());
  const server: HttpsServer = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"InvalidAuthenticationToken"}}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A 1:1 Teams message, the JSON the Bot Connector posts to /api/messages. */
function teamsMessage(serviceUrl: string, text: string, id = '1700000000001'): Record<string, unknown> {
  return {
    type: 'message',
    id,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: '29:1adele-teams-id', name: 'Adele Vance', aadObjectId: '0f2c5a3e-0000-4000-8000-00000000000a' },
    recipient: { id: `28:${BOT_APP_ID}`, name: 'PIM Bot' },
    conversation: {
      id: 'a:1personal-chat-with-adele',
      conversationType: 'personal',
      tenantId: TENANT_ID,
      isGroup: false,
    },
    channelData: { tenant: { id: TENANT_ID } },
    locale: 'en-US',
    text,
  };
}

function postActivity(
  server: RunningServer,
  activity: object,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
}

describe('health endpoints', () => {
  it('GET /healthz answers 200 {status: "alive"} without consulting any dependency', async () => {
    // Graph is unreachable, yet liveness is unaffected: a restart would not fix Graph.
    const server = await start(playgroundConfig({ GRAPH_BASE_URL: `https://127.0.0.1:${CLOSED_PORT}` }));

    const res = await fetch(`${server.url}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'alive' });
  });

  it('HEAD /api/messages (the reachability probe clients send) answers 204 quietly, without running the bot', async () => {
    const { logger, lines } = capturingLogger();
    const server = await start(playgroundConfig(), logger);

    const res = await fetch(`${server.url}/api/messages`, { method: 'HEAD' });

    expect(res.status).toBe(204);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    expect(lines.some((l) => l.msg === 'message')).toBe(false);
  });

  it('GET /readyz answers 200 when the store and Microsoft Graph answer', async () => {
    // Any HTTP answer, even 401 to an unauthenticated request, proves DNS, TLS and the network path.
    const server = await start(playgroundConfig({ GRAPH_BASE_URL: await fakeGraph(401) }));

    const res = await fetch(`${server.url}/readyz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, checks: { store: true, graph: true } });
  });

  it('GET /readyz answers 503 naming the graph check when Graph cannot be reached', async () => {
    const server = await start(playgroundConfig({ GRAPH_BASE_URL: `https://127.0.0.1:${CLOSED_PORT}` }));

    const res = await fetch(`${server.url}/readyz`);

    expect(res.status).toBe(503);
    // Names and booleans only: the reason is in the log (test/health/readiness-endpoint.test.ts).
    expect(await res.json()).toEqual({ ready: false, checks: { store: true, graph: false } });
  });

  it('GET /readyz answers 503 when Graph answers with a server error', async () => {
    const server = await start(playgroundConfig({ GRAPH_BASE_URL: await fakeGraph(503) }));

    const res = await fetch(`${server.url}/readyz`);

    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, checks: { store: true, graph: false } });
  });
});

describe('POST /api/messages', () => {
  it('runs the bot on a Teams message and delivers its reply to the conversation through the connector', async () => {
    const teams = await connector();
    const server = await start(playgroundConfig());

    const res = await postActivity(server, teamsMessage(teams.serviceUrl, 'help', '1700000000042'));

    expect(res.status).toBe(200);
    expect(teams.unmatched).toEqual([]);
    expect(teams.calls).toHaveLength(1);
    const [reply] = teams.calls;
    expect(reply).toMatchObject({
      operation: 'reply',
      conversationId: 'a:1personal-chat-with-adele',
      activityId: '1700000000042',
    });
    expect(reply?.body).toMatchObject({ type: 'message', replyToId: '1700000000042' });
    // The answer to "help" introduces the bot and what it does, as text or as a card.
    const shown = visibleText(reply?.body ?? {});
    expect(shown).toContain("Hi, I'm PIM Bot");
    expect(shown).toMatch(/activat/i);
    // Playground mode has no bot credentials: nothing to present to the connector.
    expect(reply?.authorization).toBeUndefined();
  });

  it('refuses a body larger than MAX_BODY_BYTES with 413, before the bot runs', async () => {
    const teams = await connector();
    const { logger, lines } = capturingLogger();
    const server = await start(playgroundConfig({ MAX_BODY_BYTES: '1024' }), logger);

    const res = await postActivity(server, teamsMessage(teams.serviceUrl, `hello ${'x'.repeat(2048)}`));

    expect(res.status).toBe(413);
    expect(teams.calls).toEqual([]);
    expect(lines.some((l) => l.msg === 'message')).toBe(false);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request refused', status: 413 }));
    // The refused body is not logged.
    expect(JSON.stringify(lines)).not.toContain('xxxxxxxx');
  });

  it('in production mode refuses an unsigned request with 401 and never replies', async () => {
    const teams = await connector();
    const { logger, lines } = capturingLogger();
    const server = await start(productionConfig(), logger);

    const res = await postActivity(server, teamsMessage(teams.serviceUrl, 'hello'));

    expect(res.status).toBe(401);
    expect(teams.calls).toEqual([]);
    expect(teams.unmatched).toEqual([]);
    expect(lines.some((l) => l.msg === 'message')).toBe(false);
  });

  it('in production mode refuses a request whose bearer token is not a Bot Framework token with 401', async () => {
    const teams = await connector();
    const server = await start(productionConfig());

    const res = await postActivity(server, teamsMessage(teams.serviceUrl, 'hello'), {
      authorization: 'Bearer not-a-jwt',
    });

    expect(res.status).toBe(401);
    expect(teams.calls).toEqual([]);
  });

  it('tags every log line of a turn with the request id from x-request-id', async () => {
    const teams = await connector();
    const { logger, lines } = capturingLogger();
    const server = await start(playgroundConfig(), logger);

    const res = await postActivity(server, teamsMessage(teams.serviceUrl, 'help'), { 'x-request-id': 'req-test-7' });

    expect(res.status).toBe(200);
    const turnLines = lines.filter((l) => l.reqId === 'req-test-7');
    // The bot's own line (through the turn logger) and the access line both carry it.
    expect(turnLines).toContainEqual(expect.objectContaining({ msg: 'message', activityId: '1700000000001' }));
    expect(turnLines).toContainEqual(expect.objectContaining({ msg: 'POST /api/messages', status: 200 }));
  });

  it('gives a turn without x-request-id a generated request id shared by all its lines', async () => {
    const teams = await connector();
    const { logger, lines } = capturingLogger();
    const server = await start(playgroundConfig(), logger);

    await postActivity(server, teamsMessage(teams.serviceUrl, 'help', 'a-1'));
    await postActivity(server, teamsMessage(teams.serviceUrl, 'help', 'a-2'));

    const botLines = lines.filter((l) => l.msg === 'message');
    expect(botLines).toHaveLength(2);
    const [first, second] = botLines.map((l) => l.reqId);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
    expect(lines.filter((l) => l.msg === 'POST /api/messages').map((l) => l.reqId)).toEqual([first, second]);
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight turn finish, answers new messages 503 meanwhile, then stops', async () => {
    // The connector takes 500 ms to accept the reply, so the turn is still running when shutdown starts.
    const teams = await connector({ delayMs: 500 });
    const { logger, lines } = capturingLogger();
    const server = await start(playgroundConfig(), logger);

    const slowTurn = postActivity(server, teamsMessage(teams.serviceUrl, 'help', 'slow-1'));
    await teams.waitForCalls(1);
    const stopped = server.shutdown('SIGTERM');

    const duringDrain = await postActivity(server, teamsMessage(teams.serviceUrl, 'help', 'late-1'));
    expect(duringDrain.status).toBe(503);
    expect(duringDrain.headers.get('retry-after')).toBe('5');
    const readyDuringDrain = await fetch(`${server.url}/readyz`);
    expect(readyDuringDrain.status).toBe(503);

    const slowResponse = await slowTurn;
    await stopped;

    expect(slowResponse.status).toBe(200);
    // Only the in-flight turn replied; the late message never reached the bot.
    expect(teams.calls.map((c) => c.activityId)).toEqual(['slow-1']);
    expect(teams.sentTexts()[0]).toContain("Hi, I'm PIM Bot");
    // The turn was answered before the server reported itself stopped.
    const order = lines.map((l) => l.msg);
    const turnDone = lines.findIndex((l) => l.msg === 'POST /api/messages' && l.status === 200);
    expect(turnDone).toBeGreaterThan(order.indexOf('shutting down: finishing in-flight turns'));
    expect(turnDone).toBeLessThan(order.indexOf('stopped'));
    expect(lines).not.toContainEqual(
      expect.objectContaining({ msg: 'grace period over; closing with turns still running' }),
    );
    // And it really is stopped.
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
