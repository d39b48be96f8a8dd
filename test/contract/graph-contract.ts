/**
 * Contract check: holds every Microsoft Graph exchange the bot makes (in tests, against the
 * simulators) to Microsoft's OpenAPI description of the PIM subset (`openapi/*.yaml`, copied from
 * ../shared/graph; provenance in PIM-API.md §0).
 *
 * - Routing: the `/v1.0` or `/beta` prefix picks the document; the rest is matched against the path
 *   templates (`{id}` segments and OData function segments such as `filterByCurrentUser(on='{on}')`,
 *   with the quotes literal or `%27`). A literal segment beats a template segment, so
 *   `…/filterByCurrentUser(on='principal')` never matches `…/{id}`. Path parameters with a schema (the
 *   `on` enums) are validated; `$`-query options must be declared by the operation.
 * - Requests: strict (see openapi-schema.ts): camelCase enums, no undeclared properties.
 * - Responses: schema chosen by exact status, else `2XX`/`4XX`/`5XX`, else `default`; 204 must be
 *   empty; PIM-API.md §8 relaxations applied.
 * - Validators are compiled lazily, once per (document, operation, status class), and cached.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import {
  addGraphKeywords,
  buildComponentDefinitions,
  findDiscriminator,
  isObject,
  type JsonObject,
  SCHEMA_REF_PREFIX,
  type SchemaMode,
  type TransformContext,
  transformSchema,
} from './openapi-schema';

export type GraphVersion = 'v1.0' | 'beta';

/** One HTTP exchange with Graph, as recorded by a test. */
export interface GraphExchange {
  method: string;
  /** Absolute URL or path, including the `/v1.0` or `/beta` prefix and the query. */
  url: string;
  /** Parsed JSON, or JSON text (a string is parsed); absent/empty when no body was sent. */
  requestBody?: unknown;
  status: number;
  /** Parsed JSON, or JSON text; absent/empty when no body was received. */
  responseBody?: unknown;
}

export interface ContractViolation {
  where: 'request' | 'response';
  method: string;
  /** URL path as sent, with the version prefix, without the query. */
  path: string;
  /** The OpenAPI path template it matched, prefixed by the document (`v1.0 /me`), when it matched one. */
  template?: string;
  status?: number;
  message: string;
}

/** A URL resolved to an operation of the description. */
export interface GraphRouteMatch {
  version: GraphVersion;
  template: string;
  method: string;
  operationId?: string;
  /** Decoded path parameter values by name (`{ on: 'principal' }`). */
  params: Record<string, string>;
}

export interface GraphContractOptions {
  /** Folder holding `pim-openapi-v1.0.yaml` and `pim-openapi-beta.yaml`. */
  directory?: string;
  /**
   * Which description: `pim` (default; PIM-API.md) or `features` (FEATURES-API.md: Teams app installations,
   * access reviews, audit, …), each a `{family}-openapi-{version}.yaml` pair in the folder.
   */
  family?: 'pim' | 'features';
}

const VERSIONS: readonly GraphVersion[] = ['v1.0', 'beta'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Query options Graph puts into `@odata.nextLink`/`deltaLink` URLs, valid without being declared. */
const SERVER_QUERY_OPTIONS = new Set(['$skiptoken', '$deltatoken']);
const DEFAULT_DIRECTORY = fileURLToPath(new URL('./openapi/', import.meta.url));
const MAX_MESSAGES = 10;

interface ParameterSpec {
  name: string;
  in: string;
  schema?: unknown;
  /** Definition name of the compiled schema (path parameters with a schema only). */
  definition?: string;
}

interface ResponseSpec {
  /** Definition name of the body schema, when the response describes a JSON body. */
  definition?: string;
  schemaName: string;
}

interface OperationSpec {
  version: GraphVersion;
  template: string;
  method: string;
  operationId?: string;
  pathParameters: ParameterSpec[];
  queryParameters: Map<string, ParameterSpec>;
  requestBody?: { definition: string; schemaName: string; required: boolean };
  responses: Map<string, ResponseSpec>;
}

interface RouteSpec {
  version: GraphVersion;
  template: string;
  regex: RegExp;
  regexIgnoreCase: RegExp;
  names: string[];
  score: number;
  operations: Map<string, OperationSpec>;
}

interface DocumentSpec {
  version: GraphVersion;
  raw: JsonObject;
  components: Record<string, JsonObject>;
  routesBySegments: Map<number, RouteSpec[]>;
  operations: OperationSpec[];
}

type Resolution =
  | { ok: true; path: string; operation: OperationSpec; params: Record<string, string>; query: URLSearchParams }
  | { ok: false; path: string; template?: string; message: string };

interface ParsedBody {
  present: boolean;
  value?: unknown;
  error?: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function resolveLocalRef(doc: JsonObject, value: unknown): unknown {
  if (!isObject(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/')) return value;
  let node: unknown = doc;
  for (const part of value.$ref.slice(2).split('/')) node = isObject(node) ? node[part] : undefined;
  if (node === undefined) throw new Error(`unresolvable $ref ${value.$ref}`);
  return node;
}

function schemaLabel(schema: unknown): string {
  if (isObject(schema) && typeof schema.$ref === 'string' && schema.$ref.startsWith(SCHEMA_REF_PREFIX)) {
    return schema.$ref.slice(SCHEMA_REF_PREFIX.length);
  }
  if (isObject(schema) && typeof schema.title === 'string') return schema.title;
  return 'its inline schema';
}

function jsonSchemaOf(doc: JsonObject, holder: unknown): unknown {
  const resolved = resolveLocalRef(doc, holder);
  if (!isObject(resolved) || !isObject(resolved.content)) return undefined;
  const json = resolved.content['application/json'];
  return isObject(json) ? json.schema : undefined;
}

function compileTemplate(template: string): { regex: RegExp; regexIgnoreCase: RegExp; names: string[]; score: number } {
  const names: string[] = [];
  let score = 0;
  const parts = template
    .split('/')
    .slice(1)
    .map((segment) => {
      if (!segment.includes('{')) {
        score += 2;
        return escapeRegExp(segment);
      }
      const whole = /^\{[^}]+\}$/.test(segment);
      if (!whole) score += 1;
      let out = '';
      let last = 0;
      for (const m of segment.matchAll(/\{([^}]+)\}/g)) {
        out += escapeRegExp(segment.slice(last, m.index));
        out += whole ? '([^/]+)' : '([^/]*?)';
        names.push(m[1]);
        last = (m.index ?? 0) + m[0].length;
      }
      return out + escapeRegExp(segment.slice(last));
    });
  const source = `^/${parts.join('/')}$`;
  return { regex: new RegExp(source), regexIgnoreCase: new RegExp(source, 'i'), names, score };
}

function decodeSegment(segment: string): string {
  try {
    // Keep an encoded '/' encoded so that it cannot split a segment.
    return decodeURIComponent(segment.replace(/%2f/gi, '%252F'));
  } catch {
    return segment;
  }
}

function parseBody(body: unknown): ParsedBody {
  if (body === undefined || body === null || body === '') return { present: false };
  let value = body;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const bytes =
      body instanceof ArrayBuffer
        ? new Uint8Array(body)
        : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    value = new TextDecoder().decode(bytes);
    if (value === '') return { present: false };
  }
  if (typeof value === 'string') {
    if (value.trim() === '') return { present: false };
    try {
      return { present: true, value: JSON.parse(value) };
    } catch {
      return { present: true, error: `is not JSON (${value.length > 60 ? `${value.slice(0, 57)}...` : value})` };
    }
  }
  return { present: true, value };
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (value === null) return kind;
  const json = JSON.stringify(value) ?? String(value);
  return `${kind} ${json.length > 60 ? `${json.slice(0, 57)}...` : json}`;
}

/** Ajv errors → short readable lines (`/scheduleInfo/expiration/type must be …`). */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (!errors || errors.length === 0) return ['is invalid'];
  // `if` errors only say "must match else/then schema"; the errors of that schema follow anyway.
  const specific = errors.filter((e) => e.keyword !== 'if');
  // Graph schemas pair each format with an equivalent pattern: one message per value is enough.
  const formatted = new Set(errors.filter((e) => e.keyword === 'format').map((e) => e.instancePath));
  const lines = new Set<string>();
  for (const e of specific.length > 0 ? specific : errors) {
    if (e.keyword === 'pattern' && formatted.has(e.instancePath)) continue;
    const at = e.instancePath === '' ? '(root)' : e.instancePath;
    let message = e.message ?? `fails ${e.keyword}`;
    if (e.keyword === 'type') {
      message = `must be ${String(e.params.type).split(',').join(' or ')}, got ${describeValue(e.data)}`;
    } else if (e.keyword === 'format') {
      message = `must be a valid ${String(e.params.format)}, got ${describeValue(e.data)}`;
    } else if (e.keyword === 'pattern') {
      message = `must match ${String(e.params.pattern)}, got ${describeValue(e.data)}`;
    } else if (e.keyword === 'minimum' || e.keyword === 'maximum') {
      message = `${message}, got ${describeValue(e.data)}`;
    }
    lines.add(`${at} ${message}`);
  }
  const all = [...lines];
  return all.length > MAX_MESSAGES ? [...all.slice(0, MAX_MESSAGES), `… and ${all.length - MAX_MESSAGES} more`] : all;
}

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

const loaded = new Map<string, GraphContract>();

export class GraphContract {
  private readonly documents: Record<GraphVersion, DocumentSpec>;
  private readonly ajv: Ajv;
  private readonly roots = new Set<string>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly resolutions = new Map<string, Resolution>();
  private readonly droppedFormats = new Set<string>();
  private readonly relaxed = new Set<string>();

  /** Loads (once per folder, then cached) the two YAML files; validators are compiled on first use. */
  static load(options: GraphContractOptions = {}): GraphContract {
    const directory = options.directory ?? process.env.PIMBOT_GRAPH_OPENAPI_DIR ?? DEFAULT_DIRECTORY;
    const family = options.family ?? 'pim';
    const cacheKey = `${directory}|${family}`;
    let contract = loaded.get(cacheKey);
    if (contract === undefined) {
      const read = (version: GraphVersion): JsonObject => {
        const file = `${family}-openapi-${version}.yaml`;
        const doc: unknown = parse(readFileSync(join(directory, file), 'utf8'));
        if (!isObject(doc)) throw new Error(`${file} is not an OpenAPI document`);
        return doc;
      };
      contract = new GraphContract({ 'v1.0': read('v1.0'), beta: read('beta') });
      loaded.set(cacheKey, contract);
    }
    return contract;
  }

  constructor(documents: Record<GraphVersion, JsonObject>) {
    this.documents = {
      'v1.0': indexDocument('v1.0', documents['v1.0']),
      beta: indexDocument('beta', documents.beta),
    };
    this.ajv = new Ajv({
      allErrors: true,
      verbose: true,
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allowUnionTypes: true,
    });
    addFormats(this.ajv);
    // ISO 8601 duration as Graph writes Edm.Duration (sign and fractional seconds allowed).
    this.ajv.addFormat('duration', /^-?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/);
    // Edm.TimeOfDay: no UTC offset (JSON Schema's `time` would demand one).
    this.ajv.addFormat('time', /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,12})?$/);
    this.ajv.addFormat('base64url', /^[A-Za-z0-9_-]*={0,2}$/);
    addGraphKeywords(this.ajv);
  }

  /** Formats found in the description that Ajv does not know (ignored, never fatal). */
  get unknownFormats(): string[] {
    return [...this.droppedFormats];
  }

  /** PIM-API.md §8.4 rewrites that were actually needed (none: the description already has plain strings). */
  get enumRelaxations(): string[] {
    return [...this.relaxed];
  }

  /** The operation a method + URL resolves to, or undefined when the description has none. */
  match(method: string, url: string): GraphRouteMatch | undefined {
    const resolution = this.resolve(method, url);
    if (!resolution.ok) return undefined;
    const { operation } = resolution;
    return {
      version: operation.version,
      template: operation.template,
      method: operation.method,
      operationId: operation.operationId,
      params: resolution.params,
    };
  }

  checkRequest(method: string, url: string, body?: unknown): ContractViolation[] {
    const resolution = this.resolve(method, url);
    const upper = method.toUpperCase();
    if (!resolution.ok) {
      return [
        {
          where: 'request',
          method: upper,
          path: resolution.path,
          template: resolution.template,
          message: resolution.message,
        },
      ];
    }
    const { operation } = resolution;
    const violation = (message: string): ContractViolation => ({
      where: 'request',
      method: upper,
      path: resolution.path,
      template: `${operation.version} ${operation.template}`,
      message,
    });
    const violations: ContractViolation[] = [];

    for (const parameter of operation.pathParameters) {
      if (parameter.definition === undefined) continue;
      const value = resolution.params[parameter.name];
      const validate = this.validator(operation.version, 'request', parameter.definition);
      if (!validate(value)) {
        const details = formatAjvErrors(validate.errors).map((line) => line.replace(/^\(root\) /, ''));
        violations.push(violation(`path parameter ${parameter.name}='${value}' ${details.join('; ')}`));
      }
    }

    for (const [name, value] of resolution.query) {
      if (!name.startsWith('$') || SERVER_QUERY_OPTIONS.has(name)) continue;
      const declared = operation.queryParameters.get(name);
      if (declared === undefined) {
        const allowed = [...operation.queryParameters.keys()].filter((k) => k.startsWith('$'));
        violations.push(
          violation(
            `query option ${name} is not declared for this operation (declared: ${allowed.length > 0 ? allowed.join(', ') : 'none'})`,
          ),
        );
        continue;
      }
      const problem = checkQueryValue(declared.schema, value);
      if (problem !== undefined) violations.push(violation(`query option ${name}=${value} ${problem}`));
    }

    const parsed = parseBody(body);
    const spec = operation.requestBody;
    if (parsed.error !== undefined) {
      violations.push(violation(`request body ${parsed.error}`));
    } else if (spec === undefined) {
      const emptyObject = isObject(parsed.value) && Object.keys(parsed.value).length === 0;
      if (parsed.present && !emptyObject) {
        violations.push(
          violation(`the operation takes no request body, but one was sent: ${describeValue(parsed.value)}`),
        );
      }
    } else if (!parsed.present) {
      if (spec.required) violations.push(violation(`a JSON request body (${spec.schemaName}) is required`));
    } else {
      const validate = this.validator(operation.version, 'request', spec.definition);
      if (!validate(parsed.value)) {
        violations.push(
          violation(`request body does not match ${spec.schemaName}: ${formatAjvErrors(validate.errors).join('; ')}`),
        );
      }
    }
    return violations;
  }

  checkResponse(method: string, url: string, status: number, body?: unknown): ContractViolation[] {
    const resolution = this.resolve(method, url);
    const upper = method.toUpperCase();
    if (!resolution.ok) {
      return [
        {
          where: 'response',
          method: upper,
          path: resolution.path,
          template: resolution.template,
          status,
          message: resolution.message,
        },
      ];
    }
    const { operation } = resolution;
    const violation = (message: string): ContractViolation => ({
      where: 'response',
      method: upper,
      path: resolution.path,
      template: `${operation.version} ${operation.template}`,
      status,
      message,
    });

    const key = [String(status), `${Math.floor(status / 100)}XX`, 'default'].find((k) => operation.responses.has(k));
    if (key === undefined) {
      return [
        violation(`status ${status} is not described (described: ${[...operation.responses.keys()].join(', ')})`),
      ];
    }
    const spec = operation.responses.get(key)!;
    const parsed = parseBody(body);
    if (status === 204) {
      return parsed.present
        ? [violation(`204 No Content must not carry a body, got ${describeValue(parsed.value ?? body)}`)]
        : [];
    }
    if (parsed.error !== undefined) return [violation(`response body ${parsed.error}`)];
    if (spec.definition === undefined) {
      return parsed.present
        ? [violation(`the description declares no body for ${key}, but one was sent: ${describeValue(parsed.value)}`)]
        : [];
    }
    if (!parsed.present)
      return [violation(`a JSON body (${spec.schemaName}) is described for ${key}, but none was sent`)];
    const validate = this.validator(operation.version, 'response', spec.definition);
    if (validate(parsed.value)) return [];
    return [
      violation(
        `response body does not match ${spec.schemaName} (${key}): ${formatAjvErrors(validate.errors).join('; ')}`,
      ),
    ];
  }

  check(exchange: GraphExchange): ContractViolation[] {
    const request = this.checkRequest(exchange.method, exchange.url, exchange.requestBody);
    // An unknown path or method is reported once, not again for the response.
    if (!this.resolve(exchange.method, exchange.url).ok) return request;
    return [...request, ...this.checkResponse(exchange.method, exchange.url, exchange.status, exchange.responseBody)];
  }

  // -------------------------------------------------------------------------------------------

  private resolve(method: string, url: string): Resolution {
    const cacheKey = `${method} ${url}`;
    const cached = this.resolutions.get(cacheKey);
    if (cached !== undefined) return cached;
    const resolution = this.resolveUncached(method.toUpperCase(), url);
    if (this.resolutions.size >= 2000) this.resolutions.clear();
    this.resolutions.set(cacheKey, resolution);
    return resolution;
  }

  private resolveUncached(method: string, url: string): Resolution {
    let parsed: URL;
    try {
      parsed = new URL(url, 'https://graph.microsoft.com');
    } catch {
      return { ok: false, path: url, message: `${method} ${url}: not a URL` };
    }
    const path = parsed.pathname;
    const raw = path.split('/').slice(1);
    const version = VERSIONS.find((v) => v === raw[0]);
    if (version === undefined) {
      return {
        ok: false,
        path,
        message: `${method} ${path} is not in the OpenAPI description (the path must start with /v1.0/ or /beta/)`,
      };
    }
    const segments = raw.slice(1).map(decodeSegment);
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
    const relative = `/${segments.join('/')}`;
    const doc = this.documents[version];
    const candidates = doc.routesBySegments.get(segments.length) ?? [];

    for (const route of candidates) {
      const m = route.regex.exec(relative);
      if (m === null) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = m[i + 1];
      });
      const operation = route.operations.get(method);
      if (operation === undefined) {
        return {
          ok: false,
          path,
          template: `${version} ${route.template}`,
          message: `${method} ${path} is not in the OpenAPI description: ${version} ${route.template} only describes ${[...route.operations.keys()].join(', ')}`,
        };
      }
      return { ok: true, path, operation, params, query: parsed.searchParams };
    }

    const nearCase = candidates.find((route) => route.regexIgnoreCase.test(relative));
    const hint = nearCase === undefined ? '' : ` (a path differing only in letter case exists: ${nearCase.template})`;
    return { ok: false, path, message: `${method} ${path} is not in the OpenAPI description (${version})${hint}` };
  }

  private validator(version: GraphVersion, mode: SchemaMode, definition: string): ValidateFunction {
    const rootId = `https://pim-bot.invalid/graph-contract/${version}/${mode}.json`;
    const key = `${rootId}#/definitions/${definition}`;
    let validate = this.validators.get(key);
    if (validate !== undefined) return validate;
    if (!this.roots.has(rootId)) {
      this.ajv.addSchema(this.buildRoot(version, mode, rootId));
      this.roots.add(rootId);
    }
    validate = this.ajv.getSchema(key);
    if (validate === undefined) throw new Error(`no schema ${key}`);
    this.validators.set(key, validate);
    return validate;
  }

  private buildRoot(version: GraphVersion, mode: SchemaMode, rootId: string): JsonObject {
    const doc = this.documents[version];
    const dispatchers = new Set(
      Object.entries(doc.components)
        .filter(([, schema]) => findDiscriminator(schema) !== undefined)
        .map(([name]) => name),
    );
    const ctx: TransformContext = {
      mode,
      components: doc.components,
      dispatchers,
      knownFormats: new Set(Object.keys(this.ajv.formats)),
      unknownFormats: this.droppedFormats,
    };
    const { definitions, enumRelaxations } = buildComponentDefinitions(ctx);
    for (const r of enumRelaxations) this.relaxed.add(`${version} ${r}`);

    for (const operation of doc.operations) {
      const item = (doc.raw.paths as JsonObject)[operation.template] as JsonObject;
      const op = item[operation.method.toLowerCase()] as JsonObject;
      if (mode === 'request') {
        if (operation.requestBody !== undefined) {
          definitions[operation.requestBody.definition] = transformSchema(jsonSchemaOf(doc.raw, op.requestBody), ctx);
        }
        for (const parameter of operation.pathParameters) {
          if (parameter.definition !== undefined) {
            definitions[parameter.definition] = transformSchema(parameter.schema, ctx);
          }
        }
      } else {
        const responses = op.responses as JsonObject;
        for (const [key, spec] of operation.responses) {
          if (spec.definition === undefined) continue;
          definitions[spec.definition] = transformSchema(jsonSchemaOf(doc.raw, responses[key]), ctx);
        }
      }
    }
    return { $id: rootId, definitions };
  }
}

function checkQueryValue(schema: unknown, value: string): string | undefined {
  if (!isObject(schema)) return undefined;
  if (schema.type === 'number' || schema.type === 'integer') {
    if (!/^-?\d+(\.\d+)?$/.test(value)) return 'must be a number';
    const n = Number(value);
    if (schema.format === 'int32' || schema.format === 'int64' || schema.type === 'integer') {
      if (!Number.isInteger(n)) return 'must be an integer';
    }
    if (typeof schema.minimum === 'number' && n < schema.minimum) return `must be >= ${schema.minimum}`;
    if (typeof schema.maximum === 'number' && n > schema.maximum) return `must be <= ${schema.maximum}`;
  } else if (schema.type === 'boolean' && value !== 'true' && value !== 'false') {
    return 'must be true or false';
  }
  return undefined;
}

function indexDocument(version: GraphVersion, raw: JsonObject): DocumentSpec {
  const components = (
    isObject(raw.components) && isObject(raw.components.schemas) ? raw.components.schemas : {}
  ) as Record<string, JsonObject>;
  const paths = isObject(raw.paths) ? raw.paths : {};
  const routes: RouteSpec[] = [];
  const operations: OperationSpec[] = [];

  for (const [template, itemValue] of Object.entries(paths)) {
    if (!isObject(itemValue)) continue;
    const compiled = compileTemplate(template);
    const route: RouteSpec = { version, template, ...compiled, operations: new Map() };
    const itemParameters = Array.isArray(itemValue.parameters) ? itemValue.parameters : [];

    for (const method of HTTP_METHODS) {
      const op = itemValue[method];
      if (!isObject(op)) continue;
      const index = operations.length;
      const parameters = new Map<string, ParameterSpec>();
      // Operation-level parameters override path-item ones with the same name and location.
      for (const p of [...itemParameters, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const resolved = resolveLocalRef(raw, p);
        if (!isObject(resolved) || typeof resolved.name !== 'string' || typeof resolved.in !== 'string') continue;
        parameters.set(`${resolved.in}:${resolved.name}`, {
          name: resolved.name,
          in: resolved.in,
          schema: resolved.schema,
        });
      }
      const pathParameters = [...parameters.values()].filter((p) => p.in === 'path');
      pathParameters.forEach((p, i) => {
        const schema = p.schema;
        const trivial = isObject(schema) && schema.type === 'string' && Object.keys(schema).length === 1;
        if (schema !== undefined && !trivial) p.definition = `__op${index}_path_${i}`;
      });
      const queryParameters = new Map(
        [...parameters.values()].filter((p) => p.in === 'query').map((p) => [p.name, p] as const),
      );

      let requestBody: OperationSpec['requestBody'];
      if (op.requestBody !== undefined) {
        const schema = jsonSchemaOf(raw, op.requestBody);
        const body = resolveLocalRef(raw, op.requestBody);
        if (schema !== undefined) {
          requestBody = {
            definition: `__op${index}_request`,
            schemaName: schemaLabel(schema),
            required: isObject(body) && body.required === true,
          };
        }
      }

      const responses = new Map<string, ResponseSpec>();
      if (isObject(op.responses)) {
        for (const [key, response] of Object.entries(op.responses)) {
          const schema = jsonSchemaOf(raw, response);
          responses.set(key.toUpperCase(), {
            definition: schema === undefined ? undefined : `__op${index}_response_${key.toUpperCase()}`,
            schemaName: schemaLabel(schema),
          });
        }
      }

      const operation: OperationSpec = {
        version,
        template,
        method: method.toUpperCase(),
        operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
        pathParameters,
        queryParameters,
        requestBody,
        responses,
      };
      operations.push(operation);
      route.operations.set(operation.method, operation);
    }
    routes.push(route);
  }

  const routesBySegments = new Map<number, RouteSpec[]>();
  for (const route of routes) {
    const count = route.template.split('/').length - 1;
    const list = routesBySegments.get(count) ?? [];
    list.push(route);
    routesBySegments.set(count, list);
  }
  for (const list of routesBySegments.values()) list.sort((a, b) => b.score - a.score);
  return { version, raw, components, routesBySegments, operations };
}

// ---------------------------------------------------------------------------------------------
// Recording helpers for integration tests
// ---------------------------------------------------------------------------------------------

export interface RecordingFetchOptions {
  /** The fetch to wrap (default: the global fetch). */
  fetch?: typeof fetch;
  /** Receives every recorded exchange (for debugging or extra assertions). */
  exchanges?: GraphExchange[];
}

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = Parameters<typeof fetch>[1];

function urlOf(input: FetchInput): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** The request body as text; `null` when it is a stream that cannot be read without consuming it. */
async function requestText(input: FetchInput, init: FetchInit): Promise<string | undefined | null> {
  const body = init?.body;
  if (body !== undefined && body !== null) {
    if (typeof body === 'string') return body;
    if (body instanceof ReadableStream) return null;
    return new Response(body).text();
  }
  if (typeof input !== 'string' && !(input instanceof URL) && input.body !== null) return input.clone().text();
  return undefined;
}

function parseJsonText(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // reported by the contract as "not JSON"
  }
}

/**
 * A `fetch` that forwards to `options.fetch` (or the global fetch) unchanged and checks every
 * exchange whose URL path starts with `/v1.0/` or `/beta/` against the contract, appending any
 * violations to `violations`. Bodies are read from clones, so callers see untouched responses.
 */
export function recordingFetch(
  contract: GraphContract,
  violations: ContractViolation[],
  options: RecordingFetchOptions = {},
): typeof fetch {
  const recorded = async (input: FetchInput, init?: FetchInit): Promise<Response> => {
    const inner = options.fetch ?? globalThis.fetch;
    const url = urlOf(input);
    const path = new URL(url, 'https://graph.microsoft.com').pathname;
    if (!path.startsWith('/v1.0/') && !path.startsWith('/beta/')) return inner(input, init);

    const method = (
      init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')
    ).toUpperCase();
    const text = await requestText(input, init);
    const response = await inner(input, init);
    const responseBody = parseJsonText(await response.clone().text());
    const exchange: GraphExchange = {
      method,
      url,
      requestBody: parseJsonText(text ?? undefined),
      status: response.status,
      responseBody,
    };
    options.exchanges?.push(exchange);
    violations.push(
      ...(text === null
        ? contract.checkResponse(method, url, response.status, responseBody) // streamed request body: unreadable
        : contract.check(exchange)),
    );
    return response;
  };
  return recorded as typeof fetch;
}

/** One line per violation, numbered, for failure messages and logs. */
export function formatViolations(violations: readonly ContractViolation[]): string {
  return violations
    .map((v, i) => {
      const status = v.status === undefined ? '' : ` → ${v.status}`;
      const template = v.template === undefined ? '' : ` [${v.template}]`;
      return `${i + 1}) ${v.where}: ${v.method} ${v.path}${status}${template}\n   ${v.message}`;
    })
    .join('\n');
}

/** Throws a readable error when any Graph exchange broke the OpenAPI contract. */
export function assertNoContractViolations(violations: readonly ContractViolation[]): void {
  if (violations.length === 0) return;
  throw new Error(
    `${violations.length} Graph contract violation${violations.length === 1 ? '' : 's'} (OpenAPI description, PIM-API.md §8 relaxations applied):\n${formatViolations(violations)}`,
  );
}
