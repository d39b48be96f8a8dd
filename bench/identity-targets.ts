/**
 * The token exchange's targets (issue 19): authority requests per activation, heap per live conversation, idle RSS
 * against the echo floor, and the lines the report prints about them.
 */
import type { PimSessionsStats } from '../src/identity/pim-sessions';
import type { MemoryReport } from './ipc';
import type { StorageStats } from './pim-bot';
import type { AuthorityCounts } from './stack';
import type { Target } from './target';

/** What these targets read of the results (report.ts's BenchResults has these fields; kept apart: no import cycle). */
export interface BenchResults {
  graphCalls?: Record<string, { authority: AuthorityCounts }>;
  echoMemory?: { idle: MemoryReport };
  memory?: {
    conversations: number;
    idle: MemoryReport;
    halfway?: MemoryReport;
    afterGc: MemoryReport;
    storage: StorageStats;
    modules?: Record<string, number>;
    identity?: PimSessionsStats;
  };
}

/** The playground's stand-in for Teams SSO (the dev identity's token mint); production's is the Bot Framework Token Service. */
const DEV_SSO_ROUTE = '_dev/teams-sso-token';
const MAX_HEAP_PER_CONVERSATION = 4 * 1024;
const MAX_IDLE_OVER_ECHO_MB = 40;

/** Authority requests of the operations named `prefix…`: all of them, and those of the exchange itself (no dev mint). */
function authority(results: BenchResults, prefix: string): { total: number; exchange: number; routes: string } {
  const ops = Object.entries(results.graphCalls ?? {}).filter(([name]) => name.startsWith(prefix));
  const routes: Record<string, number> = {};
  for (const [, op] of ops) {
    for (const [route, n] of Object.entries(op.authority.byRoute)) routes[route] = (routes[route] ?? 0) + n;
  }
  const total = Object.values(routes).reduce((s, n) => s + n, 0);
  return {
    total,
    exchange: total - (routes[DEV_SSO_ROUTE] ?? 0),
    routes:
      Object.entries(routes)
        .map(([r, n]) => `${r} ×${n}`)
        .join(', ') || 'none',
  };
}

/**
 * Heap retained per live conversation after GC, in bytes: from idle (all costs, the first turns' one-time ones too:
 * JIT code, pools, the shared policy cache) and for the second half of the conversations (what one more costs), and
 * the part MemoryStorage's JSON accounts for (the state lives in Blob storage in production).
 */
function perConversation(
  results: BenchResults,
): { fromIdle: number; marginal: number | undefined; code: number; storage: number } | undefined {
  const m = results.memory;
  if (!m) return undefined;
  const heap = (r: { heapUsedBytes?: number; heapUsedMb: number }) => r.heapUsedBytes ?? r.heapUsedMb * 1_048_576;
  const stored = Object.values(m.storage.byKind).reduce((s, k) => s + k.bytes, 0);
  const second = m.conversations - m.conversations / 2;
  return {
    fromIdle: Math.round((heap(m.afterGc) - heap(m.idle)) / m.conversations),
    marginal: m.halfway ? Math.round((heap(m.afterGc) - heap(m.halfway)) / second) : undefined,
    // JIT code compiled meanwhile (V8's code and trusted spaces): the program's, bounded by its size, not per user.
    code: m.halfway ? Math.round(((m.afterGc.codeBytes ?? 0) - (m.halfway.codeBytes ?? 0)) / second) : 0,
    storage: Math.round(stored / m.conversations),
  };
}

export function identityTargets(results: BenchResults): Target[] {
  const targets: Target[] = [];
  if (results.graphCalls) {
    const cold = authority(results, 'activation, cold user');
    const warm = authority(results, 'activation, warm cache');
    const t: Target = {
      name: 'activation: ≤ 1 authority request for a cold user, 0 for a warm one (besides the dev SSO mint)',
      measured: `cold ${cold.exchange} (${cold.routes}); warm ${warm.exchange} (${warm.routes})`,
      target: 'cold ≤ 1, warm 0',
      pass: cold.exchange <= 1 && warm.exchange === 0,
    };
    if (!t.pass) {
      t.why = 'More than the on-behalf-of exchange reached the authority: see the routes.';
      t.fix =
        'One confidential client (src/identity/obo-exchange.ts) keeps the authority metadata; the Graph token is kept per user token.';
    }
    targets.push(t);
  }
  const per = perConversation(results);
  const m = results.memory;
  if (per && m) {
    // What one more conversation costs the bot's own memory: the marginal growth without MemoryStorage's JSON and
    // without the JIT code compiled meanwhile.
    const own = (per.marginal ?? per.fromIdle) - per.storage - per.code;
    const t: Target = {
      name: `heap per live conversation ≤ ${MAX_HEAP_PER_CONVERSATION / 1024} KB besides its stored state (after GC, ${m.conversations} conversations)`,
      measured:
        `${own} B (one more conversation ${per.marginal ?? '?'} B, from idle ${per.fromIdle} B; of each, ` +
        `MemoryStorage's JSON ${per.storage} B and JIT code ${per.code} B)`,
      target: `≤ ${MAX_HEAP_PER_CONVERSATION} B`,
      pass: own <= MAX_HEAP_PER_CONVERSATION,
    };
    if (!t.pass) {
      t.why =
        `Besides the conversation's state in MemoryStorage (${per.storage} B, in Blob storage in production), ` +
        `${own} B per conversation: BENCH_HEAP_SNAPSHOTS=dir and bench/heap-breakdown.ts show by what.`;
      t.fix = 'See the breakdown: the caches per user (tokens, eligibility) and what the dialogs keep.';
    }
    targets.push(t);
  }
  const echoIdle = results.echoMemory?.idle.rssMb;
  if (m && echoIdle !== undefined) {
    const over = Math.round((m.idle.rssMb - echoIdle) * 10) / 10;
    const t: Target = {
      name: `idle RSS ≤ echo idle + ${MAX_IDLE_OVER_ECHO_MB} MB`,
      measured: `${m.idle.rssMb} MB vs echo ${echoIdle} MB (+${over} MB)`,
      target: `≤ +${MAX_IDLE_OVER_ECHO_MB} MB`,
      pass: over <= MAX_IDLE_OVER_ECHO_MB,
    };
    if (!t.pass) {
      const mods = m.modules ?? {};
      t.why =
        `Both run under tsx and load botbuilder and restify; PIM Bot also loads botbuilder-dialogs ${mods['botbuilder-dialogs'] ?? '?'} MB, ` +
        `@azure/identity ${mods['@azure/identity'] ?? '?'} MB, adaptivecards-templating ${mods['adaptivecards-templating'] ?? '?'} MB ` +
        `(plain node, after GC) and its own code; idle heap ${m.idle.heapUsedMb} MB.`;
      t.fix =
        'Not the token exchange: load less at start (botbuilder-dialogs’ recognizers, compiled JavaScript instead of tsx).';
    }
    targets.push(t);
  }
  return targets;
}

export function identityLines(results: BenchResults): string[] {
  const per = perConversation(results);
  const id = results.memory?.identity;
  const lines: string[] = [];
  if (per) {
    lines.push(
      `heap retained per live conversation after GC: ${per.fromIdle} B from idle, ${per.marginal ?? '?'} B for one more ` +
        `(the second half's growth); of each, MemoryStorage's JSON ${per.storage} B, JIT code ${per.code} B`,
    );
  }
  if (id) {
    const t = id.exchange.tokens;
    lines.push(
      `on-behalf-of: ${id.exchange.exchanges} exchanges (${id.exchange.joined} joined a concurrent one, ${id.exchange.refusals} refused); ` +
        `Graph tokens kept ${t.entries}/${t.maxEntries}, ${Math.round(t.bytes / 1024)} KB of ${Math.round(t.maxBytes / 1024)} KB, ` +
        `${t.hits} hits, ${t.misses} misses, ${t.evictions} evicted; refusals remembered ${id.refusals.entries}/${id.refusals.maxEntries}`,
    );
  }
  return lines;
}
