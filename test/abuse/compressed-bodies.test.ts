import { request } from 'node:http';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp } from '../../src/app';
import { PimBot } from '../../src/bot/pim-bot';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import type { RunningServer } from '../../src/server';
import { type CaptureConnector, startCaptureConnector } from '../support/capture-connector';
import { fakeSecret } from '../support/fake-secrets';
import { figure, type HttpResult, muteConsole, pool, rssMb, tally } from './abuse-support';

/**
 * Issue 13, finding 1: compressed bodies. restify's bodyReader counts only the compressed bytes against
 * MAX_BODY_BYTES and inflates gzip in full, before authentication. 100 POSTs whose ~100 KB gzip body inflates
 * to ~100 MB each (a Teams message padded with whitespace: valid JSON once inflated, so a bot that inflates it
 * also runs a turn) must all be refused with 415, run no turn, and grow the process's RSS (bot and client
 * share it) by no more than 20 MB. Playground mode: no inbound auth, so the refusal is the only thing in the way.
 */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const INFLATED_MB = 100;
const REQUESTS = 100;
const RSS_BUDGET_MB = 20;

let server: RunningServer;
let teams: CaptureConnector;
let gzipBomb: Buffer;
const run = vi.spyOn(PimBot.prototype, 'run');
const refusals: { msg: string; status?: number }[] = [];

/** A gzip stream of `{activity}` + `mb` MB of spaces, built 1 MB at a time (the test never holds the inflated body). */
async function gzipOfPaddedActivity(activity: Record<string, unknown>, mb: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => gzip.once('end', resolve));
  const spaces = Buffer.alloc(1_048_576, 0x20);
  gzip.write(JSON.stringify(activity));
  for (let i = 0; i < mb; i++) {
    if (!gzip.write(spaces)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

/** One request with any method, headers and body (abuse-support's client only posts bodies and gets without). */
function send(method: string, path: string, body: Buffer, headers: Record<string, string>): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method, headers: { 'content-length': String(body.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  teams = await startCaptureConnector();
  const logger = createLogger('info', {
    write(line: string) {
      const entry = JSON.parse(line) as { msg: string; status?: number };
      if (entry.msg === 'request refused') refusals.push(entry);
    },
  });
  server = await startApp(
    parseConfig({
      PIMBOT_MODE: 'playground',
      HOST: '127.0.0.1',
      PORT: '0',
      AAD_APP_TENANT_ID: TENANT_ID,
      AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
      AAD_APP_CLIENT_SECRET: fakeSecret('playground-app'),
    }),
    logger,
  );
  gzipBomb = await gzipOfPaddedActivity(
    {
      type: 'message',
      id: 'gzip-1',
      channelId: 'msteams',
      serviceUrl: teams.serviceUrl,
      from: { id: '29:1adele', name: 'Adele Vance', aadObjectId: '0f2c5a3e-0000-4000-8000-00000000000a' },
      recipient: { id: '28:pim-bot', name: 'PIM Bot' },
      conversation: { id: 'a:1gzip', conversationType: 'personal', tenantId: TENANT_ID },
      text: 'help',
    },
    INFLATED_MB,
  );
});
afterAll(async () => {
  await server?.shutdown('test over');
  await teams?.close();
  run.mockRestore();
});

describe('compressed request bodies', () => {
  it(`refuses ${REQUESTS} gzip bodies of ~${INFLATED_MB} MB inflated with 415, before reading them`, async () => {
    // The body is under MAX_BODY_BYTES (256 KB by default): the size limit alone lets it through.
    expect(gzipBomb.length).toBeLessThan(262_144);
    // Warm-up on the same path (JIT, sockets, logger), so the measurement is about the bodies.
    await send('GET', '/healthz', Buffer.alloc(0), {});
    // Counted from here: the file's tests share one bot, in any order.
    const turnsBefore = run.mock.calls.length;
    const callsBefore = teams.calls.length;
    const refusedBefore = refusals.length;
    const console = muteConsole();
    const before = rssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 5);
    let results: HttpResult[];
    try {
      results = await pool(Array.from({ length: REQUESTS }), 4, () =>
        send('POST', '/api/messages', gzipBomb, {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
      );
    } finally {
      clearInterval(sampler);
      console.restore();
    }
    const growth = Math.max(peak, rssMb()) - before;

    figure(
      'compressed-bodies',
      `${REQUESTS} gzip bodies of ${(gzipBomb.length / 1024).toFixed(0)} KB (${INFLATED_MB} MB inflated): ` +
        `${JSON.stringify(tally(results.map((r) => r.status)))}, ${run.mock.calls.length - turnsBefore} turns, ` +
        `RSS ${before.toFixed(0)} MB -> peak ${(before + growth).toFixed(0)} MB (+${growth.toFixed(1)} MB, budget ${RSS_BUDGET_MB})`,
    );
    expect(tally(results.map((r) => r.status))).toEqual({ 415: REQUESTS });
    expect(run.mock.calls.length - turnsBefore).toBe(0);
    expect(teams.calls.slice(callsBefore)).toEqual([]);
    expect(growth).toBeLessThanOrEqual(RSS_BUDGET_MB);
    // The answer says what to do, in JSON, and names the encoding that is accepted.
    expect(JSON.parse(results[0]!.body)).toEqual({ error: expect.stringMatching(/uncompressed/) });
    expect(results[0]!.headers['accept-encoding']).toBe('identity');
    expect(refusals.slice(refusedBefore).filter((r) => r.status === 415)).toHaveLength(REQUESTS);
  });

  it('refuses every non-identity encoding on every route and method, GET and unknown paths included', async () => {
    const small = await gzipOfPaddedActivity({ type: 'message' }, 1);
    const turnsBefore = run.mock.calls.length;
    const cases: [method: string, path: string, encoding: string][] = [
      ['GET', '/healthz', 'gzip'],
      ['GET', '/readyz', 'gzip'],
      ['GET', '/auth/start', 'gzip'],
      ['GET', '/no-such-route', 'gzip'],
      ['HEAD', '/api/messages', 'gzip'],
      ['POST', '/api/messages', 'deflate'],
      ['POST', '/api/messages', 'br'],
      ['POST', '/api/messages', 'GZIP'],
      ['POST', '/api/messages', 'identity, gzip'],
      ['POST', '/auth/callback', 'gzip'],
    ];
    const statuses = await pool(cases, 2, ([method, path, encoding]) =>
      send(method, path, small, { 'content-type': 'application/json', 'content-encoding': encoding }).then(
        (r) => `${method} ${path} ${encoding}: ${r.status}`,
      ),
    );
    expect(statuses).toEqual(cases.map(([method, path, encoding]) => `${method} ${path} ${encoding}: 415`));
    expect(run.mock.calls.length - turnsBefore).toBe(0);
  });

  it('still takes a plain JSON activity, with or without Content-Encoding: identity', async () => {
    const activity = (id: string) =>
      Buffer.from(
        JSON.stringify({
          type: 'message',
          id,
          channelId: 'msteams',
          serviceUrl: teams.serviceUrl,
          from: { id: '29:1adele', name: 'Adele Vance', aadObjectId: '0f2c5a3e-0000-4000-8000-00000000000a' },
          recipient: { id: '28:pim-bot', name: 'PIM Bot' },
          conversation: { id: 'a:1plain', conversationType: 'personal', tenantId: TENANT_ID },
          text: 'help',
        }),
      );
    const turnsBefore = run.mock.calls.length;
    const plain = await send('POST', '/api/messages', activity('plain-1'), { 'content-type': 'application/json' });
    const identity = await send('POST', '/api/messages', activity('plain-2'), {
      'content-type': 'application/json',
      'content-encoding': 'identity',
    });
    expect([plain.status, identity.status]).toEqual([200, 200]);
    expect(run.mock.calls.length - turnsBefore).toBe(2);
  });
});
