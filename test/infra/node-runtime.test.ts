import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 21: Node.js 20 reached end of life; App Service runs a supported LTS, and package.json `engines`, the
 * Bicep `linuxFxVersion`, the Toolkit files, the deploy guide and CI agree on it.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/**
 * Node.js LTS lines and their end of life, copied by hand from the Node.js release schedule
 * (github.com/nodejs/Release, README "Release schedule"). Never derived from the files under test.
 */
const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
};

const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const bicep = read('infra/azure.bicep');
const linuxFx = bicep.match(/^ {6}linuxFxVersion: 'NODE\|(\d+)-lts'$/m);
const appServiceMajor = Number(linuxFx?.[1]);
const engines = pkg.engines.node.match(/^>=(\d+)$/);
const oldestMajor = Number(engines?.[1]);

/** The Node.js majors a text names ("Node.js 24", "Node 20", "NODE|24-lts", "node@22"). */
function majorsIn(text: string): number[] {
  return [...text.matchAll(/\b(?:Node(?:\.js)?\s+|NODE\\?\|)(\d{2})\b|\bnode@(\d{2})\b/g)].map((m) =>
    Number(m[1] ?? m[2]),
  );
}

describe('the Node.js runtime', () => {
  it('App Service runs an LTS line that is supported today (infra/azure.bicep linuxFxVersion)', () => {
    expect(linuxFx, "linuxFxVersion: 'NODE|<major>-lts'").not.toBeNull();
    const end = NODE_END_OF_LIFE[appServiceMajor];
    expect(end, `Node.js ${appServiceMajor} is not an LTS line of the schedule`).toBeDefined();
    // Fails once the line reaches its end of life: time to move App Service (and this table) on.
    expect(new Date(`${end}T00:00:00Z`).getTime(), `Node.js ${appServiceMajor} ended ${end}`).toBeGreaterThan(
      Date.now(),
    );
  });

  it('package.json engines allows from a supported LTS line up, App Service’s included; @types/node is the oldest', () => {
    expect(engines, 'engines.node: ">=<major>"').not.toBeNull();
    const end = NODE_END_OF_LIFE[oldestMajor];
    expect(end).toBeDefined();
    expect(new Date(`${end}T00:00:00Z`).getTime()).toBeGreaterThan(Date.now());
    expect(appServiceMajor).toBeGreaterThanOrEqual(oldestMajor);
    // Types of the oldest runtime allowed: the code cannot use an API that runtime lacks.
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${oldestMajor}\\.`));
  });

  it('the Toolkit files, README and the deploy guide name only those runtimes', () => {
    const guide = read('docs/deploy-to-your-tenant.md');
    const section3 = guide.slice(guide.indexOf('## 3. Path A'), guide.indexOf('## 4. Path B'));
    const section42 = guide.slice(guide.indexOf('### 4.2 Azure'), guide.indexOf('### 4.3'));
    const allowed = new Set([oldestMajor, appServiceMajor]);
    for (const [name, text] of [
      ['m365agents.yml', read('m365agents.yml')],
      ['m365agents.local.yml', read('m365agents.local.yml')],
      ['m365agents.playground.yml', read('m365agents.playground.yml')],
      ['README.md', read('README.md')],
      // Node.js 20 only as the line that ended (checked below).
      ['the deploy guide', guide.replace('Node.js 20 reached end of life', '')],
    ] as const) {
      expect(
        majorsIn(text).filter((m) => !allowed.has(m)),
        name,
      ).toEqual([]);
    }
    // Node.js 20 appears in the guide only as the line that ended.
    expect(section3).toMatch(/Node\.js 20 reached end of life on 2026-04-30/);
    expect(section3).toContain(`NODE\\|${appServiceMajor}-lts`);
    expect(section42).toContain(`NODE|${appServiceMajor}-lts`);
    expect(read('m365agents.yml')).toContain(`Node.js ${appServiceMajor} LTS`);
    expect(read('README.md')).toContain(`Node.js ${oldestMajor} or ${appServiceMajor}`);
  });

  it('CI runs the suite on the oldest allowed line and again, shuffled with a printed seed, on App Service’s', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(new RegExp(`^FIRST_NODE=${oldestMajor}$`, 'm'));
    expect(ci).toMatch(new RegExp(`^SECOND_NODE=${appServiceMajor}$`, 'm'));
    // The runtimes come from the npm registry's `node` package, never from another download.
    expect(ci).toContain('"node@$major"');
    expect(ci).not.toMatch(/\b(curl|wget)\b|nodejs\.org/);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^npx vitest run --sequence\.shuffle --sequence\.seed="\$SEED"$/m);
    expect(ci).toMatch(/^echo .*seed \$SEED/m);
  });
});
