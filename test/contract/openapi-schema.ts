/**
 * Turns the schemas of Microsoft Graph's OpenAPI 3.0 description (as generated from CSDL by
 * OpenAPI.NET.OData) into plain JSON Schema (draft-07) that Ajv can compile, in one of two modes:
 *
 * - `request`: what the bot sends. Strict: enum values compared exactly (Graph's enums are camelCase),
 *   unknown properties rejected (Graph answers 400 "property does not exist on type"), and an
 *   `@odata.type` that is present must name the declared type or a subtype known to the description.
 * - `response`: what Graph (or a simulator) answers. Open objects, plus the relaxations of
 *   PIM-API.md §8: `@odata.type` never required, enums compared case-insensitively, `innerError.date`
 *   may lack its UTC offset, and the PIM free-text strings (status, reviewResult, caller, level,
 *   notification*) never enum-checked.
 *
 * Discriminators: Graph's description puts `discriminator: {propertyName: '@odata.type', mapping}`
 * on a base type (entity, directoryObject, request, unifiedRoleManagementPolicyRule, subjectSet …),
 * and every derived type is `allOf: [$ref base, {own properties}]`. OpenAPI says a payload with a
 * mapped `@odata.type` must match the mapped schema, but Graph usually omits `@odata.type`, so no
 * dispatch is possible then. Each base type B therefore becomes two definitions:
 *   - `__base__.B`: B's own schema without the discriminator; derived types' `allOf` refs point here
 *     (pointing at the dispatcher would recurse: B → derived → B …);
 *   - `B` (every other use site): a dispatcher. If `@odata.type` is present and is a key of the
 *     mapping, the payload must match the mapped (derived, more precise) schema; otherwise it is
 *     validated against `__base__.B` (in request mode also closed, and an unmapped `@odata.type` must
 *     be B's own type name).
 */
import type Ajv from 'ajv';
import type { ErrorObject } from 'ajv';

/** What a `compile` keyword returns (Ajv's own type is not exported from its entry point). */
type DataValidateFunction = ((data: unknown) => boolean) & { errors?: Partial<ErrorObject>[] };

export type SchemaMode = 'request' | 'response';
export type JsonObject = Record<string, unknown>;

export const SCHEMA_REF_PREFIX = '#/components/schemas/';
export const BASE_PREFIX = '__base__.';

/** Name of the error schema whose `date` is relaxed in response mode (PIM-API.md §8.3). */
const INNER_ERROR = 'microsoft.graph.ODataErrors.InnerError';
/** Edm.DateTimeOffset pattern of the description with the UTC offset made optional. */
const RELAXED_DATE_TIME_PATTERN =
  '^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])?$';

/**
 * PIM-API.md §8.4: properties that are free strings in CSDL and must never be enum-validated. In the
 * current description they already are plain strings (the rewrite below is a safety net for a
 * regenerated file; `enumRelaxations` reports whether it ever fired).
 */
export const PLAIN_STRING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'microsoft.graph.request': ['status'],
  'microsoft.graph.approvalStage': ['status', 'reviewResult'],
  'microsoft.graph.approvalStep': ['status', 'reviewResult'],
  'microsoft.graph.unifiedRoleManagementPolicyRuleTarget': ['caller', 'level'],
  'microsoft.graph.unifiedRoleManagementPolicyNotificationRule': [
    'notificationType',
    'notificationLevel',
    'notificationRecipients',
  ],
};

/** Schema keywords kept verbatim (everything else — title, description, default, x-ms-*, … — is dropped). */
const KEPT_KEYWORDS = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'const',
]);

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function componentName(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith(SCHEMA_REF_PREFIX) ? ref.slice(SCHEMA_REF_PREFIX.length) : undefined;
}

function defRef(name: string): JsonObject {
  return { $ref: `#/definitions/${name}` };
}

function isNullEnum(schema: unknown): boolean {
  return isObject(schema) && Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null;
}

/** JSON Schema `if`/`then`/`else` (a schema object, never awaited). */
function conditional(condition: unknown, whenTrue: unknown, whenFalse?: unknown): JsonObject {
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword here, not a thenable.
  const schema: JsonObject = { if: condition, then: whenTrue };
  if (whenFalse !== undefined) schema.else = whenFalse;
  return schema;
}

/** `null` or else `schema`; an if/else reports the inner errors directly instead of an anyOf pile. */
function orNull(schema: unknown): JsonObject {
  return conditional({ type: 'null' }, true, schema);
}

// ---------------------------------------------------------------------------------------------
// Custom keywords
// ---------------------------------------------------------------------------------------------

/** Schema of the `graphEnum` keyword (replaces `enum` on Graph enum types). */
export interface GraphEnumKeyword {
  /** Enum type name, for messages. */
  name: string;
  values: string[];
  /** Response mode: compare case-insensitively (PIM-API.md §8.2). */
  ci: boolean;
  /** `x-ms-enum-flags`: the value is a comma-separated list of members. */
  flags: boolean;
}

/** Schema of the `graphClosed` keyword (request mode only). */
export interface GraphClosedKeyword {
  /** Type name, for messages. */
  name: string;
  /** Every declared property of the type, inherited ones included. */
  known: string[];
  /** The `@odata.type` value naming this very type. */
  odataType: string;
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

export function addGraphKeywords(ajv: Ajv): void {
  ajv.addKeyword({
    keyword: 'graphEnum',
    type: 'string',
    schemaType: 'object',
    errors: true,
    compile(schema: GraphEnumKeyword): DataValidateFunction {
      const exact = new Set(schema.values);
      const folded = new Map(schema.values.map((v) => [v.toLowerCase(), v]));
      const validate: DataValidateFunction = (data: unknown): boolean => {
        const text = data as string;
        const parts = schema.flags ? text.split(',').map((p) => p.trim()) : [text];
        const bad = parts.filter((p) => !exact.has(p) && !(schema.ci && folded.has(p.toLowerCase())));
        if (bad.length === 0) return true;
        const hints = bad.map((b) => folded.get(b.toLowerCase())).filter((h): h is string => h !== undefined);
        let message = `must be one of the ${schema.name} values ${quoteList(schema.values)}${schema.flags ? ' (comma-separated flags)' : ''}, got '${text}'`;
        if (hints.length > 0) message += ` — enum casing is strict in requests, send ${quoteList(hints)}`;
        const error: Partial<ErrorObject> = {
          keyword: 'graphEnum',
          message,
          params: { allowedValues: schema.values },
        };
        validate.errors = [error];
        return false;
      };
      return validate;
    },
  });

  ajv.addKeyword({
    keyword: 'graphClosed',
    type: 'object',
    schemaType: 'object',
    errors: true,
    compile(schema: GraphClosedKeyword): DataValidateFunction {
      const known = new Set(schema.known);
      const validate: DataValidateFunction = (data: unknown): boolean => {
        const errors: Partial<ErrorObject>[] = [];
        for (const [key, value] of Object.entries(data as JsonObject)) {
          if (key === '@odata.type') {
            if (typeof value === 'string' && value !== schema.odataType) {
              errors.push({
                keyword: 'graphClosed',
                message: `has '@odata.type': '${value}', which is neither '${schema.odataType}' nor a derived type the description maps`,
                params: { odataType: value },
              });
            }
          } else if (!key.includes('@') && !known.has(key)) {
            errors.push({
              keyword: 'graphClosed',
              message: `has unknown property '${key}' (not declared on ${schema.name}; Graph rejects undeclared properties in request bodies)`,
              params: { additionalProperty: key },
            });
          }
        }
        if (errors.length === 0) return true;
        validate.errors = errors;
        return false;
      };
      return validate;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Transformation
// ---------------------------------------------------------------------------------------------

export interface TransformContext {
  mode: SchemaMode;
  /** All component schemas of the document (raw OpenAPI). */
  components: Readonly<Record<string, JsonObject>>;
  /** Component names that carry a discriminator (they get a dispatcher + a `__base__` definition). */
  dispatchers: ReadonlySet<string>;
  /** Formats Ajv knows; any other format is dropped (and reported), never fatal. */
  knownFormats: ReadonlySet<string>;
  /** Collects the names of dropped unknown formats. */
  unknownFormats: Set<string>;
}

/** The `discriminator` of a component: at its top level or inside one of its `allOf` parts. */
export function findDiscriminator(
  schema: JsonObject,
): { propertyName: string; mapping: Record<string, string> } | undefined {
  const candidates = [schema, ...(Array.isArray(schema.allOf) ? schema.allOf : [])];
  for (const candidate of candidates) {
    if (!isObject(candidate) || !isObject(candidate.discriminator)) continue;
    const { propertyName, mapping } = candidate.discriminator;
    if (typeof propertyName !== 'string') continue;
    const map: Record<string, string> = {};
    if (isObject(mapping)) {
      for (const [key, ref] of Object.entries(mapping)) {
        const target = componentName(ref);
        if (target !== undefined) map[key] = target;
      }
    }
    return { propertyName, mapping: map };
  }
  return undefined;
}

/**
 * One OpenAPI schema node → JSON Schema. `allOfBase` marks an `allOf` member: a `$ref` there is an
 * inheritance link and points at the base definition (without dispatch).
 */
export function transformSchema(node: unknown, ctx: TransformContext, allOfBase = false): unknown {
  if (!isObject(node)) return node;

  if (typeof node.$ref === 'string') {
    // OpenAPI 3.0: siblings of $ref are ignored.
    const target = componentName(node.$ref);
    if (target === undefined) throw new Error(`unsupported $ref ${node.$ref}`);
    return defRef(allOfBase && ctx.dispatchers.has(target) ? `${BASE_PREFIX}${target}` : target);
  }

  // Nullable reference as generated by the converter: anyOf: [X, {enum: [null]}].
  if (Array.isArray(node.anyOf) && node.anyOf.length === 2 && node.anyOf.some(isNullEnum)) {
    const other = node.anyOf.find((s) => !isNullEnum(s));
    return orNull(transformSchema(other, ctx));
  }

  const out: JsonObject = {};
  let type = typeof node.type === 'string' ? node.type : undefined;

  if (Array.isArray(node.enum)) {
    const values = node.enum.filter((v) => v !== null);
    const allowsNull = values.length !== node.enum.length;
    if (values.length === 0) return { type: 'null' };
    if (values.every((v): v is string => typeof v === 'string')) {
      type ??= 'string';
      const flags = isObject(node['x-ms-enum-flags']) && node['x-ms-enum-flags'].isFlags === true;
      const keyword: GraphEnumKeyword = {
        name: typeof node.title === 'string' ? node.title : 'enum',
        values,
        ci: ctx.mode === 'response',
        flags,
      };
      out.graphEnum = keyword;
      if (allowsNull) out.type = [type, 'null'];
    } else {
      out.enum = node.enum;
    }
  }

  if (type !== undefined && out.type === undefined) out.type = type;

  for (const [key, value] of Object.entries(node)) {
    switch (key) {
      case 'properties':
        if (isObject(value)) {
          const props: JsonObject = {};
          for (const [name, schema] of Object.entries(value)) props[name] = transformSchema(schema, ctx);
          out.properties = props;
        }
        break;
      case 'items':
      case 'additionalProperties':
      case 'not':
        out[key] = transformSchema(value, ctx);
        break;
      case 'allOf':
        if (Array.isArray(value)) out.allOf = value.map((s) => transformSchema(s, ctx, true));
        break;
      case 'anyOf':
      case 'oneOf':
        if (Array.isArray(value)) out[key] = value.map((s) => transformSchema(s, ctx));
        break;
      case 'required':
        if (Array.isArray(value)) {
          // PIM-API.md §8.1: Graph omits @odata.type; never require it (requests omit it in the docs too).
          const required = value.filter((r) => r !== '@odata.type');
          if (required.length > 0) out.required = required;
        }
        break;
      case 'format':
        if (typeof value === 'string') {
          if (ctx.knownFormats.has(value)) out.format = value;
          else ctx.unknownFormats.add(value);
        }
        break;
      case 'pattern':
        if (typeof value === 'string' && value !== '') out.pattern = value;
        break;
      default:
        if (KEPT_KEYWORDS.has(key)) out[key] = value;
    }
  }

  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (!Array.isArray(out.type)) return orNull(out);
  }
  return out;
}

/** Every property a component declares, inherited ones included (request-mode closing). */
export function declaredProperties(name: string, components: Readonly<Record<string, JsonObject>>): string[] {
  const seen = new Set<string>();
  const names = new Set<string>();
  const visit = (schema: unknown): void => {
    if (!isObject(schema)) return;
    const ref = componentName(schema.$ref);
    if (ref !== undefined) {
      if (seen.has(ref)) return;
      seen.add(ref);
      visit(components[ref]);
      return;
    }
    if (isObject(schema.properties)) for (const p of Object.keys(schema.properties)) names.add(p);
    if (Array.isArray(schema.allOf)) for (const part of schema.allOf) visit(part);
  };
  visit({ $ref: `${SCHEMA_REF_PREFIX}${name}` });
  return [...names];
}

/** The `@odata.type` value of a component: its discriminator value, else `#` + its name. */
export function ownODataType(name: string, schema: JsonObject): string {
  const value = schema['x-ms-discriminator-value'];
  return typeof value === 'string' ? value : `#${name}`;
}

function isObjectType(schema: JsonObject): boolean {
  if (schema.type === 'object' || isObject(schema.properties)) return true;
  return Array.isArray(schema.allOf) && schema.allOf.some((p) => isObject(p) && isObjectType(p));
}

/**
 * Applies PIM-API.md §8.4 to a raw component: the listed properties become plain (nullable) strings
 * if they were ever described as enums. Returns the list of properties actually rewritten.
 */
export function relaxPlainStrings(name: string, schema: JsonObject): { schema: JsonObject; rewritten: string[] } {
  const listed = PLAIN_STRING_PROPERTIES[name];
  if (listed === undefined) return { schema, rewritten: [] };
  const rewritten: string[] = [];
  const relaxPart = (part: unknown): unknown => {
    if (!isObject(part) || !isObject(part.properties)) return part;
    const props: JsonObject = { ...part.properties };
    for (const prop of listed) {
      const current = props[prop];
      if (!isObject(current)) continue;
      const isArray = current.type === 'array';
      const inner = isArray ? current.items : current;
      if (isObject(inner) && inner.type === 'string' && inner.enum === undefined) continue;
      const plain = { type: 'string', nullable: true };
      props[prop] = isArray ? { ...current, items: plain } : plain;
      rewritten.push(`${name}.${prop}`);
    }
    return { ...part, properties: props };
  };
  const relaxed = relaxPart(schema) as JsonObject;
  if (Array.isArray(relaxed.allOf)) relaxed.allOf = relaxed.allOf.map(relaxPart);
  return { schema: relaxed, rewritten };
}

export interface DefinitionsResult {
  definitions: JsonObject;
  /** PIM-API.md §8.4 rewrites that were needed (empty for the current description). */
  enumRelaxations: string[];
}

/** All component schemas of one document, in one mode, as `definitions` of a JSON Schema root. */
export function buildComponentDefinitions(ctx: TransformContext): DefinitionsResult {
  const definitions: JsonObject = {};
  const enumRelaxations: string[] = [];
  for (const [name, raw] of Object.entries(ctx.components)) {
    const relaxed = relaxPlainStrings(name, raw);
    enumRelaxations.push(...relaxed.rewritten);
    const schema = transformSchema(relaxed.schema, ctx) as JsonObject;

    if (ctx.mode === 'response' && name === INNER_ERROR && isObject(schema.properties)) {
      // PIM-API.md §8.3: innerError.date comes without a UTC offset ("2024-09-21T22:53:02").
      schema.properties = {
        ...schema.properties,
        date: { type: ['string', 'null'], pattern: RELAXED_DATE_TIME_PATTERN, format: 'iso-date-time' },
      };
    }

    const closed: GraphClosedKeyword | undefined =
      ctx.mode === 'request' && isObjectType(raw)
        ? { name, known: declaredProperties(name, ctx.components), odataType: ownODataType(name, raw) }
        : undefined;

    const discriminator = ctx.dispatchers.has(name) ? findDiscriminator(raw) : undefined;
    if (discriminator === undefined) {
      definitions[name] = closed === undefined ? schema : { allOf: [schema], graphClosed: closed };
      continue;
    }

    definitions[`${BASE_PREFIX}${name}`] = schema;
    const keys = Object.keys(discriminator.mapping).filter(
      (k) => ctx.components[discriminator.mapping[k]] !== undefined,
    );
    const fallback: JsonObject = defRef(`${BASE_PREFIX}${name}`);
    const otherwise = closed === undefined ? fallback : { allOf: [fallback], graphClosed: closed };
    if (keys.length === 0) {
      definitions[name] = otherwise;
      continue;
    }
    const property = discriminator.propertyName;
    definitions[name] = conditional(
      { type: 'object', required: [property], properties: { [property]: { enum: keys } } },
      {
        allOf: keys.map((key) =>
          conditional({ properties: { [property]: { const: key } } }, defRef(discriminator.mapping[key])),
        ),
      },
      otherwise,
    );
  }
  return { definitions, enumRelaxations };
}
