import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./turns.lua', import.meta.url));

export type Scenario = 'echo' | 'help' | 'roles' | 'activate';

export interface WrkRound {
  scenario: Scenario;
  url: string;
  /** Connections = threads (one connection per wrk thread, see turns.lua). */
  concurrency: number;
  durationSeconds: number;
  userBase: number;
  userCount: number;
  serviceUrl: string;
  tenantId: string;
  run: string;
  command?: string;
  confirmKey?: string;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface WrkResult {
  scenario: Scenario;
  concurrency: number;
  /** HTTP requests (turns) completed. */
  requests: number;
  durationS: number;
  /** Turns per second. */
  throughput: number;
  /** Every turn of the round (activate: commands and confirmations together). */
  turn: LatencySummary;
  /** activate only: the one-line command, the confirmation, and the two together. */
  command?: LatencySummary;
  confirm?: LatencySummary;
  pair?: LatencySummary;
  /** Completed activations per second (activate). */
  activationsPerS?: number;
  non200: number;
  socketErrors: number;
  wrappedUsers: number;
  wrk: { p50Ms: number; p99Ms: number; maxMs: number };
}

interface LuaOutput {
  requests: number;
  durationUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  wrkLatencyUs: { p50: number; p99: number; max: number };
  threads: Array<{ a: number[]; b: number[]; bad: number; wrapped: number }>;
}

/** Nearest-rank percentiles over latencies in microseconds, reported in ms. */
export function summarize(valuesUs: readonly number[]): LatencySummary {
  const sorted = [...valuesUs].sort((x, y) => x - y);
  const n = sorted.length;
  const at = (p: number) =>
    n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  const ms = (us: number) => Math.round(us / 10) / 100;
  const mean = n === 0 ? Number.NaN : sorted.reduce((s, v) => s + v, 0) / n;
  return { count: n, p50Ms: ms(at(50)), p90Ms: ms(at(90)), p99Ms: ms(at(99)), maxMs: ms(at(100)), meanMs: ms(mean) };
}

export async function runWrk(round: WrkRound): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pimbot-bench-'));
  const out = join(dir, 'wrk.json');
  const args = [
    '-t',
    String(round.concurrency),
    '-c',
    String(round.concurrency),
    '-d',
    `${round.durationSeconds}s`,
    '--timeout',
    '10s',
    '-s',
    SCRIPT,
    `${round.url}/api/messages`,
  ];
  const env = {
    ...process.env,
    BENCH_SCENARIO: round.scenario,
    BENCH_THREADS: String(round.concurrency),
    BENCH_USER_BASE: String(round.userBase),
    BENCH_USER_COUNT: String(round.userCount),
    BENCH_SERVICE_URL: round.serviceUrl,
    BENCH_TENANT: round.tenantId,
    BENCH_RUN: round.run,
    BENCH_OUT: out,
    BENCH_COMMAND: round.command ?? '',
    BENCH_CONFIRM_KEY: round.confirmKey ?? '',
  };
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('wrk', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stderr }));
    });
    if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr}`);
    const lua = JSON.parse(readFileSync(out, 'utf8')) as LuaOutput;
    const a = lua.threads.flatMap((t) => t.a);
    const b = lua.threads.flatMap((t) => t.b);
    const durationS = lua.durationUs / 1e6;
    const result: WrkResult = {
      scenario: round.scenario,
      concurrency: round.concurrency,
      requests: lua.requests,
      durationS: Math.round(durationS * 100) / 100,
      throughput: Math.round((lua.requests / durationS) * 10) / 10,
      turn: summarize([...a, ...b]),
      non200: lua.threads.reduce((s, t) => s + t.bad, 0),
      socketErrors: lua.errors.connect + lua.errors.read + lua.errors.write + lua.errors.timeout,
      wrappedUsers: lua.threads.reduce((s, t) => s + t.wrapped, 0),
      wrk: {
        p50Ms: Math.round(lua.wrkLatencyUs.p50 / 10) / 100,
        p99Ms: Math.round(lua.wrkLatencyUs.p99 / 10) / 100,
        maxMs: Math.round(lua.wrkLatencyUs.max / 10) / 100,
      },
    };
    if (round.scenario === 'activate') {
      // Pairs: the i-th command and the i-th confirmation of the same thread are one user's activation.
      const pairs = lua.threads.flatMap((t) => t.b.map((confirm, i) => confirm + (t.a[i] ?? 0)));
      result.command = summarize(a);
      result.confirm = summarize(b);
      result.pair = summarize(pairs);
      result.activationsPerS = Math.round((b.length / durationS) * 10) / 10;
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
