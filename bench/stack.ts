/**
 * Bench worker: the local Entra authority and the Graph PIM simulator (the "Microsoft cloud"), in their
 * own process. Commands from bench/run.ts load fixtures, read and reset the Graph call log, and count
 * the authority's requests (from its 'entra request' log lines).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { demoBotApplication } from '../simulators/demo-app';
import type { FaultSpec } from '../simulators/graph';
import { startLocalStack } from '../simulators/local-stack';
import { type FixtureSpec, fixtureFor, roundFixture } from './fixtures';
import { memoryReport, serveCommands } from './ipc';

export interface StackInfo {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityUrl: string;
  graphUrl: string;
}

export interface AuthorityCounts {
  total: number;
  /** route or grant type → requests */
  byRoute: Record<string, number>;
}

async function main(): Promise<void> {
  const caDir = process.env.BENCH_CA_DIR!;
  const ca = {
    certPem: readFileSync(join(caDir, 'ca.crt'), 'utf8'),
    keyPem: readFileSync(join(caDir, 'ca.key'), 'utf8'),
  };
  const publicUrl = process.env.BENCH_PUBLIC_URL!;

  // The authority logs one 'entra request' line per request (info): counted here, nothing is written.
  let authority: AuthorityCounts = { total: 0, byRoute: {} };
  const counter = {
    write(line: string) {
      if (!line.includes('"entra request"')) return;
      const entry = JSON.parse(line) as { route?: string; grantType?: string };
      const name = entry.grantType ? `token:${entry.grantType}` : (entry.route ?? 'unknown');
      authority.total++;
      authority.byRoute[name] = (authority.byRoute[name] ?? 0) + 1;
    },
  };
  const logger = pino({ level: 'info' }, counter);

  const started = Date.now();
  let fixture = roundFixture(0, 0, []);
  const stack = await startLocalStack({
    ca,
    fixture,
    botApp: demoBotApplication([`${publicUrl}/auth/callback`]),
    logger,
  });
  const info: StackInfo = {
    tenantId: stack.fixture.tenantId,
    clientId: stack.botApp.clientId,
    clientSecret: stack.botApp.clientSecret,
    authorityUrl: stack.authority.url,
    graphUrl: stack.graph.url,
  };
  const graph = stack.graph;

  serveCommands(
    {
      startupMs: () => Date.now() - started,
      load(args) {
        const t = Date.now();
        fixture = fixtureFor(args as FixtureSpec);
        graph.loadFixture(fixture);
        graph.resetCalls();
        return {
          ms: Date.now() - t,
          users: fixture.users.length,
          roleEligibilities: fixture.roleEligibilities.length,
          roleDefinitions: fixture.roleDefinitions.length,
        };
      },
      resetCalls() {
        graph.resetCalls();
        authority = { total: 0, byRoute: {} };
        return true;
      },
      /** The Graph call log since the last reset (method, path, status, simulated time, Graph request-id). */
      calls: () => graph.calls(),
      callCount: () => graph.calls().length,
      authority: () => authority,
      /** How far the simulator's ManualClock is from the wall clock (0 unless a test advanced it). */
      clockSkewMs: () => graph.clock.now().getTime() - Date.now(),
      requestStatuses() {
        const counts: Record<string, number> = {};
        for (const r of graph.snapshot().requests) {
          const status = String(r.status);
          counts[status] = (counts[status] ?? 0) + 1;
        }
        return counts;
      },
      lastPendingRequestId() {
        const pending = graph.snapshot().requests.filter((r) => r.status === 'PendingApproval');
        return pending.at(-1)?.id;
      },
      /** Graph answers the next calls with 429/503 (the simulator's fault injection), until cleared. */
      injectFault(args) {
        graph.injectFault(args as FaultSpec);
        return true;
      },
      clearFaults() {
        graph.clearFaults();
        return true;
      },
      memory: () => memoryReport(),
    },
    info,
  );
  process.on('SIGTERM', () => {
    void stack.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench stack failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
