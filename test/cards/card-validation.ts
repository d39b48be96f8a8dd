/**
 * Card validation for tests: `assertValidCard(card)` checks a card two independent ways and throws with
 * every problem found.
 *
 * 1. JSON Schema: the official Adaptive Cards 1.5 schema (vendored in ./schema, identical to
 *    ../shared/adaptive-cards; draft-06). Ajv 8 setup: the draft-06 meta-schema
 *    (`ajv/dist/refs/json-schema-draft-06.json`), `strict: false` (the schema uses non-standard keywords
 *    `version`, `features`), ajv-formats (`uri`, `uri-reference`), and the schema's top-level `id` renamed
 *    to `$id`. One addition: the schema's AdaptiveCard has `additionalProperties: false` and does not know
 *    Teams' `msteams` host extension, so `msteams: { width?: 'Full', entities?: [] }` is added (strictly).
 * 2. The adaptivecards SDK 3.x (the renderer's own object model, loaded from its UMD bundle because its
 *    ESM `lib/` uses extensionless imports Node cannot load): `parse` with a 1.5 SerializationContext
 *    (so 1.6-only properties are reported), then `validateProperties()`. Every parse event and validation
 *    event counts, hints included (unknown types, duplicate ids, inputs without id, required inputs
 *    without label/errorMessage, properties newer than 1.5, …).
 *
 * Plus structural checks the two miss: `version: '1.5'`, non-empty body, element/action ids unique
 * across the whole card, plain JSON (survives a JSON round trip), and a size budget (Teams rejects
 * messages over ~28 KB; the default leaves room for the activity envelope).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);
type AdaptiveCardsSdk = typeof import('adaptivecards');
const AC = require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsSdk;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as Record<string, unknown>;

export const CARD_SCHEMA_PATH = new URL('./schema/adaptive-card-1.5.schema.json', import.meta.url);
export const DEFAULT_MAX_CARD_BYTES = 25_000;

type Json = Record<string, unknown>;

function loadSchema(): Json {
  const raw = JSON.parse(readFileSync(CARD_SCHEMA_PATH, 'utf8')) as Json;
  const { id, ...rest } = raw;
  const definitions = rest.definitions as Record<string, Json>;
  const card = definitions.AdaptiveCard as Json & { properties: Record<string, unknown> };
  const withTeams = {
    ...card,
    properties: {
      ...card.properties,
      msteams: {
        type: 'object',
        additionalProperties: false,
        properties: { width: { enum: ['Full'] }, entities: { type: 'array' } },
      },
    },
  };
  return { ...rest, $id: id, definitions: { ...definitions, AdaptiveCard: withTeams } };
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
addFormats(ajv);
const validateSchema = ajv.compile(loadSchema());

function describeAjvError(error: ErrorObject): string {
  return `schema: ${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}

/** Ajv's errors for a card: with `anyOf` over every element type they are many; keep the telling ones. */
function schemaProblems(card: unknown): string[] {
  if (validateSchema(card)) return [];
  const errors = validateSchema.errors ?? [];
  const telling = errors.filter((e) => e.keyword === 'additionalProperties' || e.keyword === 'required');
  const chosen = (telling.length > 0 ? telling : errors).slice(0, 20);
  return chosen.map(describeAjvError);
}

function sdkProblems(card: unknown): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`sdk parse: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) {
    problems.push(`sdk validate: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return problems;
}

function idProblems(card: unknown): string[] {
  const seen = new Map<string, number>();
  const walk = (node: unknown, insideData: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, insideData);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'id' && typeof value === 'string' && !insideData) seen.set(value, (seen.get(value) ?? 0) + 1);
        walk(value, insideData || key === 'data');
      }
    }
  };
  walk(card, false);
  return [...seen].filter(([, count]) => count > 1).map(([id, count]) => `duplicate id '${id}' (${count} times)`);
}

export interface CardValidationOptions {
  /** Size budget of the serialized card in UTF-8 bytes. Default {@link DEFAULT_MAX_CARD_BYTES}. */
  maxBytes?: number;
}

/** Every problem found in `card` (empty when valid). */
export function cardProblems(card: unknown, options: CardValidationOptions = {}): string[] {
  const problems: string[] = [];
  if (typeof card !== 'object' || card === null || Array.isArray(card)) return ['card is not a JSON object'];
  const record = card as Json;
  if (record.type !== 'AdaptiveCard') problems.push(`type is ${String(record.type)}`);
  if (record.version !== '1.5') problems.push(`version is ${String(record.version)}, expected '1.5'`);
  if (!Array.isArray(record.body) || record.body.length === 0) problems.push('body is missing or empty');
  const serialized = JSON.stringify(card);
  if (!isDeepStrictEqual(JSON.parse(serialized), card)) problems.push('card does not survive a JSON round trip');
  const bytes = Buffer.byteLength(serialized, 'utf8');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CARD_BYTES;
  if (bytes > maxBytes) problems.push(`card is ${bytes} bytes, over the ${maxBytes}-byte budget`);
  problems.push(...schemaProblems(card), ...sdkProblems(card), ...idProblems(card));
  return problems;
}

/** Throws (listing every problem) unless `card` is a valid Adaptive Card 1.5 for Teams. */
export function assertValidCard(card: unknown, options: CardValidationOptions = {}): void {
  const problems = cardProblems(card, options);
  if (problems.length > 0) {
    throw new Error(`Invalid Adaptive Card:\n  - ${problems.join('\n  - ')}\n${JSON.stringify(card, null, 2)}`);
  }
}

/** A string of the card and where it sits, e.g. `{ path: '$.body[2].text', kind: 'markdown', text }`. */
export interface CardText {
  path: string;
  /**
   * `markdown`: rendered with markdown by some client (TextBlock.text, Fact title/value, Input labels,
   * choice titles, fallbackText). `plain`: shown without markdown (placeholders, action titles, tooltips,
   * input values, choice values).
   */
  kind: 'markdown' | 'plain';
  text: string;
}

const MARKDOWN_KEYS = new Set(['text', 'label', 'fallbackText']);
const PLAIN_KEYS = new Set(['placeholder', 'tooltip', 'value', 'errorMessage']);

/** Every human-visible string of a card (action `data`, ids, urls and enum-like properties excluded). */
export function collectCardTexts(card: unknown): CardText[] {
  const out: CardText[] = [];
  const walk = (node: unknown, path: string, parentType: string | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, `${path}[${i}]`, parentType);
      });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Json;
    const type = typeof record.type === 'string' ? record.type : undefined;
    for (const [key, value] of Object.entries(record)) {
      const at = `${path}.${key}`;
      if (key === 'data' || key === 'url' || key === 'userIds') continue;
      if (typeof value === 'string') {
        const isFact = parentType === 'FactSet' && (key === 'title' || key === 'value');
        const isChoiceTitle = parentType === 'Input.ChoiceSet' && key === 'title';
        const isActionTitle = type?.startsWith('Action.') === true && key === 'title';
        if (isFact || isChoiceTitle || MARKDOWN_KEYS.has(key)) out.push({ path: at, kind: 'markdown', text: value });
        else if (isActionTitle || PLAIN_KEYS.has(key) || (parentType === 'Input.ChoiceSet' && key === 'value')) {
          out.push({ path: at, kind: 'plain', text: value });
        }
      } else {
        walk(value, at, type ?? parentType);
      }
    }
  };
  walk(card, '$', undefined);
  return out;
}

/** Every action (card-level, in ActionSets, in refresh) with its path. */
export function collectActions(card: unknown): Array<{ path: string; action: Json }> {
  const out: Array<{ path: string; action: Json }> = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        walk(item, `${path}[${i}]`);
      });
    } else if (typeof node === 'object' && node !== null) {
      const record = node as Json;
      if (typeof record.type === 'string' && record.type.startsWith('Action.')) out.push({ path, action: record });
      for (const [key, value] of Object.entries(record)) if (key !== 'data') walk(value, `${path}.${key}`);
    }
  };
  walk(card, '$');
  return out;
}

/** Every element (any object with a string `type`) of the card, depth first. */
export function collectElements(card: unknown): Json[] {
  const out: Json[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Json;
      if (typeof record.type === 'string') out.push(record);
      for (const [key, value] of Object.entries(record)) if (key !== 'data') walk(value);
    }
  };
  walk(card);
  return out;
}

/** The element or action with this `id` (throws when absent, so tests read as plain expectations). */
export function findById(card: unknown, id: string): Json {
  const hit = collectElements(card).find((element) => element.id === id);
  if (!hit) throw new Error(`no element with id '${id}'`);
  return hit;
}

/** Whether the card has an element or action with this `id`. */
export function hasId(card: unknown, id: string): boolean {
  return collectElements(card).some((element) => element.id === id);
}

/** All TextBlock texts and FactSet facts (`title: value`) in document order, for readable assertions. */
export function visibleLines(card: unknown): string[] {
  return collectCardTexts(card)
    .filter((t) => t.kind === 'markdown')
    .map((t) => t.text);
}

/** The facts of the FactSet with this id, as `{ title: value }`. */
export function factsOf(card: unknown, id: string): Record<string, string> {
  const facts = findById(card, id).facts as Array<{ title: string; value: string }>;
  return Object.fromEntries(facts.map((f) => [f.title, f.value]));
}

/**
 * Whether text holds a character no visible card text may hold: C0/C1 controls (other than none: all
 * whitespace is collapsed), bidi embeddings/overrides/isolates/marks, zero-width and invisible
 * characters, tag characters, or a lone surrogate.
 */
export function hasInvisibleCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      const cp = text.codePointAt(i) ?? 0;
      if (cp >= 0xe0000 && cp <= 0xe007f) return true;
      i++;
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return true;
    if (
      unit <= 0x1f ||
      (unit >= 0x7f && unit <= 0x9f) ||
      unit === 0xad ||
      unit === 0x061c ||
      unit === 0x200b ||
      unit === 0x200e ||
      unit === 0x200f ||
      (unit >= 0x202a && unit <= 0x202e) ||
      (unit >= 0x2060 && unit <= 0x206f) ||
      unit === 0xfeff
    ) {
      return true;
    }
  }
  return false;
}
