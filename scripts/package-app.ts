/**
 * `npm run package [-- --env local|playground|dev]`: the Teams app package, without the Toolkit.
 *
 * Reads env/.env.<env> (default dev) for TEAMS_APP_ID, BOT_ID and BOT_DOMAIN, fills the `${{NAME}}`
 * placeholders of appPackage/manifest.json (as the Microsoft 365 Agents Toolkit's teamsApp/zipAppPackage
 * does), validates the result against the official Teams manifest schema shipped in @microsoft/app-manifest
 * plus PIM Bot's own SSO rules, checks the icons' PNG headers, and writes
 * appPackage/build/appPackage.<env>.zip with manifest.json, color.png and outline.png at its root.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { ZipFile } from 'yazl';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Variables the manifest template needs, and what each one is. */
export const MANIFEST_VARIABLES = {
  TEAMS_APP_ID: 'the Teams app id (a GUID; teamsApp/create writes it)',
  BOT_ID: "the bot's Entra app registration client id (a GUID; aadApp/create writes it)",
  BOT_DOMAIN: 'the host name where Teams reaches the bot, e.g. pimbot.azurewebsites.net (arm/deploy writes it)',
} as const;

export const COLOR_ICON = { width: 192, height: 192 };
export const OUTLINE_ICON = { width: 32, height: 32 };

/** Microsoft's login service for the Azure Bot OAuth connection: Teams SSO needs it in validDomains. */
export const TOKEN_SERVICE_DOMAIN = 'token.botframework.com';

/** Every manifest.json, color.png and outline.png date in the zip: the same input gives the same bytes. */
const ZIP_DATE = new Date('2000-01-01T00:00:00Z');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/i;
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** A packaging failure: the message names the file or field and says what to do. */
export class PackageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The Teams app package was not built:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

export interface PackageOptions {
  /** Environment name: env/.env.<env> holds the values. Default 'dev'. */
  env?: string;
  /** Where env/.env.<env> is. Default <repo>/env. */
  envDir?: string;
  /** Where manifest.json and the icons are. Default <repo>/appPackage. */
  appPackageDir?: string;
  /** Where the zip goes. Default <appPackageDir>/build. */
  outDir?: string;
  /** Values that win over the env file (default: process.env's TEAMS_APP_ID, BOT_ID, BOT_DOMAIN). */
  overrides?: Record<string, string | undefined>;
}

export interface PackageResult {
  zipPath: string;
  /** The filled-in manifest, also written next to the zip as manifest.<env>.json. */
  manifest: Record<string, unknown>;
  /** Entry names in the zip, in order. */
  entries: string[];
  bytes: number;
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** An alpha channel (colour types 4 and 6) or a tRNS chunk. */
  hasAlpha: boolean;
}

/** Width, height and colour type from a PNG's header (signature, IHDR, and whether a tRNS chunk follows). */
export function readPngInfo(png: Uint8Array, name = 'image'): PngInfo {
  const buf = Buffer.from(png);
  const signature = '89504e470d0a1a0a';
  if (buf.length < 33 || buf.toString('hex', 0, 8) !== signature || buf.toString('latin1', 12, 16) !== 'IHDR') {
    throw new PackageError([`${name} is not a PNG file (no PNG signature and IHDR header).`]);
  }
  const colorType = buf[25]!;
  let hasTrns = false;
  for (let offset = 8; offset + 8 <= buf.length; ) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    if (type === 'tRNS') hasTrns = true;
    if (type === 'IDAT' || type === 'IEND') break;
    offset += 12 + length;
  }
  return {
    width: buf.readUInt32BE(16),
    height: buf.readUInt32BE(20),
    bitDepth: buf[24]!,
    colorType,
    hasAlpha: colorType === 4 || colorType === 6 || hasTrns,
  };
}

/** The values of env/.env.<env>, with overrides winning. Fails naming the file when it does not exist. */
export function readEnvironment(
  env: string,
  envDir: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(env)) {
    throw new PackageError([`--env must be an environment name such as dev, local or playground (got "${env}").`]);
  }
  const file = join(envDir, `.env.${env}`);
  if (!existsSync(file)) {
    throw new PackageError([
      `${relative(ROOT, file) || file} does not exist. Create it, or pick --env dev|local|playground.`,
    ]);
  }
  const values: Record<string, string> = { ...(parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) };
  for (const [name, value] of Object.entries(overrides)) if (value) values[name] = value;
  return values;
}

/** Checks the three manifest variables: present, and each of the right shape. */
function checkVariables(values: Record<string, string>, env: string, envFile: string): string[] {
  const problems: string[] = [];
  for (const [name, meaning] of Object.entries(MANIFEST_VARIABLES)) {
    const value = values[name]?.trim();
    if (!value) {
      problems.push(
        `${name} is empty in ${envFile}: set it to ${meaning}. \`atk provision --env ${env}\` fills it; see docs/deploy-to-your-tenant.md.`,
      );
    } else if (name === 'BOT_DOMAIN' ? !HOST.test(value) : !GUID.test(value)) {
      problems.push(
        name === 'BOT_DOMAIN'
          ? `BOT_DOMAIN in ${envFile} must be a host name without scheme or path, e.g. pimbot.azurewebsites.net (got "${value.slice(0, 80)}").`
          : `${name} in ${envFile} must be a GUID (got "${value.slice(0, 80)}").`,
      );
    }
  }
  return problems;
}

/** Replaces every `${{NAME}}` with its value (JSON-escaped); names without a value are reported. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  const missing = new Set<string>();
  const filled = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') {
      missing.add(name);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new PackageError(
      [...missing].map((name) => `The manifest uses \${{${name}}} but ${name} has no value in the environment file.`),
    );
  }
  return filled;
}

/**
 * The official Teams manifest JSON schema for a manifest's `$schema` URL, from the copy shipped in
 * @microsoft/app-manifest (never fetched: packaging works offline). Draft-04, like every Teams schema.
 */
export function loadManifestSchema(schemaUrl: unknown): Record<string, unknown> {
  const match =
    typeof schemaUrl === 'string'
      ? /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i.exec(
          schemaUrl,
        )
      : null;
  if (!match) {
    throw new PackageError([
      `$schema must be a Teams manifest schema URL such as https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json (got ${JSON.stringify(schemaUrl)}).`,
    ]);
  }
  const packageDir = dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
  const file = join(packageDir, 'build', 'json-schemas', 'teams', match[1]!, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) {
    throw new PackageError([
      `The installed @microsoft/app-manifest has no Teams schema ${match[1]}; pick a manifestVersion it ships (node_modules/@microsoft/app-manifest/build/json-schemas/teams).`,
    ]);
  }
  // The same clean-up the package applies before compiling: \a and \v are not valid in JavaScript regexes.
  return JSON.parse(readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b'));
}

/** "/bots/0/botId" → "bots[0].botId"; the root is "manifest". */
function fieldName(instancePath: string, property?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (property) parts.push(property);
  if (parts.length === 0) return 'manifest';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Schema errors from @microsoft/app-manifest's validator (ajv 8 with the draft-04 dialect), each rewritten
 * to name the field: "bots[0].botId must match pattern …".
 */
export async function schemaProblems(manifest: Record<string, unknown>): Promise<string[]> {
  const schema = loadManifestSchema(manifest.$schema);
  // The package's own validator: ajv 8 (ajv-draft-04, allErrors, formats uri/email/regex).
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
  return errors.map((line) => {
    const m = /^(\S*) (.*?)\. Details: (.*)$/s.exec(line);
    if (!m) return `manifest: ${line}`;
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(m[3]!) as Record<string, unknown>;
    } catch {
      // keep the message without details
    }
    const property = [params.missingProperty, params.additionalProperty].find((p) => typeof p === 'string') as
      | string
      | undefined;
    const field = fieldName(m[1]!, property);
    const detail =
      typeof params.allowedValues === 'object' ? ` (allowed: ${JSON.stringify(params.allowedValues)})` : '';
    return `${field}: ${m[2]}${detail}.`;
  });
}

/** PIM Bot's own rules on top of the schema: what Teams SSO and the bot need to work. */
export function pimBotProblems(manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const bots = Array.isArray(manifest.bots) ? (manifest.bots as Record<string, unknown>[]) : [];
  const bot = bots[0];
  const app = (manifest.webApplicationInfo ?? {}) as Record<string, unknown>;
  if (!bot) {
    problems.push('bots[0] is missing: PIM Bot is a bot app.');
  } else {
    const scopes = Array.isArray(bot.scopes) ? bot.scopes : [];
    for (const scope of ['personal', 'team', 'groupChat']) {
      if (!scopes.includes(scope)) problems.push(`bots[0].scopes must include "${scope}".`);
    }
    if (bot.supportsFiles !== false) problems.push('bots[0].supportsFiles must be false.');
    if (bot.isNotificationOnly !== false) problems.push('bots[0].isNotificationOnly must be false: PIM Bot converses.');
  }
  if (!manifest.webApplicationInfo) {
    problems.push('webApplicationInfo is missing: Teams SSO needs {id: BOT_ID, resource: "api://botid-<BOT_ID>"}.');
  } else {
    if (!bot || app.id !== bot.botId) {
      problems.push('webApplicationInfo.id must be the bot id (bots[0].botId): the bot app registration does the SSO.');
    }
    if (typeof app.resource !== 'string' || app.resource === '') {
      problems.push(
        'webApplicationInfo.resource is missing: set it to "api://botid-<BOT_ID>", the Application ID URI of the bot app registration (the OAuth connection\'s token exchange URL).',
      );
    } else if (app.resource !== `api://botid-${String(app.id)}`) {
      problems.push(`webApplicationInfo.resource must be "api://botid-${String(app.id)}" (got "${app.resource}").`);
    }
  }
  const domains = Array.isArray(manifest.validDomains) ? manifest.validDomains : [];
  if (!domains.includes(TOKEN_SERVICE_DOMAIN)) {
    problems.push(`validDomains must include ${TOKEN_SERVICE_DOMAIN} (the Bot Framework token service, for SSO).`);
  }
  return problems;
}

/** The icon files the manifest names, read and checked: sizes, PNG, and an alpha channel for the outline. */
export function iconProblems(
  manifest: Record<string, unknown>,
  appPackageDir: string,
): { problems: string[]; files: Map<string, Buffer> } {
  const problems: string[] = [];
  const files = new Map<string, Buffer>();
  const icons = (manifest.icons ?? {}) as Record<string, unknown>;
  const expected = [
    { field: 'icons.color', size: COLOR_ICON, needsAlpha: false },
    { field: 'icons.outline', size: OUTLINE_ICON, needsAlpha: true },
  ];
  for (const { field, size, needsAlpha } of expected) {
    const name = icons[field.split('.')[1]!];
    if (typeof name !== 'string' || !/^[\w.-]+\.png$/i.test(name)) {
      problems.push(`${field} must name a PNG file next to manifest.json, e.g. "${field.split('.')[1]}.png".`);
      continue;
    }
    const file = join(appPackageDir, name);
    if (!existsSync(file)) {
      problems.push(`${field}: ${name} does not exist in ${relative(ROOT, appPackageDir) || appPackageDir}.`);
      continue;
    }
    const bytes = readFileSync(file);
    try {
      const info = readPngInfo(bytes, `${field} (${name})`);
      if (info.width !== size.width || info.height !== size.height) {
        problems.push(
          `${field} (${name}) is ${info.width}×${info.height} pixels; Teams needs ${size.width}×${size.height}.`,
        );
      }
      if (needsAlpha && !info.hasAlpha) {
        problems.push(
          `${field} (${name}) has no transparency; Teams needs a white outline on a transparent background.`,
        );
      }
    } catch (err) {
      problems.push(err instanceof PackageError ? err.problems.join(' ') : String(err));
    }
    files.set(name, bytes);
  }
  return { problems, files };
}

/** Schema, PIM Bot rules and icons; throws one PackageError listing everything wrong. */
export async function validateAppPackage(
  manifest: Record<string, unknown>,
  appPackageDir: string,
): Promise<Map<string, Buffer>> {
  const { problems: icons, files } = iconProblems(manifest, appPackageDir);
  const problems = [...(await schemaProblems(manifest)), ...pimBotProblems(manifest), ...icons];
  if (problems.length > 0) throw new PackageError(problems);
  return files;
}

function writeZip(zipPath: string, entries: [name: string, bytes: Buffer][]): Promise<number> {
  const zip = new ZipFile();
  for (const [name, bytes] of entries) zip.addBuffer(bytes, name, { mtime: ZIP_DATE, mode: 0o100644 });
  zip.end();
  return new Promise((resolve, reject) => {
    const out = createWriteStream(zipPath);
    let bytes = 0;
    zip.outputStream.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    zip.outputStream.on('error', reject);
    out.on('error', reject);
    out.on('close', () => resolve(bytes));
    zip.outputStream.pipe(out);
  });
}

/** Builds appPackage/build/appPackage.<env>.zip. Throws PackageError naming every problem. */
export async function packageApp(options: PackageOptions = {}): Promise<PackageResult> {
  const env = options.env ?? 'dev';
  const envDir = options.envDir ?? join(ROOT, 'env');
  const appPackageDir = options.appPackageDir ?? join(ROOT, 'appPackage');
  const outDir = options.outDir ?? join(appPackageDir, 'build');
  const overrides = options.overrides ?? {
    TEAMS_APP_ID: process.env.TEAMS_APP_ID,
    BOT_ID: process.env.BOT_ID,
    BOT_DOMAIN: process.env.BOT_DOMAIN,
  };

  const envFile = relative(ROOT, join(envDir, `.env.${env}`)) || `.env.${env}`;
  const values = readEnvironment(env, envDir, overrides);
  const variableProblems = checkVariables(values, env, envFile);
  if (variableProblems.length > 0) throw new PackageError(variableProblems);

  const templateFile = join(appPackageDir, 'manifest.json');
  const filled = fillPlaceholders(readFileSync(templateFile, 'utf8'), values);
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(filled) as Record<string, unknown>;
  } catch (err) {
    throw new PackageError([`manifest.json is not valid JSON after filling placeholders: ${(err as Error).message}`]);
  }
  const icons = await validateAppPackage(manifest, appPackageDir);

  mkdirSync(outDir, { recursive: true });
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(outDir, `manifest.${env}.json`), manifestBytes);
  const entries: [string, Buffer][] = [['manifest.json', manifestBytes], ...icons];
  const zipPath = join(outDir, `appPackage.${env}.zip`);
  const bytes = await writeZip(zipPath, entries);
  return { zipPath, manifest, entries: entries.map(([name]) => name), bytes };
}

/** `--env dev`, `--env=dev`; anything else is refused with the usage. */
export function parseArgs(argv: readonly string[]): { env: string } {
  let env = 'dev';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--env' && argv[i + 1]) env = argv[++i]!;
    else if (arg.startsWith('--env=')) env = arg.slice('--env='.length);
    else throw new PackageError([`Unknown argument "${arg}". Usage: npm run package -- [--env dev|local|playground]`]);
  }
  return { env };
}

async function main(): Promise<void> {
  try {
    const { env } = parseArgs(process.argv.slice(2));
    const result = await packageApp({ env });
    const app = result.manifest as { id?: string; version?: string; manifestVersion?: string };
    process.stdout.write(
      `Teams app package for "${env}": ${relative(ROOT, result.zipPath)} (${result.bytes} bytes)\n` +
        `  entries: ${result.entries.join(', ')}\n` +
        `  app id ${app.id}, version ${app.version}, manifest schema ${app.manifestVersion}: valid\n`,
    );
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
