/**
 * Bench worker: PIM Bot itself, started the way src/index.ts starts it (parseConfig + startApp, pino
 * at info level like production, its lines going to /dev/null), in playground mode against the bench
 * stack. Started by bench/run.ts with NODE_EXTRA_CA_CERTS set, as a deployed bot trusts Microsoft's CA.
 *
 * The only addition is a Graph call observer (the one tests use to see every call): it counts calls and,
 * while the approval bench runs, notes the wall-clock time each PendingApproval request came back.
 */
import { writeHeapSnapshot } from 'node:v8';
import { MemoryStorage } from 'botbuilder';
import { startApp } from '../src/app';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/observability/logger';
import type { GraphCallObserver } from '../src/pim/graph-middleware';
import { memoryReport, serveCommands } from './ipc';

export interface PendingApprovalSeen {
  /** The schedule request id (the approval card's requestId). */
  requestId: string;
  /** Graph's request-id header of the POST: the simulator's call log has the same. */
  graphRequestId: string | null;
  /** Date.now() when the bot had the 201 PendingApproval response. */
  at: number;
}

export interface StorageStats {
  /** Kind of key (conversation state, user state, …) → items and JSON bytes. */
  byKind: Record<string, { items: number; bytes: number }>;
  /** One conversation's state: its largest parts (JSON path → bytes). */
  sampleConversation?: { bytes: number; largestParts: Array<[string, number]>; json: string };
}

export interface BotGraphCounts {
  total: number;
  byMethod: Record<string, number>;
  /** Sum of the calls' durations (overlapping calls count twice). */
  totalMs: number;
}

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const logger = createLogger(config.logLevel);

  let watchApprovals = false;
  const pendingSeen: PendingApprovalSeen[] = [];
  let counts: BotGraphCounts = { total: 0, byMethod: {}, totalMs: 0 };
  const observer: GraphCallObserver = {
    // Bodies cost a clone per call: read only while the approval bench needs the request ids.
    get wantsBodies() {
      return watchApprovals;
    },
    onExchange(record) {
      counts.total++;
      counts.totalMs += record.durationMs;
      counts.byMethod[record.method] = (counts.byMethod[record.method] ?? 0) + 1;
      if (!watchApprovals || record.method !== 'POST' || record.status !== 201) return;
      const body = record.responseBody as { id?: string; status?: string } | undefined;
      if (body?.status === 'PendingApproval' && body.id) {
        pendingSeen.push({ requestId: body.id, graphRequestId: record.requestId, at: Date.now() });
      }
    },
  };

  // The MemoryStorage startApp would create, made here so its contents can be measured (it keeps JSON strings).
  const memory: Record<string, string> = {};
  const app = await startApp(config, logger, { graphObserver: observer, storage: new MemoryStorage(memory) });
  serveCommands(
    {
      memory: () => memoryReport(),
      gc() {
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        return memoryReport();
      },
      /** A V8 heap snapshot to `path` (bench/heap-breakdown.ts compares two): what the heap holds, by object. */
      heapSnapshot: (args) => writeHeapSnapshot((args as { path: string }).path),
      watchApprovals(args) {
        watchApprovals = (args as { on: boolean }).on;
        pendingSeen.length = 0;
        return true;
      },
      pendingSeen: () => pendingSeen,
      storage: () => storageStats(memory),
      /** The on-behalf-of exchange's counts and its caches' sizes (PimSessions.stats()). */
      identity: () => app.pimSessions.stats(),

      graphCounts() {
        const result = counts;
        counts = { total: 0, byMethod: {}, totalMs: 0 };
        return result;
      },
    },
    { url: app.url },
  );
  process.on('SIGTERM', () => {
    void app.shutdown('bench over').finally(() => process.exit(0));
  });
}

function kindOf(key: string): string {
  if (key.includes('/conversations/')) return 'conversation state';
  if (key.includes('/users/')) return 'user state';
  return key.split('/')[0] || 'other';
}

function storageStats(memory: Record<string, string>): StorageStats {
  const byKind: StorageStats['byKind'] = {};
  let sample: string | undefined;
  for (const [key, value] of Object.entries(memory)) {
    if (value === undefined) continue;
    const kind = kindOf(key);
    const entry = byKind[kind] ?? { items: 0, bytes: 0 };
    byKind[kind] = entry;
    entry.items++;
    entry.bytes += Buffer.byteLength(value);
    if (kind === 'conversation state' && value.includes('dialogStack')) sample = value;
  }
  if (!sample) return { byKind };
  // Descend while one child holds most of the state, then list that node's parts by size.
  const bytes = Buffer.byteLength(sample);
  let node: unknown = JSON.parse(sample);
  let path = '$';
  for (;;) {
    const children = Object.entries((node ?? {}) as Record<string, unknown>).filter(
      ([, v]) => v && typeof v === 'object',
    );
    const big = children.find(([, v]) => JSON.stringify(v).length >= bytes * 0.6);
    if (!big) break;
    path = `${path}.${big[0]}`;
    node = big[1];
  }
  const largest = Object.entries((node ?? {}) as Record<string, unknown>)
    .map(([k, v]): [string, number] => {
      const id = (v as { id?: unknown } | null)?.id;
      return [typeof id === 'string' ? `dialog "${id}"` : `${path}.${k}`, JSON.stringify(v)?.length ?? 0];
    })
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  return { byKind, sampleConversation: { bytes, largestParts: largest, json: sample.slice(0, 4_000) } };
}

main().catch((err: unknown) => {
  process.stderr.write(`PIM Bot (bench) failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
