/**
 * `npx tsx bench/profile.ts [help|roles|activate] [concurrency]`: where PIM Bot's CPU goes in one kind
 * of turn. Starts the bench stack and PIM Bot with `node --cpu-prof`, runs one wrk round, stops the bot
 * (the profile is written on exit) and prints the self time by package and the hottest functions over
 * the round. The .cpuprofile stays in .local/bench-profile/ (open it in Chrome DevTools).
 * Not part of `npm run bench`; see bench/README.md.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateCertificateAuthority } from '../simulators/tls/certificate-authority';
import { startBenchConnector } from './connector';
import { BENCH_TENANT_ID, PUBLIC_BASE_URL, ROLES, roleKey } from './fixtures';
import { startWorker } from './ipc';
import type { StackInfo } from './stack';
import { runWrk, type Scenario } from './wrk';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const root = fileURLToPath(new URL('..', import.meta.url));

function packageOf(url: string, fn: string): string {
  if (fn === '(idle)' || fn === '(garbage collector)' || fn === '(program)') return fn;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url === '') return 'native (crypto, TLS, sockets, JSON)';
  if (url.startsWith('node:')) return url;
  const own = /\/work\/[^/]+\/([^/]+\/[^/]+)/.exec(url) ?? /([^/]+\/[^/]+)$/.exec(url);
  return own?.[1] ?? url;
}

/** Self time by package and by function over the last `windowS` seconds of the profile. */
export function summarizeProfile(profile: CpuProfile, windowS: number) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const from = profile.endTime - windowS * 1e6;
  let t = profile.startTime;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  let all = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t < from) return;
    const frame = nodes.get(id)?.callFrame;
    if (!frame) return;
    all++;
    if (frame.functionName === '(idle)') return;
    busy++;
    const pkg = packageOf(frame.url, frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
    const fn = `${frame.functionName || '(anonymous)'} [${pkg}]`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, Math.round((v / busy) * 1000) / 10] as const);
  return {
    busyPct: Math.round((busy / Math.max(1, all)) * 100),
    packages: top(byPackage, 20),
    functions: top(byFunction, 20),
  };
}

async function main(): Promise<void> {
  const scenario = (process.argv[2] ?? 'roles') as Scenario;
  const concurrency = Number(process.argv[3] ?? 10);
  const seconds = 8;
  const caDir = join(root, '.local', 'ca');
  const ca = loadOrCreateCertificateAuthority(caDir);
  const profileDir = join(root, '.local', 'bench-profile');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_EXTRA_CA_CERTS: ca.trustBundlePath };
  const connector = await startBenchConnector();
  const stack = await startWorker<StackInfo>(join(root, 'bench', 'stack.ts'), {
    env: { ...env, BENCH_CA_DIR: caDir, BENCH_PUBLIC_URL: PUBLIC_BASE_URL },
    timeoutMs: 120_000,
  });
  const bot = await startWorker<{ url: string }>(join(root, 'bench', 'pim-bot.ts'), {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    env: {
      ...env,
      PIMBOT_MODE: 'playground',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AAD_APP_TENANT_ID: stack.info.tenantId,
      AAD_APP_CLIENT_ID: stack.info.clientId,
      AAD_APP_CLIENT_SECRET: stack.info.clientSecret,
      AAD_APP_OAUTH_AUTHORITY_HOST: stack.info.authorityUrl,
      GRAPH_BASE_URL: stack.info.graphUrl,
      PUBLIC_BASE_URL,
    },
  });
  try {
    await stack.call('load', { fixture: 'round', base: 0, count: 1_000, roles: ['noApproval', 'justification'] });
    const r = await runWrk({
      scenario,
      url: bot.info.url,
      concurrency,
      durationSeconds: seconds,
      userBase: 0,
      userCount: 1_000,
      serviceUrl: connector.serviceUrl,
      tenantId: BENCH_TENANT_ID,
      run: 'profile',
      command: `activate ${ROLES.noApproval.name} 1h`,
      confirmKey: roleKey(ROLES.noApproval.id),
    });
    process.stdout.write(
      `${scenario} c=${concurrency}: ${r.throughput} turns/s, p50 ${r.turn.p50Ms} ms, p99 ${r.turn.p99Ms} ms\n`,
    );
  } finally {
    await bot.stop();
    await stack.stop();
    await connector.close();
  }
  // The main thread's profile is the big one (tsx's loader thread writes a small one too).
  const file = readdirSync(profileDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(profileDir, b)).size - statSync(join(profileDir, a)).size)[0];
  if (!file) throw new Error('no .cpuprofile written');
  const summary = summarizeProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile, seconds);
  process.stdout.write(`bot busy ${summary.busyPct}% of the round; self time of the busy part:\n`);
  for (const [k, v] of summary.packages) process.stdout.write(`  ${String(v).padStart(5)}%  ${k}\n`);
  process.stdout.write('hottest functions:\n');
  for (const [k, v] of summary.functions) process.stdout.write(`  ${String(v).padStart(5)}%  ${k}\n`);
  process.stdout.write(`profile: ${join(profileDir, file)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`profile failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
