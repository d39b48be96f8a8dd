import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { issueServerCertificate } from '../../simulators/tls/certificate-authority';
import { startApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import type { RunningServer } from '../../src/server';
import { figure, httpClient, pool, tally } from '../abuse/abuse-support';
import { fakeSecret } from '../support/fake-secrets';
import { testCertificateAuthority } from '../support/local-ca';

/**
 * Issue 13, finding 8: /readyz is unauthenticated. It shows names and booleans only (a dependency's error text
 * goes to the log), and one run of its checks (a storage read, a Graph request) answers every probe for a few
 * seconds: probes arriving during the run share it, later ones get its result.
 */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';

interface LogLine {
  level: number;
  msg: string;
  check?: string;
  reason?: string;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A local HTTPS "Graph" answering every request with `status`, counting the readiness requests it gets. */
async function countingGraph(status: number): Promise<{ url: string; metadataRequests: () => number }> {
  let metadataRequests = 0;
  const cert = issueServerCertificate(testCertificateAuthority());
  const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    if (req.url === '/v1.0/$metadata') metadataRequests++;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"InvalidAuthenticationToken"}}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    metadataRequests: () => metadataRequests,
  };
}

/**
 * A port nothing listens on: 1 (tcpmux, RFC 1078), privileged, which no test binds. A port bound and released
 * instead could be taken by another worker's server in between, and the "unreachable" service would answer.
 */
const CLOSED_PORT = 1;

async function startBot(graphBaseUrl: string): Promise<{ server: RunningServer; lines: LogLine[] }> {
  const lines: LogLine[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const server = await startApp(
    parseConfig({
      PIMBOT_MODE: 'playground',
      HOST: '127.0.0.1',
      PORT: '0',
      AAD_APP_TENANT_ID: TENANT_ID,
      AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
      AAD_APP_CLIENT_SECRET: fakeSecret('playground-app'),
      GRAPH_BASE_URL: graphBaseUrl,
    }),
    logger,
  );
  cleanups.push(() => server.shutdown('test over'));
  return { server, lines };
}

describe('GET /readyz', () => {
  it('answers 201 probes (100 at once, then 101 one after another) with one Graph request', async () => {
    const graph = await countingGraph(401);
    const { server } = await startBot(graph.url);
    const http = httpClient(100);
    cleanups.push(async () => http.close());

    // The first 100 arrive together and share the one run; the window starts when that run ends.
    const concurrent = await pool(Array.from({ length: 100 }), 100, () => http.get(`${server.url}/readyz`));
    const windowStart = performance.now();
    const serial = await pool(Array.from({ length: 101 }), 1, () => http.get(`${server.url}/readyz`));
    const serialMs = performance.now() - windowStart;
    const all = [...concurrent, ...serial];

    figure(
      'readyz-probe-storm',
      `${all.length} probes (100 concurrent, 101 serial in ${serialMs.toFixed(0)} ms; cache window 5000 ms): ` +
        `${graph.metadataRequests()} Graph request(s), statuses ${JSON.stringify(tally(all.map((r) => r.status)))}`,
    );
    // The serial probes must fit in the window for "exactly one" to be the right answer.
    expect(serialMs).toBeLessThan(5_000);
    expect(graph.metadataRequests()).toBe(1);
    expect(tally(all.map((r) => r.status))).toEqual({ 200: 201 });
    expect(new Set(all.map((r) => r.body))).toEqual(
      new Set([JSON.stringify({ ready: true, checks: { store: true, graph: true } })]),
    );
  });

  it('shows a failing dependency as a name and false; its error text goes to the log at warn', async () => {
    const graph = await countingGraph(503);
    const { server, lines } = await startBot(graph.url);

    const res = await fetch(`${server.url}/readyz`);
    const body = await res.text();

    expect(res.status).toBe(503);
    expect(JSON.parse(body)).toEqual({ ready: false, checks: { store: true, graph: false } });
    const failures = lines.filter((l) => l.msg === 'readiness check failed');
    expect(failures).toEqual([
      expect.objectContaining({ level: 40, check: 'graph', reason: 'Error: Graph answered HTTP 503' }),
    ]);
    expect(body).not.toContain('HTTP 503');
  });

  it('never shows the network error of an unreachable dependency', async () => {
    const port = CLOSED_PORT;
    const { server, lines } = await startBot(`https://127.0.0.1:${port}`);

    const res = await fetch(`${server.url}/readyz`);
    const body = await res.text();

    expect(res.status).toBe(503);
    expect(JSON.parse(body)).toEqual({ ready: false, checks: { store: true, graph: false } });
    const reason = lines.find((l) => l.msg === 'readiness check failed')?.reason;
    expect(reason).toEqual(expect.any(String));
    expect(body).not.toContain(reason);
    expect(body).not.toMatch(/fetch failed|ECONNREFUSED|127\.0\.0\.1|error/i);
  });
});
