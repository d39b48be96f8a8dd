import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CARD_SCHEMA_PATH, cardProblems } from './card-validation';

/** The validator must itself catch what it claims to catch, or every "valid card" test proves nothing. */

const OFFICIAL_SCHEMA_SHA256 = '522d6eb85da93b873c8a5ab9a5e3471de655c679151908e9bb4b24b2dab4845a';
/** ../shared/adaptive-cards beside the project (the team's copies of Microsoft's contracts). */
const SHARED_SCHEMA = fileURLToPath(
  new URL('../../../shared/adaptive-cards/adaptive-card-1.5.schema.json', import.meta.url),
);

const base = () => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', id: 'a', text: 'hello', wrap: true }] as Record<string, unknown>[],
  actions: [] as Record<string, unknown>[],
});

describe('cardProblems', () => {
  it('accepts a plain valid card, with Teams full width', () => {
    expect(cardProblems({ ...base(), msteams: { width: 'Full' } })).toEqual([]);
  });

  it('rejects an unknown msteams property (the schema addition is strict)', () => {
    expect(cardProblems({ ...base(), msteams: { width: 'Wide' } }).join('\n')).toMatch(/schema/);
  });

  it('rejects unknown properties and element types (schema and SDK)', () => {
    const card = base();
    card.body.push({ type: 'TextBlock', text: 'x', colour: 'good' }, { type: 'Badge', text: 'x' });
    const problems = cardProblems(card).join('\n');
    expect(problems).toMatch(/schema: .*additional properties/);
    expect(problems).toMatch(/sdk parse: UnknownElementType/);
  });

  it('rejects duplicate ids (SDK and own walk, actions included)', () => {
    const card = base();
    card.body.push({ type: 'TextBlock', id: 'a', text: 'again' });
    card.actions.push({ type: 'Action.Submit', id: 'a', title: 'x', data: { pimbot: 'cancel' } });
    const problems = cardProblems(card).join('\n');
    expect(problems).toMatch(/sdk validate: DuplicateId/);
    expect(problems).toMatch(/duplicate id 'a' \(3 times\)/);
  });

  it('rejects required inputs without label or error message, and inputs without id', () => {
    const card = base();
    card.body.push({ type: 'Input.Text', id: 'x', isRequired: true }, { type: 'Input.Text' });
    const problems = cardProblems(card).join('\n');
    expect(problems).toMatch(/RequiredInputsShouldHaveLabel/);
    expect(problems).toMatch(/RequiredInputsShouldHaveErrorMessage/);
    expect(problems).toMatch(/schema: .*must have required property 'id'/);
  });

  it('rejects properties newer than 1.5 (SDK parsed at 1.5)', () => {
    const card = base();
    card.actions.push({
      type: 'Action.Submit',
      title: 'x',
      data: {},
      disabledUnlessAssociatedInputsChange: true,
    });
    expect(cardProblems(card).join('\n')).toMatch(/sdk parse: UnsupportedProperty/);
  });

  it('rejects other versions, empty bodies, nulls, non-JSON values and oversized cards', () => {
    expect(cardProblems({ ...base(), version: '1.6' }).join('\n')).toMatch(/version is 1.6/);
    expect(cardProblems({ ...base(), body: [] }).join('\n')).toMatch(/body is missing or empty/);
    expect(cardProblems({ ...base(), fallbackText: null }).join('\n')).toMatch(/schema/);
    expect(cardProblems({ ...base(), speak: undefined }).join('\n')).toMatch(/JSON round trip/);
    const big = base();
    big.body[0].text = 'x'.repeat(30_000);
    expect(cardProblems(big).join('\n')).toMatch(/over the 25000-byte budget/);
    expect(cardProblems(big, { maxBytes: 40_000 })).toEqual([]);
  });

  it('validates against the vendored official schema, unchanged since it was taken (SHA-256 of its JSON)', () => {
    // The hash of the official adaptive-card-1.5.schema.json as published (compact JSON: formatters may rewrap
    // the file). A schema edited to let a bad card through changes it.
    const json = JSON.stringify(JSON.parse(readFileSync(CARD_SCHEMA_PATH, 'utf8')));
    expect(createHash('sha256').update(json).digest('hex')).toBe(OFFICIAL_SCHEMA_SHA256);
  });

  // The team's shared copy sits beside the project on the development machines, not in a fresh clone.
  it.skipIf(!existsSync(SHARED_SCHEMA))('the vendored schema equals the shared official copy (as JSON)', () => {
    expect(JSON.parse(readFileSync(CARD_SCHEMA_PATH, 'utf8'))).toStrictEqual(
      JSON.parse(readFileSync(SHARED_SCHEMA, 'utf8')),
    );
  });
});
