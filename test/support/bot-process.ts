import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LocalStack } from '../../simulators/local-stack';
import { freePort } from './bot-harness';

/** A PIM Bot running in its own process (as a deployed instance), with its log lines collected. */
export interface BotProcess {
  url: string;
  port: number;
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
 * The process trusts the test CA through NODE_EXTRA_CA_CERTS, as a deployed bot trusts Microsoft's.
 */
export async function startBotProcess(
  stack: LocalStack,
  env: Record<string, string>,
  port?: number,
): Promise<BotProcess> {
  const caDir = process.env.PIMBOT_TEST_CA_DIR;
  if (!caDir) throw new Error('PIMBOT_TEST_CA_DIR is not set: run through vitest.');
  const listenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src', 'index.ts')], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_EXTRA_CA_CERTS: join(caDir, 'trust-bundle.pem'),
      PIMBOT_MODE: 'playground',
      HOST: '127.0.0.1',
      PORT: String(listenPort),
      LOG_LEVEL: 'info',
      AAD_APP_TENANT_ID: stack.fixture.tenantId,
      AAD_APP_CLIENT_ID: stack.botApp.clientId,
      AAD_APP_CLIENT_SECRET: stack.botApp.clientSecret,
      AAD_APP_OAUTH_AUTHORITY_HOST: stack.authority.url,
      GRAPH_BASE_URL: stack.graph.url,
      PUBLIC_BASE_URL: url,
      ...env,
    },
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    for (const w of waiters) w();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
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

  await waitForLog(/PIM Bot listening/);
  return {
    url,
    port: listenPort,
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
