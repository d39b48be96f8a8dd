import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  COLOR_ICON_SIZE,
  decodePng,
  drawColorIcon,
  drawOutlineIcon,
  encodePng,
  OUTLINE_ICON_SIZE,
} from '../../scripts/make-icons';
import {
  fillPlaceholders,
  loadManifestSchema,
  PackageError,
  packageApp,
  parseArgs,
  pimBotProblems,
  readPngInfo,
  schemaProblems,
  validateAppPackage,
} from '../../scripts/package-app';
import { DEMO_BOT_CLIENT_ID } from '../../simulators/demo-app';
import { BUILT_IN_ROLE_NAMES } from '../../src/commands/built-in-role-names';
import type { Command } from '../../src/commands/command';
import { parseCommand } from '../../src/commands/command-parser';
import { readZip } from './zip-reader';

const root = fileURLToPath(new URL('../..', import.meta.url));
const appPackageDir = join(root, 'appPackage');
const template = readFileSync(join(appPackageDir, 'manifest.json'), 'utf8');

const SAMPLE = {
  TEAMS_APP_ID: '6f1c2a57-58c4-4d8e-9a0e-3f7b2c1d9e01',
  BOT_ID: '0c7e1b2a-9d3f-4e5a-8b6c-1d2e3f4a5b6c',
  BOT_DOMAIN: 'pimbot-contoso.azurewebsites.net',
};

/** `${{NAME}}`, spelled without a template string. */
const placeholder = (name: string) => `$${'{{'}${name}}}`;

function sampleManifest(): Record<string, unknown> {
  return JSON.parse(fillPlaceholders(template, SAMPLE)) as Record<string, unknown>;
}

async function problemsOf(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (err) {
    if (err instanceof PackageError) return [...err.problems];
    throw err;
  }
  return [];
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pimbot-app-package-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function envDirWith(values: Record<string, string>, env = 'test'): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, `.env.${env}`),
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  return dir;
}

describe('the manifest template', () => {
  it('uses the newest Teams manifest schema that @microsoft/app-manifest ships (a draft-04 JSON schema)', () => {
    const packageDir = dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
    const versions = readdirSync(join(packageDir, 'build', 'json-schemas', 'teams'))
      .filter((v) => /^v\d+\.\d+$/.test(v))
      .map((v) => v.slice(1))
      .sort((a, b) => {
        const [aMajor, aMinor] = a.split('.').map(Number);
        const [bMajor, bMinor] = b.split('.').map(Number);
        return aMajor! - bMajor! || aMinor! - bMinor!;
      });
    const manifest = sampleManifest();
    expect(manifest.manifestVersion).toBe(versions.at(-1));
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${versions.at(-1)}/MicrosoftTeams.schema.json`,
    );
    expect(loadManifestSchema(manifest.$schema).$schema).toBe('http://json-schema.org/draft-04/schema#');
  });

  it('filled with sample values, is valid against the official Teams schema and PIM Bot’s SSO rules', async () => {
    const manifest = sampleManifest();
    expect(await schemaProblems(manifest)).toEqual([]);
    expect(pimBotProblems(manifest)).toEqual([]);
    await expect(validateAppPackage(manifest, appPackageDir)).resolves.toBeInstanceOf(Map);
  });

  it('declares the bot for personal, team and group chats with SSO through the bot app', () => {
    const manifest = sampleManifest() as {
      bots: { botId: string; scopes: string[]; supportsFiles: boolean; isNotificationOnly: boolean }[];
      webApplicationInfo: { id: string; resource: string };
      validDomains: string[];
      name: { full: string };
    };
    expect(manifest.bots[0]).toMatchObject({
      botId: SAMPLE.BOT_ID,
      scopes: ['personal', 'team', 'groupChat'],
      supportsFiles: false,
      isNotificationOnly: false,
    });
    expect(manifest.webApplicationInfo).toEqual({ id: SAMPLE.BOT_ID, resource: `api://botid-${SAMPLE.BOT_ID}` });
    expect(manifest.validDomains).toEqual(['token.botframework.com', SAMPLE.BOT_DOMAIN]);
    expect(manifest.name.full).toBe('PIM Bot — just-in-time Entra roles in Teams');
    expect(template).toContain(placeholder('TEAMS_APP_ID'));
  });

  it('lists every chat command the bot understands, per scope, and nothing the parser does not read as itself', () => {
    // Where a hint for each command the parser returns belongs. The compiler checks the list is complete: a new
    // command type fails to compile here until its place in the manifest is decided.
    const WHERE = {
      help: 'everywhere',
      roles: 'everywhere',
      active: 'everywhere',
      cancel: 'everywhere',
      pending: 'everywhere',
      activate: 'everywhere',
      deactivate: 'everywhere',
      // Channel feed commands: a group chat or the 1:1 chat answers that they work in a team channel.
      subscribe: 'channel',
      unsubscribe: 'channel',
      subscriptions: 'channel',
      // A phrase ("cancel my request"), not a one-word hint; and the catch-all.
      cancelRequest: 'none',
      unknown: 'none',
    } as const satisfies Record<Command['type'], 'everywhere' | 'channel' | 'none'>;
    const types = Object.keys(WHERE) as Command['type'][];
    const expected = (scope: string) =>
      types.filter((t) => WHERE[t] === 'everywhere' || (WHERE[t] === 'channel' && scope === 'team'));

    const lists = (
      sampleManifest() as { bots: { commandLists: { scopes: string[]; commands: { title: string }[] }[] }[] }
    ).bots[0]!.commandLists;
    const titles = (scope: string) => lists.find((l) => l.scopes.includes(scope))?.commands.map((c) => c.title) ?? [];
    for (const scope of ['personal', 'team', 'groupChat']) {
      // Clicking a hint sends its title: the parser must read it as that very command.
      for (const title of titles(scope)) {
        expect(parseCommand(title, { targetNames: BUILT_IN_ROLE_NAMES }).type, `${scope} hint "${title}"`).toBe(title);
      }
      // And every command that belongs in the scope has its hint.
      expect(new Set(titles(scope)), scope).toEqual(new Set(expected(scope)));
    }
  });
});

describe('validation rejects a broken manifest, naming the field', () => {
  it('without webApplicationInfo.resource', async () => {
    const manifest = sampleManifest();
    delete (manifest.webApplicationInfo as Record<string, unknown>).resource;
    // The Teams schema allows it (resource is optional there); Teams SSO does not.
    expect(await schemaProblems(manifest)).toEqual([]);
    const problems = await problemsOf(() => validateAppPackage(manifest, appPackageDir));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^webApplicationInfo\.resource is missing: set it to "api:\/\/botid-<BOT_ID>"/);
  });

  it('with a resource that is not the bot’s api://botid- URI, or SSO through another app', () => {
    const manifest = sampleManifest();
    manifest.webApplicationInfo = { id: SAMPLE.TEAMS_APP_ID, resource: `api://${SAMPLE.BOT_DOMAIN}` };
    expect(pimBotProblems(manifest)).toEqual([
      'webApplicationInfo.id must be the bot id (bots[0].botId): the bot app registration does the SSO.',
      `webApplicationInfo.resource must be "api://botid-${SAMPLE.TEAMS_APP_ID}" (got "api://${SAMPLE.BOT_DOMAIN}").`,
    ]);
  });

  it('without token.botframework.com in validDomains', () => {
    const manifest = sampleManifest();
    manifest.validDomains = [SAMPLE.BOT_DOMAIN];
    expect(pimBotProblems(manifest)).toEqual([
      'validDomains must include token.botframework.com (the Bot Framework token service, for SSO).',
    ]);
  });

  it('that breaks the official schema', async () => {
    const manifest = sampleManifest();
    (manifest.bots as Record<string, unknown>[])[0]!.botId = 'not-a-guid';
    manifest.accentColor = 'blue';
    manifest.unexpected = true;
    delete manifest.developer;
    const problems = await schemaProblems(manifest);
    expect(problems).toContain(
      'bots[0].botId: must match pattern "^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$".',
    );
    expect(problems).toContain('unexpected: must NOT have additional properties.');
    expect(problems).toContain("developer: must have required property 'developer'.");
    expect(problems.some((p) => p.startsWith('accentColor: must match pattern'))).toBe(true);
  });

  it('with a colour icon of the wrong size, or an outline icon without transparency', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'manifest.json'), template);
    writeFileSync(join(dir, 'color.png'), encodePng(drawColorIcon(100)));
    // Colour type 2 (RGB, no alpha) at the right size.
    const rgb = Buffer.from(encodePng(drawOutlineIcon()));
    rgb[25] = 2;
    writeFileSync(join(dir, 'outline.png'), rgb);
    const problems = await problemsOf(() =>
      packageApp({ env: 'test', envDir: envDirWith(SAMPLE), appPackageDir: dir, outDir: tempDir() }),
    );
    expect(problems).toEqual([
      'icons.color (color.png) is 100×100 pixels; Teams needs 192×192.',
      'icons.outline (outline.png) has no transparency; Teams needs a white outline on a transparent background.',
    ]);
  });

  it('with an icon that is not a PNG, or missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'manifest.json'), template);
    writeFileSync(join(dir, 'color.png'), 'GIF89a');
    const problems = await problemsOf(() =>
      packageApp({ env: 'test', envDir: envDirWith(SAMPLE), appPackageDir: dir, outDir: tempDir() }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('icons.color (color.png) is not a PNG file (no PNG signature and IHDR header).');
    expect(problems[1]).toMatch(/^icons\.outline: outline\.png does not exist in /);
  });
});

describe('the icons', () => {
  const color = readFileSync(join(appPackageDir, 'color.png'));
  const outline = readFileSync(join(appPackageDir, 'outline.png'));

  it('are PNGs of the sizes Teams needs: colour 192×192, outline 32×32 with an alpha channel', () => {
    expect(readPngInfo(color)).toMatchObject({ width: 192, height: 192, bitDepth: 8 });
    expect(readPngInfo(outline)).toMatchObject({ width: 32, height: 32, bitDepth: 8, colorType: 6, hasAlpha: true });
    expect(COLOR_ICON_SIZE).toBe(192);
    expect(OUTLINE_ICON_SIZE).toBe(32);
  });

  it('outline: white on transparent, with both see-through and solid pixels', () => {
    const { data } = decodePng(outline);
    const alphas = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      alphas.add(data[i + 3]!);
      if (data[i + 3]! > 0) expect([data[i], data[i + 1], data[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(alphas.has(0)).toBe(true);
    expect(alphas.has(255)).toBe(true);
  });

  it('colour: opaque, in colour (not greyscale)', () => {
    const { data } = decodePng(color);
    let coloured = 0;
    let seeThrough = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] !== 255) seeThrough++;
      if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) coloured++;
    }
    expect(seeThrough).toBe(0);
    expect(coloured).toBeGreaterThan((data.length / 4) * 0.3);
  });

  it('are what scripts/make-icons.ts draws (regenerate and commit them together)', () => {
    expect(Buffer.from(decodePng(color).data)).toEqual(Buffer.from(drawColorIcon().data));
    expect(Buffer.from(decodePng(outline).data)).toEqual(Buffer.from(drawOutlineIcon().data));
  });
});

describe('npm run package (packageApp)', () => {
  it('writes a zip of exactly manifest.json, color.png and outline.png with every placeholder filled', async () => {
    const outDir = tempDir();
    const result = await packageApp({ env: 'test', envDir: envDirWith(SAMPLE), outDir, overrides: {} });
    expect(result.zipPath).toBe(join(outDir, 'appPackage.test.zip'));
    expect(result.entries).toEqual(['manifest.json', 'color.png', 'outline.png']);

    const zip = readZip(readFileSync(result.zipPath));
    expect([...zip.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifestText = zip.get('manifest.json')!.toString('utf8');
    expect(manifestText).not.toMatch(/\$\{\{/);
    const manifest = JSON.parse(manifestText) as Record<string, unknown>;
    expect(manifest).toEqual(result.manifest);
    expect(manifest.id).toBe(SAMPLE.TEAMS_APP_ID);
    expect(await schemaProblems(manifest)).toEqual([]);
    expect(zip.get('color.png')).toEqual(readFileSync(join(appPackageDir, 'color.png')));
    expect(zip.get('outline.png')).toEqual(readFileSync(join(appPackageDir, 'outline.png')));
    expect(JSON.parse(readFileSync(join(outDir, 'manifest.test.json'), 'utf8'))).toEqual(manifest);
  });

  it('gives the same bytes for the same input', async () => {
    const envDir = envDirWith(SAMPLE);
    const a = await packageApp({ env: 'test', envDir, outDir: tempDir(), overrides: {} });
    const b = await packageApp({ env: 'test', envDir, outDir: tempDir(), overrides: {} });
    expect(readFileSync(a.zipPath)).toEqual(readFileSync(b.zipPath));
  });

  it('packages the committed playground environment with its safe placeholders (the demo bot id)', async () => {
    const result = await packageApp({ env: 'playground', outDir: tempDir(), overrides: {} });
    const manifest = result.manifest as { bots: { botId: string }[]; validDomains: string[] };
    expect(manifest.bots[0]!.botId).toBe(DEMO_BOT_CLIENT_ID);
    expect(manifest.validDomains).toContain('localhost');
  });

  it('refuses an environment whose values are not provisioned yet, naming each variable and the file', async () => {
    const problems = await problemsOf(() =>
      packageApp({
        env: 'test',
        envDir: envDirWith({ TEAMS_APP_ID: '', BOT_ID: 'abc', BOT_DOMAIN: 'https://pimbot.example.com/' }),
        outDir: tempDir(),
        overrides: {},
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^TEAMS_APP_ID is empty in .*\.env\.test: set it to the Teams app id/);
    expect(problems[1]).toMatch(/^BOT_ID in .*\.env\.test must be a GUID \(got "abc"\)\.$/);
    expect(problems[2]).toMatch(/^BOT_DOMAIN in .*\.env\.test must be a host name without scheme or path/);
  });

  it('lets the environment override the env file, and refuses a missing env file', async () => {
    const result = await packageApp({
      env: 'test',
      envDir: envDirWith({ ...SAMPLE, BOT_DOMAIN: '' }),
      outDir: tempDir(),
      overrides: { BOT_DOMAIN: 'pimbot.contoso.com' },
    });
    expect((result.manifest as { validDomains: string[] }).validDomains).toContain('pimbot.contoso.com');
    const problems = await problemsOf(() => packageApp({ env: 'nope', envDir: tempDir(), overrides: {} }));
    expect(problems[0]).toMatch(/\.env\.nope does not exist/);
  });

  it('reports a placeholder without a value', () => {
    expect(() => fillPlaceholders(`{"a":"${placeholder('NOT_SET')}"}`, {})).toThrow(
      `The manifest uses ${placeholder('NOT_SET')} but NOT_SET has no value in the environment file.`,
    );
    expect(fillPlaceholders(`{"a":"${placeholder('X')}"}`, { X: 'say "hi"' })).toBe('{"a":"say \\"hi\\""}');
  });

  it('takes --env NAME or --env=NAME, default dev', () => {
    expect(parseArgs([])).toEqual({ env: 'dev' });
    expect(parseArgs(['--env', 'playground'])).toEqual({ env: 'playground' });
    expect(parseArgs(['--env=local'])).toEqual({ env: 'local' });
    expect(() => parseArgs(['--zip'])).toThrow(PackageError);
  });

  it('packages a copied app package folder too (icons found next to the manifest)', async () => {
    const dir = tempDir();
    cpSync(appPackageDir, dir, { recursive: true, filter: (src) => !src.includes(`${join('appPackage', 'build')}`) });
    const result = await packageApp({ env: 'test', envDir: envDirWith(SAMPLE), appPackageDir: dir, overrides: {} });
    expect(result.zipPath).toBe(join(dir, 'build', 'appPackage.test.zip'));
  });
});
