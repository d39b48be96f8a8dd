/**
 * The whole local demo (`npm run playground`: Entra authority, Graph simulator, Azurite, the bot and the
 * two Microsoft 365 Agents Playgrounds, Adele Vance's and Megan Bowen's) as a child process group, for the
 * browser E2E tests.
 *
 * - Port 0 for the bot (PORT) and the two Playgrounds (PLAYGROUND_PORT, APPROVER_PLAYGROUND_PORT): each binds a
 *   port the system picks (none is chosen here and released, for another process to take in between), and the
 *   walkthrough says where each listens. The simulators bind port 0 too; Azurite's ports are picked free and
 *   its start retried when one was taken meanwhile (simulators/azurite/azurite-process.ts).
 * - A private copy of the project root in a temp dir: scripts/ is copied, everything else is a symlink. The
 *   script keeps its state under `<root>/.local` (CA, Azurite data, the Playgrounds' configs and logs), so a
 *   test run never reuses a previous run's bot state and never fights a developer's `npm run playground`.
 *   Node resolves the symlinks to the checkout's own paths, so the bot and simulators run from the real sources.
 * - Ready once the script printed its walkthrough (it does so when the bot and both Playgrounds answer);
 *   the bot's and the Playgrounds' URLs are taken from it, so the test opens what a person would open.
 * - `stop()` ends the whole process group (SIGTERM, then SIGKILL), and so does a worker that exits without
 *   calling it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoUsers } from '../../simulators/tenant/demo-tenant';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Top-level entries that are state or history, never linked into the private root. */
const NOT_LINKED = new Set(['.git', '.local', 'scripts', 'artifacts', 'coverage', 'devTools']);

export interface DemoOptions {
  /** How long to wait for the demo to print its walkthrough and for everything to answer. Default 60 s. */
  startTimeoutMs?: number;
}

export interface Demo {
  /** http://127.0.0.1:<port> (the bot; /api/messages, /healthz, /readyz), as the walkthrough names it. */
  botUrl: string;
  /** The Playground whose current user is Adele Vance (the requester), as the walkthrough names it. */
  playgroundUrl: string;
  /** The Playground whose current user is Megan Bowen (the approver), as the walkthrough names it. */
  approverPlaygroundUrl: string;
  /** What the demo printed once it was up: the URLs, who is who, what to type. */
  walkthrough: string;
  /** The private project root (state under `.local`). Deleted by stop(). */
  root: string;
  /** Milliseconds from spawn until everything answered. */
  startupMs: number;
  /** The demo's stdout and stderr so far (bot logs included), for failure messages. */
  output(): string;
  /** Stops every process of the demo (idempotent). */
  stop(): Promise<void>;
}

/** The private root: scripts/ copied (so `..` from the script is this dir), the rest symlinked. */
function makePrivateRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'pimbot-demo-'));
  for (const name of readdirSync(repoRoot)) {
    if (NOT_LINKED.has(name)) continue;
    symlinkSync(join(repoRoot, name), join(root, name));
  }
  mkdirSync(join(root, 'scripts'));
  for (const name of readdirSync(join(repoRoot, 'scripts'))) {
    const from = join(repoRoot, 'scripts', name);
    if (statSync(from).isDirectory()) symlinkSync(from, join(root, 'scripts', name));
    else copyFileSync(from, join(root, 'scripts', name));
  }
  return root;
}

/** What vitest (and Vite) put into process.env; the demo is not a test. */
const TEST_RUNNER_VARIABLES = new Set(['TEST', 'NODE_ENV', 'MODE', 'DEV', 'PROD', 'BASE_URL', 'SSR', 'FORCE_TTY']);

/**
 * The environment for the demo: this process's, minus what the test runner adds. In particular not the
 * test CA: test/setup/global-ca.ts points NODE_EXTRA_CA_CERTS at a bundle holding the tests' own local
 * CA, and playground.ts would append its CA to that bundle. Both CAs are called "PIM Bot local CA" and the
 * leaf certificates carry no authority key id, so OpenSSL picks the tests' CA as the issuer, the
 * signature check fails and the bot cannot reach its own Entra authority ("I could not get your
 * sign-in"). The system bundle (SSL_CERT_FILE) is what the tests' bundle started from.
 */
function demoEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const testCaDir = process.env.PIMBOT_TEST_CA_DIR;
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST') || TEST_RUNNER_VARIABLES.has(key) || key === 'PIMBOT_TEST_CA_DIR') continue;
    if (key === 'NODE_EXTRA_CA_CERTS' && testCaDir && value?.startsWith(testCaDir)) continue;
    env[key] = value;
  }
  if (!env.NODE_EXTRA_CA_CERTS && env.SSL_CERT_FILE && existsSync(env.SSL_CERT_FILE)) {
    env.NODE_EXTRA_CA_CERTS = env.SSL_CERT_FILE;
  }
  return { ...env, ...extra };
}

/** Signals a whole process group; false when it is already gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group still runs. Zombies do not count: a dead grandchild stays a zombie
 * until PID 1 reaps it, which on some machines takes seconds, and it holds no port or file.
 */
function groupAlive(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

/** Starts a process as the leader of a new process group, collecting its output. */
function spawnGroup(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, output: string[]) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    // Keep the last ~200 chunks: enough for a failure message, bounded for a long run.
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return child;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  // SIGTERM to every process: playground.ts stops its children and Azurite, the bot drains, the
  // Playground exits. Then wait until no process of the group is left; SIGKILL whatever lingers.
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + 8_000;
  while (Date.now() < deadline && groupAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pid) && signalGroup(pid, 'SIGKILL')) {
    const killDeadline = Date.now() + 3_000;
    while (Date.now() < killDeadline && groupAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  }
}

/** GET until it answers 2xx, or the deadline passes, or `failed()` says to stop waiting. */
async function waitForHttp(url: string, deadline: number, failed: () => string | undefined): Promise<void> {
  for (;;) {
    const reason = failed();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The walkthrough in the demo's stdout: from "PIM Bot demo is " to the end of the "Ctrl-C" line. */
function findWalkthrough(stdout: string): string | undefined {
  const start = stdout.indexOf('PIM Bot demo is ');
  if (start < 0) return undefined;
  const ctrlC = stdout.indexOf('Ctrl-C stops everything', start);
  if (ctrlC < 0) return undefined;
  const end = stdout.indexOf('\n', ctrlC);
  return end < 0 ? undefined : stdout.slice(start, end);
}

/** The URL on the walkthrough line that says "you are <name>". */
function urlOf(walkthrough: string, name: string): string | undefined {
  const line = walkthrough.split('\n').find((l) => l.includes(`you are ${name}`));
  return line ? /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] : undefined;
}

/** The bot's URL on the walkthrough's "Bot   http://…/api/messages" line. */
function botUrlOf(walkthrough: string): string | undefined {
  return /^\s*Bot\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/messages/m.exec(walkthrough)?.[1];
}

/** Starts the demo and resolves once it printed its walkthrough and the bot and both Playgrounds answer. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const started = Date.now();
  const deadline = started + (options.startTimeoutMs ?? 60_000);
  const root = makePrivateRoot();
  const output: string[] = [];

  const demo = spawnGroup(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts', 'playground.ts')],
    root,
    demoEnvironment({
      PORT: '0',
      PLAYGROUND_PORT: '0',
      APPROVER_PLAYGROUND_PORT: '0',
    }),
    output,
  );
  // The start-up stdout in full (the bounded `output` may drop its beginning), until the walkthrough is in.
  let startupStdout = '';
  let walkthrough: string | undefined;
  const readWalkthrough = (chunk: Buffer) => {
    startupStdout += chunk.toString('utf8');
    walkthrough = findWalkthrough(startupStdout);
    if (walkthrough || startupStdout.length > 4_000_000) demo.stdout?.off('data', readWalkthrough);
  };
  demo.stdout?.on('data', readWalkthrough);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.off('exit', killOnExit);
      await stopGroup(demo);
      rmSync(root, { recursive: true, force: true });
    })();
    return stopped;
  };
  // Last resort when the worker exits without stop() (a crash, a timeout kill): no stray processes.
  const killOnExit = () => {
    if (demo.pid !== undefined) signalGroup(demo.pid, 'SIGKILL');
  };
  process.on('exit', killOnExit);

  const text = () => output.join('');
  const exited = () =>
    demo.exitCode !== null || demo.signalCode !== null
      ? `The demo exited early (npm run playground, code ${demo.exitCode ?? demo.signalCode}).`
      : undefined;

  try {
    while (!walkthrough) {
      const reason = exited();
      if (reason) throw new Error(reason);
      if (Date.now() > deadline) throw new Error('The demo printed no walkthrough in time.');
      await new Promise((r) => setTimeout(r, 200));
    }
    const problems = walkthrough.split('\n').filter((line) => line.trimStart().startsWith('!'));
    if (problems.length > 0) throw new Error(`The demo started with problems:\n${problems.join('\n')}`);
    const botUrl = botUrlOf(walkthrough);
    const playgroundUrl = urlOf(walkthrough, demoUsers.requester.displayName);
    const approverPlaygroundUrl = urlOf(walkthrough, demoUsers.approver.displayName);
    if (!botUrl || !playgroundUrl || !approverPlaygroundUrl) {
      throw new Error(`The walkthrough does not name the bot and both Playgrounds:\n${walkthrough}`);
    }
    await Promise.all([
      waitForHttp(`${botUrl}/healthz`, deadline, exited),
      waitForHttp(`${playgroundUrl}/_internal/v1/config`, deadline, exited),
      waitForHttp(`${approverPlaygroundUrl}/_internal/v1/config`, deadline, exited),
    ]);
    return {
      botUrl,
      playgroundUrl,
      approverPlaygroundUrl,
      walkthrough,
      root,
      startupMs: Date.now() - started,
      output: text,
      stop,
    };
  } catch (err) {
    const logs = readPlaygroundLogs(root);
    await stop();
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- demo output ---\n${text().slice(-4_000)}${logs}`,
    );
  }
}

function readPlaygroundLogs(root: string): string {
  return ['playground', 'playground-approver']
    .map((dir) => {
      try {
        const log = readFileSync(join(root, '.local', dir, 'm365agentsplayground.log'), 'utf8');
        return `\n--- ${dir} log ---\n${log.slice(-2_000)}`;
      } catch {
        return '';
      }
    })
    .join('');
}
