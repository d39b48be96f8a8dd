import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it, type onTestFinished } from 'vitest';
import { startCaptureConnector } from './support/capture-connector';
import { fakeSecret } from './support/fake-secrets';

const PLAYGROUND_SECRET = fakeSecret('playground-app');

/**
 * `npm start` as an operator runs it: the real entry point in its own process, configured only through
 * the environment, talking HTTP. Nothing here is imported from src/.
 */

const ROOT = join(import.meta.dirname, '..');
const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';

interface RunningBot {
  child: ChildProcessWithoutNullStreams;
  /** Parsed JSON log lines from stdout, as they arrive. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line whose msg is `msg`. */
  logged(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node --import tsx src/index.ts` with exactly `env` (plus PATH and HOME); the process is killed
 * when the test finishes if it is still running. Tests run concurrently, so each cleans up its own.
 */
function startBot(env: Record<string, string>, finished: typeof onTestFinished): RunningBot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_NO_WARNINGS: '1', ...env },
  });
  finished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stdout = createInterface({ input: child.stdout });
  stdout.on('line', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));

  const logged = (msg: string, timeoutMs = 60_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = () => logs.find((l) => l.msg === msg);
      const onLine = () => {
        const line = found();
        if (line) settle(() => resolve(line));
      };
      const onClose = () => settle(() => reject(new Error(`exited before logging "${msg}"; stderr: ${stderr}`)));
      const timer = setTimeout(
        () => settle(() => reject(new Error(`"${msg}" not logged within ${timeoutMs} ms; stderr: ${stderr}`))),
        timeoutMs,
      );
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        stdout.off('line', onLine).off('close', onClose);
        outcome();
      };
      stdout.on('line', onLine).on('close', onClose);
      onLine();
    });
  return { child, logs, stderr: () => stderr, logged, exited };
}

const PLAYGROUND = {
  // Reads the committed env/.env.playground (PIMBOT_MODE=playground); the environment supplies the rest.
  PIMBOT_ENV: 'playground',
  HOST: '127.0.0.1',
  PORT: '0',
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: CLIENT_ID,
  AAD_APP_CLIENT_SECRET: PLAYGROUND_SECRET,
};

describe.concurrent('npm start (src/index.ts)', () => {
  it('exits non-zero before listening when the configuration is invalid, naming each variable on stderr', async ({
    expect,
    onTestFinished,
  }) => {
    const bot = startBot(
      { PIMBOT_MODE: 'production', AAD_APP_TENANT_ID: TENANT_ID, AAD_APP_CLIENT_ID: CLIENT_ID },
      onTestFinished,
    );

    const { code } = await bot.exited;

    expect(code).toBe(2);
    expect(bot.stderr()).toContain('PIM Bot configuration is invalid');
    for (const variable of [
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
      'AAD_APP_CLIENT_SECRET',
    ]) {
      expect(bot.stderr()).toContain(variable);
    }
    expect(bot.logs.some((l) => l.msg === 'PIM Bot listening')).toBe(false);
  });

  it('serves /healthz on the port it logs; on SIGTERM finishes the turn in flight, then exits 0', async ({
    expect,
    onTestFinished,
  }) => {
    const teams = await startCaptureConnector({ delayMs: 500 });
    onTestFinished(() => teams.close());
    const bot = startBot(PLAYGROUND, onTestFinished);

    const { url } = (await bot.logged('PIM Bot listening')) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bot.logs.find((l) => l.msg === 'starting PIM Bot')).toMatchObject({ mode: 'playground' });

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'alive' });

    // A Teams message whose reply the connector is slow to accept: the turn is in flight at SIGTERM.
    const turn = fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'sigterm-1',
        channelId: 'msteams',
        serviceUrl: teams.serviceUrl,
        from: { id: '29:adele', name: 'Adele Vance' },
        recipient: { id: '28:pim-bot', name: 'PIM Bot' },
        conversation: { id: 'a:adele-personal', conversationType: 'personal', tenantId: TENANT_ID },
        text: 'help',
      }),
    });
    await teams.waitForCalls(1);

    bot.child.kill('SIGTERM');

    expect((await turn).status).toBe(200);
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(teams.calls.map((c) => c.activityId)).toEqual(['sigterm-1']);
    expect(teams.sentTexts()[0]).toContain("Hi, I'm PIM Bot");
    expect(bot.logs.at(-1)).toMatchObject({ msg: 'stopped' });
    expect(bot.stderr()).toBe('');
  }, 90_000);
});
