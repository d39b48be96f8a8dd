/**
 * Swagger 2.0 schemas of the ARM PIM subset (openapi/arm-pim-openapi.json, a verbatim copy of
 * ../shared/arm/arm-pim-openapi.json) → JSON Schema draft-07 for Ajv, in two modes:
 *
 * - `request`: what the bot sends. Strict: objects closed (ARM answers unknown properties with 400, or worse
 *   ignores them), `readOnly` properties refused, enums exact (PascalCase: `SelfActivate`, `AfterDuration`),
 *   `null` for any property but a required one (ARM reads null as absent).
 * - `response`: what ARM (or the simulator) answers. Open objects and `null` allowed for every property:
 *   ARM writes unset properties as null (ARM-PIM.md §3.1 `endDateTime`, §3.3 `approvalId`). Enums stay exact,
 *   so a simulator that drifts from the spec's values is caught.
 *
 * Polymorphism: Swagger's `discriminator: "ruleType"` on RoleManagementPolicyRule, each derived rule
 * `allOf: [$ref base]` and named by its definition name (no `x-ms-discriminator-value` in this subset). A
 * derived definition is flattened (base properties merged in, so it can be closed); the base becomes a
 * dispatcher: a known `ruleType` must match its derived schema, anything else the base alone.
 */

export type JsonObject = Record<string, unknown>;
export type SchemaMode = 'request' | 'response';

export const DEF_PREFIX = '#/definitions/';
const BASE_PREFIX = '__base__.';
const KEPT = ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'uniqueItems'];

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Ctx {
  mode: SchemaMode;
  definitions: Record<string, JsonObject>;
  knownFormats: ReadonlySet<string>;
}

function allowNull(schema: JsonObject): JsonObject {
  if (typeof schema.$ref === 'string' || schema.allOf || schema.anyOf) return { anyOf: [schema, { type: 'null' }] };
  const out: JsonObject = { ...schema };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

/** Properties and required names of a definition, its allOf parents merged in (parents first). */
function flattened(name: string, defs: Record<string, JsonObject>): { properties: JsonObject; required: string[] } {
  const def = defs[name] ?? {};
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const parent of Array.isArray(def.allOf) ? def.allOf : []) {
    const ref = isObject(parent) && typeof parent.$ref === 'string' ? parent.$ref.slice(DEF_PREFIX.length) : undefined;
    if (!ref) continue;
    const p = flattened(ref, defs);
    Object.assign(properties, p.properties);
    required.push(...p.required);
  }
  Object.assign(properties, isObject(def.properties) ? def.properties : {});
  if (Array.isArray(def.required)) required.push(...def.required.filter((r): r is string => typeof r === 'string'));
  return { properties, required: [...new Set(required)] };
}

export function transform(schema: unknown, ctx: Ctx): JsonObject {
  if (!isObject(schema)) return {};
  if (typeof schema.$ref === 'string') return { $ref: schema.$ref };
  const out: JsonObject = {};
  if (typeof schema.type === 'string' && !(schema.type === 'object' && schema.allOf)) out.type = schema.type;
  if (Array.isArray(schema.enum)) out.enum = [...schema.enum];
  if (typeof schema.format === 'string' && ctx.knownFormats.has(schema.format)) out.format = schema.format;
  for (const k of KEPT) if (schema[k] !== undefined) out[k] = schema[k];
  if (isObject(schema.items)) out.items = transform(schema.items, ctx);
  const props = isObject(schema.properties) ? schema.properties : undefined;
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : undefined;
  if (props || allOf) {
    const merged = allOf
      ? { properties: { ...props }, required: Array.isArray(schema.required) ? schema.required : [] }
      : undefined;
    const properties = merged?.properties ?? props ?? {};
    const required = (merged?.required ?? (Array.isArray(schema.required) ? schema.required : [])) as string[];
    out.type = 'object';
    out.properties = objectProperties(properties, new Set(required), ctx);
    if (required.length > 0) out.required = [...required];
    if (ctx.mode === 'request') out.additionalProperties = false;
  }
  if (isObject(schema.additionalProperties)) out.additionalProperties = transform(schema.additionalProperties, ctx);
  return out;
}

function objectProperties(properties: JsonObject, required: ReadonlySet<string>, ctx: Ctx): JsonObject {
  const out: JsonObject = {};
  for (const [name, raw] of Object.entries(properties)) {
    if (!isObject(raw)) continue;
    // readOnly: the server's to set. In requests the property simply does not exist (closed object refuses it).
    if (ctx.mode === 'request' && raw.readOnly === true) continue;
    const schema = transform(raw, ctx);
    // ARM writes unset properties as null and reads a sent null as absent (ARM-PIM.md §3.3's own body sends
    // `startDateTime: null`), so null passes for any property but a required one in requests.
    const nullable = ctx.mode === 'response' || raw['x-nullable'] === true || !required.has(name);
    out[name] = nullable ? allowNull(schema) : schema;
  }
  return out;
}

/** Every definition of the document as Ajv-ready JSON Schema, dispatchers for discriminated bases. */
export function buildDefinitions(
  raw: Record<string, JsonObject>,
  mode: SchemaMode,
  knownFormats: ReadonlySet<string>,
): Record<string, JsonObject> {
  const ctx: Ctx = { mode, definitions: raw, knownFormats };
  const out: Record<string, JsonObject> = {};
  const derivedOf = new Map<string, string[]>();
  for (const [name, def] of Object.entries(raw)) {
    for (const parent of Array.isArray(def.allOf) ? def.allOf : []) {
      const ref = isObject(parent) && typeof parent.$ref === 'string' ? parent.$ref.slice(DEF_PREFIX.length) : '';
      if (typeof raw[ref]?.discriminator === 'string') derivedOf.set(ref, [...(derivedOf.get(ref) ?? []), name]);
    }
  }
  for (const [name, def] of Object.entries(raw)) {
    const isDerived = Array.isArray(def.allOf);
    out[name] = transform(isDerived ? { ...def, allOf: def.allOf, ...flattened(name, raw) } : def, ctx);
  }
  for (const [base, derived] of derivedOf) {
    const key = String(raw[base]?.discriminator);
    out[`${BASE_PREFIX}${base}`] = out[base] as JsonObject;
    const when = (values: unknown[]): JsonObject => ({ properties: { [key]: { enum: values } }, required: [key] });
    // "ruleType is d ⇒ matches d", written as (not A) or B: Ajv's if/then would read as a thenable to the linter.
    out[base] = {
      allOf: [
        ...derived.map((d) => ({ anyOf: [{ not: when([d]) }, { $ref: `${DEF_PREFIX}${d}` }] })),
        { anyOf: [when(derived), { $ref: `${DEF_PREFIX}${BASE_PREFIX}${base}` }] },
      ],
    };
  }
  return out;
}
