import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../../simulators/graph/rules-engine';

const SIM_DIR = join(__dirname, '../../../simulators/graph');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * Every error code the simulator source can put on the wire: literal codes given to GraphError, codes
 * written straight into an envelope (`code: '...'`, `errorCode: '...'`, also inside JSON messages), and
 * the named PIM codes. Read from the source so a new code cannot slip past the ledger.
 */
function emittedCodes(): Set<string> {
  const codes = new Set<string>(Object.values(errorCodes));
  const patterns = [
    /new GraphError\(\s*\d+\s*,\s*'([A-Za-z_]+)'/g,
    /\bcode:\s*'([A-Za-z_]+)'/g,
    /\berrorCode:\s*'([A-Za-z_]+)'/g,
    /"errorCode":\s*"([A-Za-z_]+)"/g,
  ];
  for (const file of sourceFiles(SIM_DIR)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) if (m[1]) codes.add(m[1]);
  }
  return codes;
}

/** Codes with a non-empty source in the ledger's "Error codes" table. */
function ledgerCodes(): Map<string, string> {
  const text = readFileSync(join(SIM_DIR, 'FIDELITY.md'), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Error codes')) ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = /^`([A-Za-z_]+)`/.exec(cells[1] ?? '')?.[1];
    const source = cells[cells.length - 2] ?? '';
    if (code && source) rows.set(code, source);
  }
  return rows;
}

describe('fidelity ledger', () => {
  it('lists every error code the simulator can emit, each with a source', () => {
    const emitted = emittedCodes();
    const ledger = ledgerCodes();
    const missing = [...emitted].filter((c) => !ledger.has(c)).sort();
    console.log(
      `fidelity ledger: ${emitted.size} codes emitted by the simulator, ${missing.length} missing from FIDELITY.md`,
    );
    // A sanity floor so a broken scan (0 codes found) cannot pass silently.
    expect(emitted.size).toBeGreaterThanOrEqual(15);
    expect(missing).toEqual([]);
  });
});
