import { describe, it } from 'vitest';

/**
 * Measures (does not assert) how long card building takes: loading the module (adaptivecards-templating
 * pulls in adaptive-expressions), the first expansion of each template (template preparation and the
 * expression engine warming up), and warm expansions. Numbers are printed for the report.
 */
describe('card building time (measured, not asserted)', () => {
  it('cold import, first and warm expansion per builder', async () => {
    const t0 = performance.now();
    const fixtures = await import('./fixtures');
    const importMs = performance.now() - t0;
    const rows: string[] = [`module import (cards + adaptive-expressions): ${importMs.toFixed(1)} ms`];
    for (const builder of fixtures.BUILDERS) {
      const c0 = performance.now();
      builder.normal();
      const firstMs = performance.now() - c0;
      const runs = 300;
      const w0 = performance.now();
      for (let i = 0; i < runs; i++) builder.normal();
      const warmMs = (performance.now() - w0) / runs;
      rows.push(`${builder.name.padEnd(30)} first ${firstMs.toFixed(2).padStart(7)} ms   warm ${warmMs.toFixed(3)} ms`);
    }
    const h0 = performance.now();
    const hostile = 'x'.repeat(10_000);
    for (let i = 0; i < 100; i++) for (const builder of fixtures.BUILDERS) builder.hostile(hostile);
    rows.push(`all builders with 10k-char hostile text: ${((performance.now() - h0) / 100).toFixed(2)} ms per round`);
    console.log(`\n${rows.join('\n')}`);
  });
});
