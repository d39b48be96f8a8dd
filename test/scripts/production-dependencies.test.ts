import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 21: the deploy zip is assembled on the admin's machine (Windows, macOS or Linux) and runs on Linux App
 * Service, so no production dependency may hold code built for the deploying machine. What
 * `npm ci --omit=dev --ignore-scripts` installs is what package-lock.json lists without `dev: true`
 * (docs.npmjs.com/cli/configuring-npm/package-lock-json: `dev`, `optional`, `hasInstallScript`, `os`, `cpu`).
 */

const ROOT = join(import.meta.dirname, '..', '..');

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  hasInstallScript?: boolean;
  os?: string[];
  cpu?: string[];
}

const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev);

/**
 * Install scripts in the production tree, each with why it does no harm when it does not run (the deploy
 * passes --ignore-scripts; package.json's allowScripts refuses both too).
 */
const KNOWN_INSTALL_SCRIPTS: Record<string, string> = {
  // postinstall: `npx rimraf` of nested copies of @microsoft/recognizers-text-number, a deduplication; the
  // nested copies are identical JavaScript.
  'node_modules/botbuilder-dialogs': 'deduplication only (JavaScript)',
  // restify's optionalDependency: `node-gyp rebuild` of DTrace probes (macOS, Solaris, FreeBSD). Without the
  // binary it uses its own JavaScript stub (dtrace-provider.js: DTraceProviderStub), which is what Linux
  // App Service runs.
  'node_modules/dtrace-provider': 'optional DTrace probes with a JavaScript fallback',
};

/** Files in a package that only a native build produces or consumes. */
function nativeFiles(dir: string, depth = 0): string[] {
  if (depth > 6 || !existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return []; // nested packages are their own lock entries
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return nativeFiles(path, depth + 1);
    return name.endsWith('.node') || name === 'binding.gyp' ? [path] : [];
  });
}

describe('production dependencies (npm ci --omit=dev)', () => {
  it('are all platform-neutral: no os/cpu-specific package, no compiled addon', () => {
    expect(production.length).toBeGreaterThan(100);
    const platformSpecific = production.filter(([, e]) => e.os || e.cpu).map(([path]) => path);
    expect(platformSpecific, 'a package built for one platform (e.g. @esbuild/linux-x64)').toEqual([]);
    const withNativeFiles = production
      .filter(([path]) => !(path in KNOWN_INSTALL_SCRIPTS))
      .flatMap(([path]) => nativeFiles(join(ROOT, path)).map((f) => f.slice(ROOT.length + 1)));
    expect(withNativeFiles).toEqual([]);
  });

  it('have install scripts only where not running them is harmless', () => {
    const withScripts = production.filter(([, e]) => e.hasInstallScript).map(([path]) => path);
    expect(withScripts.sort()).toEqual(Object.keys(KNOWN_INSTALL_SCRIPTS).sort());
    expect(lock.packages['node_modules/dtrace-provider']?.optional).toBe(true);
    // The stub the bot gets without a binary: the published module's own fallback.
    const provider = readFileSync(join(ROOT, 'node_modules/dtrace-provider/dtrace-provider.js'), 'utf8');
    expect(provider).toContain('DTraceProvider = DTraceProviderStub');
  });

  it('leave out tsx, esbuild and the rest of the development tools', () => {
    const names = new Set(production.map(([path]) => path.replace(/^.*node_modules\//, '')));
    for (const tool of ['tsx', 'esbuild', 'vitest', 'azurite', '@biomejs/biome', 'playwright-core']) {
      expect(names.has(tool), `${tool} is a production dependency`).toBe(false);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
  });

  it('do not load spdy/http-deceiver, which needs process.binding("http_parser") (gone in Node.js 24)', () => {
    // restify 11 required spdy at load time; restify 12 dropped it (nodejs/node DEP0111, restify issue #1984).
    const names = new Set(production.map(([path]) => path.replace(/^.*node_modules\//, '')));
    expect(names.has('http-deceiver')).toBe(false);
    expect(names.has('spdy')).toBe(false);
  });
});
