import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LocalStack } from '../../simulators/local-stack';
import { PUBLIC_BASE_URL } from './front-door';

/** A PIM Bot running in its own process (as a deployed instance), with its log lines collected. */
export interface BotProcess {
  /** Where it listens: the port the kernel gave it (PORT=0), as its "PIM Bot listening" line says. */
  url: string;
  lines: string[];
  /** Resolves when a log line matching `pattern` appears. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM (graceful) and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: the instance dies without cleaning up (no lease release). */
  kill(): Promise<void>;
}

/**
 * Starts `node --import tsx src/index.ts` in playground mode against the given stand-ins and storage.
 * The process trusts the test CA through NODE_EXTRA_CA_CERTS, as a deployed bot trusts Microsoft's. It listens
 * on a port the kernel picks (no port chosen here and released: another process could take it in between);
 * browsers reach every instance through PUBLIC_BASE_URL, the front door (see front-door.ts).
 */
export async function startBotProcess(stack: LocalStack, env: Record<string, string>): Promise<BotProcess> {
  const caDir = process.env.PIMBOT_TEST_CA_DIR;
  if (!caDir) throw new Error('PIMBOT_TEST_CA_DIR is not set: run through vitest.');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src', 'index.ts')], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_EXTRA_CA_CERTS: join(caDir, 'trust-bundle.pem'),
      PIMBOT_MODE: 'playground',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AAD_APP_TENANT_ID: stack.fixture.tenantId,
      AAD_APP_CLIENT_ID: stack.botApp.clientId,
      AAD_APP_CLIENT_SECRET: stack.botApp.clientSecret,
      AAD_APP_OAUTH_AUTHORITY_HOST: stack.authority.url,
      GRAPH_BASE_URL: stack.graph.url,
      PUBLIC_BASE_URL,
      ...env,
    },
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  // Whole lines only: a chunk may end inside a line (a JSON log line parsed below must be complete).
  const collector = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) lines.push(line);
      for (const w of waiters) w();
    };
  };
  child.stdout?.on('data', collector());
  child.stderr?.on('data', collector());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  // 60 s: a process start (tsx compile) on a loaded 2-core machine took over 20 s.
  const waitForLog = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const hit = lines.find((l) => pattern.test(l));
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const listening = JSON.parse(await waitForLog(/"msg":"PIM Bot listening"/)) as { url: string };
  return {
    url: listening.url,
    lines,
    waitForLog,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
