import { existsSync, globSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTATION_TESTS } from '../vitest.mutate.config';

/**
 * `npm run mutate` (stryker.config.mjs) names the files it mutates and vitest.mutate.config.ts the tests it runs
 * against them: a renamed or moved file would silently drop out of both. Each entry must still name something.
 */

const root = join(import.meta.dirname, '..');

describe('mutation testing configuration', () => {
  it('every mutated path or pattern names existing source files', async () => {
    const configPath = join(root, 'stryker.config.mjs');
    const config = (await import(configPath)) as { MUTATED_FILES: string[]; default: { mutate: string[] } };
    expect(config.default.mutate).toEqual(config.MUTATED_FILES);
    const patterns = config.MUTATED_FILES.filter((p) => !p.startsWith('!'));
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of config.MUTATED_FILES) {
      const path = pattern.replace(/^!/, '');
      expect(globSync(path, { cwd: root }), pattern).not.toEqual([]);
    }
  });

  it('every test file the mutants are run against exists', () => {
    expect(MUTATION_TESTS.length).toBeGreaterThan(10);
    for (const file of MUTATION_TESTS) expect(existsSync(join(root, file)), file).toBe(true);
  });
});
