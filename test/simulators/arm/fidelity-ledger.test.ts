import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * simulators/arm/FIDELITY.md names every error code the ARM simulator can answer with, each with a source
 * (docs path, issue URL, field-guide section or UNVERIFIED + why). The codes are read from the simulator's source.
 */

const read = (p: string) => readFileSync(new URL(`../../../simulators/arm/${p}`, import.meta.url), 'utf8');
const ledger = read('FIDELITY.md');
const table = ledger.slice(ledger.indexOf('## Error codes'), ledger.indexOf('## Behaviours'));
const rows = table
  .split('\n')
  .filter((l) => l.startsWith('| `'))
  .map((l) => l.split('|').map((c) => c.trim()));

function emittedCodes(): string[] {
  const codes = new Set<string>();
  for (const file of ['errors.ts', 'server.ts', 'control.ts']) {
    const text = read(file);
    for (const m of text.matchAll(/new ArmError\(\s*\d+,\s*'([A-Za-z]+)'/g)) codes.add(m[1] as string);
    for (const m of text.matchAll(/cloudError\('([A-Za-z]+)'/g)) codes.add(m[1] as string);
    if (/`\$\{kind\}NotFound`/.test(text)) codes.add('*NotFound');
  }
  return [...codes].sort();
}

describe('ARM simulator fidelity ledger', () => {
  it('reads a dozen or more codes from the simulator (the scan itself works)', () => {
    expect(emittedCodes().length).toBeGreaterThanOrEqual(12);
    expect(emittedCodes()).toContain('RoleAssignmentRequestAcrsValidationFailed');
  });

  it.each(emittedCodes())('%s has a row with a source', (code) => {
    const row = rows.find((r) => r[1]?.startsWith(`\`${code}\``));
    expect(row, `no row for ${code}`).toBeDefined();
    expect(row?.[5]?.length ?? 0).toBeGreaterThan(8);
  });
});
