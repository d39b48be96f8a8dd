// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is adaptivecards-templating syntax, not a JS template.
/**
 * Template expansion shared by the builders: `new ACData.Template(template).expand({ $root: data })`,
 * with the template prepared once per module and three guarantees added on the output:
 *
 * 1. `null` properties are removed. A `$when: false` object in property position and the
 *    `${if(empty(x), null, x)}` idiom for optional scalars both expand to `null`; Adaptive Cards has no
 *    nullable property we use, and the schema rejects them.
 * 2. No `${` survives outside action `data`. adaptivecards-templating silently replaces a missing field
 *    with the literal text `${field}`; user text has `${` broken by sanitize.ts, so any `${` left means a
 *    builder bug, and expansion throws instead of sending it.
 * 3. The result is a fresh deep copy (the expander returns bound data objects by reference), so a caller
 *    mutating one card never affects another.
 */
import * as ACData from 'adaptivecards-templating';
import type { AdaptiveCard, JsonObject, JsonValue } from './card-types';

const prepared = new WeakMap<JsonObject, ACData.Template>();

function prune(value: unknown, path: string, insideData: boolean): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (!insideData && value.includes('${')) throw new Error(`Card template left an unbound expression at ${path}`);
    return value;
  }
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    value.forEach((item, index) => {
      if (item !== null && item !== undefined) items.push(prune(item, `${path}[${index}]`, insideData));
    });
    return items;
  }
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === null || item === undefined) continue;
      out[key] = prune(item, `${path}.${key}`, insideData || key === 'data');
    }
    return out;
  }
  throw new Error(`Card template produced a non-JSON value at ${path}`);
}

/** Expands `template` with `data` as `$root` and returns the card (see the module comment). */
export function expandCard(template: JsonObject, data: JsonObject): AdaptiveCard {
  let compiled = prepared.get(template);
  if (!compiled) {
    compiled = new ACData.Template(template);
    prepared.set(template, compiled);
  }
  const expanded: unknown = compiled.expand({ $root: data });
  const card = prune(expanded, '$', false);
  if (
    typeof card !== 'object' ||
    card === null ||
    Array.isArray(card) ||
    card.type !== 'AdaptiveCard' ||
    card.version !== '1.5' ||
    !Array.isArray(card.body) ||
    card.body.length === 0
  ) {
    throw new Error('Card template did not produce an AdaptiveCard 1.5 with a non-empty body');
  }
  // Every action may be conditional; an empty action bar is noise.
  if (Array.isArray(card.actions) && card.actions.length === 0) delete card.actions;
  return card as AdaptiveCard;
}

/** Template text for an optional scalar: the field's value, or the property removed when it is ''. */
export function optional(field: string): string {
  return `\${if(empty(${field}), null, ${field})}`;
}

export const CARD_SCHEMA_URL = 'http://adaptivecards.io/schemas/adaptive-card.json';

/** Shown for a required fact whose value is blank (an em dash: a bare '-' would render as a list bullet). */
export const NOTHING = '\u2014';

/**
 * Size budget of one card in UTF-8 bytes. Teams rejects bot messages over about 28 KB (activity
 * included); list cards drop items from the end until they fit.
 */
export const CARD_BYTE_BUDGET = 24_000;

/** Default `maxItems` of the list cards. */
export const DEFAULT_MAX_LISTED_ITEMS = 20;

/** UTF-8 size of the serialized card. */
export function cardBytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Builds a list card with as many of `total` items as fit: first `wanted`, then fewer (from the end)
 * while the card is over {@link CARD_BYTE_BUDGET}. `build(n)` must render the first n items.
 */
export function fitList(total: number, wanted: number, build: (listed: number) => AdaptiveCard): AdaptiveCard {
  let listed = Math.max(0, Math.min(total, wanted));
  let card = build(listed);
  while (listed > 1 && cardBytes(card) > CARD_BYTE_BUDGET) {
    listed = Math.max(1, Math.floor(listed * 0.8));
    card = build(listed);
  }
  return card;
}
