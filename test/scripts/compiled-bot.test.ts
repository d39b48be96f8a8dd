import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureConnector } from '../support/capture-connector';
import { fakeSecret } from '../support/fake-secrets';

/**
 * What App Service runs (issue 19, issue 21): `npm run build`, `npm run stage`, `npm ci --omit=dev
 * --ignore-scripts` in the staged folder, then the staged package's `npm start`, as m365agents.yml deploys it.
 * The staged folder has no TypeScript sources, no tsx and no development dependency: if the compiled bot needed
 * any of them, or an import the build left unresolvable for Node, it would not start here.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';

let work: string;
let app: string;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: process.env, timeout: 240_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Every .js file under `dir`. */
function javascriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return javascriptFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** The package a bare specifier names: `@azure/identity/x` → `@azure/identity`, `pino` → `pino`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pimbot-compiled-'));
  app = join(work, 'app');
  run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out-dir', join(work, 'dist')], ROOT);
  run(
    process.execPath,
    ['--import', 'tsx', 'scripts/stage-deployment.ts', '--dist', join(work, 'dist'), '--target', app],
    ROOT,
  );
  // What the Toolkit's deploy runs in dist-app-service/ (from npm's cache when it has the packages).
  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the staged deployment (dist-app-service/)', () => {
  it('holds the compiled bot, package.json, the lock file and production dependencies only', () => {
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package-lock.json', 'package.json']);
    expect(readdirSync(join(app, 'dist')).sort()).toEqual(['cards', 'dialogs', 'src']);
    expect(javascriptFiles(join(app, 'dist')).some((f) => f.endsWith('.ts'))).toBe(false);
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    for (const dev of ['tsx', 'typescript', 'vitest', 'azurite', 'esbuild', '@biomejs/biome']) {
      // typescript may stay: i18next names it as an optional peer, which npm keeps; it is never loaded.
      if (dev === 'typescript') continue;
      expect(existsSync(join(app, 'node_modules', dev)), `${dev} in the production node_modules`).toBe(false);
    }
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
    // The locale files the bot imports at run time came along.
    expect(existsSync(join(app, 'dist', 'src', 'i18n', 'locales', 'de', 'help.json'))).toBe(true);
  });

  it('imports, besides its own files and Node built-ins, only production dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const builtins = new Set(builtinModules);
    const unknown = new Set<string>();
    let relative = 0;
    for (const file of javascriptFiles(join(app, 'dist'))) {
      const text = readFileSync(file, 'utf8');
      const statements =
        /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
      for (const m of text.matchAll(statements)) {
        const specifier = (m[1] ?? m[2] ?? m[3])!;
        if (specifier.startsWith('.')) {
          relative++;
          // Node's ESM loader needs the file: the build gave every relative import its .js or .json file.
          expect(specifier, `${file}: ${specifier}`).toMatch(/\.(js|json)$/);
          continue;
        }
        if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
        if (!(packageOf(specifier) in pkg.dependencies)) unknown.add(`${packageOf(specifier)} (${file})`);
      }
    }
    expect(relative).toBeGreaterThan(300);
    expect([...unknown]).toEqual([]);
  });
});

describe('npm start in the staged deployment', () => {
  let bot: ChildProcessWithoutNullStreams | undefined;
  afterAll(() => {
    if (bot && bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
  });

  it('serves /healthz, answers a Teams message, and exits 0 on SIGTERM with nothing on stderr', async () => {
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toBe('node dist/src/index.js');
    const teams = await startCaptureConnector();
    try {
      bot = spawn(process.execPath, ['dist/src/index.js'], {
        cwd: app,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          PIMBOT_MODE: 'playground',
          HOST: '127.0.0.1',
          PORT: '0',
          AAD_APP_TENANT_ID: TENANT_ID,
          AAD_APP_CLIENT_ID: CLIENT_ID,
          AAD_APP_CLIENT_SECRET: fakeSecret('compiled-bot'),
        },
      });
      let stderr = '';
      bot.stderr.setEncoding('utf8');
      bot.stderr.on('data', (chunk: string) => {
        stderr += chunk;
      });
      const exited = once(bot, 'exit');
      const lines = createInterface({ input: bot.stdout });
      const url = await new Promise<string>((resolve, reject) => {
        lines.on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'PIM Bot listening' && entry.url) resolve(entry.url);
        });
        lines.on('close', () => reject(new Error(`the compiled bot exited before listening: ${stderr}`)));
      });

      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'alive' });

      const turn = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: 'compiled-1',
          channelId: 'msteams',
          serviceUrl: teams.serviceUrl,
          from: { id: '29:adele', name: 'Adele Vance' },
          recipient: { id: '28:pim-bot', name: 'PIM Bot' },
          conversation: { id: 'a:adele-personal', conversationType: 'personal', tenantId: TENANT_ID },
          text: 'help',
        }),
      });
      expect(turn.status).toBe(200);
      await teams.waitForCalls(1);
      expect(teams.sentTexts()[0]).toContain("Hi, I'm PIM Bot");

      bot.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
      expect(stderr).toBe('');
    } finally {
      await teams.close();
    }
  }, 90_000);
});
