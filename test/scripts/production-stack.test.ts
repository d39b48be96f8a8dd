/**
 * `npm run playground -- --production-stack`, started as a developer starts it: it prints where each stand-in
 * is, refuses an unsigned activity (inbound auth on), and answers one signed activity typed at its console
 * through the connector stand-in (which takes replies only with a valid bot token).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const caDir = mkdtempSync(join(tmpdir(), 'pimbot-production-stack-'));
let child: ChildProcess | undefined;
let output = '';
const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];

function onOutput(chunk: Buffer): void {
  output += chunk.toString('utf8');
  for (const w of [...waiters]) {
    const m = output.match(w.pattern);
    if (m) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  }
}

/** Resolves when the output (so far or later) matches; fails with the output so far after `ms`. */
function seen(pattern: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
  const m = output.match(pattern);
  if (m) return Promise.resolve(m);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No ${pattern} within ${ms} ms. Output:\n${output}`)), ms);
    waiters.push({
      pattern,
      resolve: (found) => {
        clearTimeout(timer);
        resolve(found);
      },
    });
  });
}

/**
 * A developer's environment: a CA directory of its own, any port, and not the test run's NODE_EXTRA_CA_CERTS
 * (the demo's trust bundle would carry both CAs, which share their name, and TLS then checks against the wrong one).
 */
function developerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', PIMBOT_CA_DIR: caDir };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.PIMBOT_TEST_CA_DIR;
  return env;
}

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(caDir, { recursive: true, force: true });
});

describe('npm run playground -- --production-stack', () => {
  it('starts the stand-ins in production mode and answers a signed activity from its console', {
    timeout: 60_000,
  }, async () => {
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'playground.ts'), '--production-stack'], {
      cwd: root,
      env: developerEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    const [, botUrl] = await seen(/Bot \(inbound auth on\)\s+(http:\/\/\S+)/);
    await seen(/Adele Vance> /);
    for (const standIn of ['Entra authority', 'Graph simulator', 'Bot Connector OpenID/keys', 'Token Service'])
      expect(output).toContain(standIn);

    // Inbound auth is on: an activity without a Bot Connector token is refused.
    const unsigned = await fetch(botUrl ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', channelId: 'msteams', text: 'help' }),
    });
    child.stdin?.write('help\n');
    await seen(/\[teams\] signed message -> (\d+)/);
    const reply = await seen(/\[bot -> Adele Vance\] \(reply, bot token checked\) ([^\n]+)/);
    console.log(
      `production-stack playground: unsigned POST -> ${unsigned.status}; console "help" -> ${output.match(/signed message -> (\d+)/)?.[1]}, reply: ${reply[1]?.slice(0, 80)}`,
    );
    expect(unsigned.status).toBe(401);
    expect(output).toMatch(/signed message -> 200/);
    // The help card lists the commands (README "Using the bot"): activate among them.
    expect(reply[1]).toMatch(/activate/);

    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    child.stdin?.write(':quit\n');
    expect(await exited).toBe(0);
  });
});
