/**
 * Contract check for Azure Resource Manager: holds every ARM PIM exchange the bot makes (in tests, against
 * simulators/arm) to the Swagger subset `openapi/arm-pim-openapi.json` (verbatim copy of
 * ../shared/arm/arm-pim-openapi.json; provenance in ARM-PIM.md and its `x-generated`). Same shape as
 * graph-contract.ts, for Swagger 2.0:
 *
 * - Routing: `{scope}` spans several segments (x-ms-skip-url-encoding) and must be one of the scope forms of
 *   ARM-PIM.md §1; tenant-root templates (no scope) are literal. Paths are matched case-sensitively, with a hint
 *   when only letter case differs.
 * - Query: `api-version` required with the operation's single value; other options must be declared
 *   (`$filter`), except `$skiptoken`, which ARM puts into `nextLink`.
 * - Bodies: request strict, response open (arm-openapi-schema.ts). A response with no schema (cancel's 200)
 *   must be empty; a stage decision may answer with an empty body (ARM-PIM.md §4: Learn says so).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { buildDefinitions, DEF_PREFIX, isObject, type JsonObject, type SchemaMode } from './arm-openapi-schema';
import { type ContractViolation, formatAjvErrors, formatViolations } from './graph-contract';

export type { ContractViolation } from './graph-contract';

export interface ArmExchange {
  method: string;
  url: string;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
}

const DEFAULT_FILE = fileURLToPath(new URL('./openapi/arm-pim-openapi.json', import.meta.url));
const SCOPE_FORMS = [
  /^providers\/Microsoft\.Management\/managementGroups\/[^/]+$/,
  /^(providers\/Microsoft\.Subscription\/)?subscriptions\/[^/]+$/,
  /^subscriptions\/[^/]+\/resourceGroups\/[^/]+$/,
  /^subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/,
];
/** ARM-PIM.md §4: "do not require a body" after a stage decision. */
const EMPTY_BODY_OK = /\/roleAssignmentApprovals\/\{approvalId\}\/stages\/\{stageId\}$/;

interface Operation {
  template: string;
  method: string;
  regex: RegExp;
  names: string[];
  apiVersion?: string;
  query: Set<string>;
  body?: { schema: unknown; required: boolean };
  responses: Map<string, unknown>;
}

type Resolved = { op: Operation; params: Record<string, string>; query: URLSearchParams; path: string };

export class ArmContract {
  private static cache = new Map<string, ArmContract>();
  private readonly operations: Operation[] = [];
  private readonly ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    allowUnionTypes: true,
  });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly roots = new Set<SchemaMode>();

  static load(file = process.env.PIMBOT_ARM_OPENAPI_FILE ?? DEFAULT_FILE): ArmContract {
    let contract = ArmContract.cache.get(file);
    if (!contract) {
      contract = new ArmContract(JSON.parse(readFileSync(file, 'utf8')) as JsonObject);
      ArmContract.cache.set(file, contract);
    }
    return contract;
  }

  constructor(private readonly doc: JsonObject) {
    addFormats(this.ajv);
    const shared = isObject(doc.parameters) ? doc.parameters : {};
    for (const [template, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
      if (!isObject(item)) continue;
      for (const [method, op] of Object.entries(item)) {
        if (!isObject(op) || !isObject(op.responses)) continue;
        const params = (Array.isArray(op.parameters) ? op.parameters : []).map((p) =>
          isObject(p) && typeof p.$ref === 'string' ? shared[p.$ref.split('/').pop() ?? ''] : p,
        );
        const query = new Set<string>();
        let apiVersion: string | undefined;
        let body: Operation['body'];
        for (const p of params) {
          if (!isObject(p)) continue;
          if (p.in === 'query' && p.name === 'api-version' && Array.isArray(p.enum)) apiVersion = String(p.enum[0]);
          else if (p.in === 'query') query.add(String(p.name));
          else if (p.in === 'body') body = { schema: p.schema, required: p.required === true };
        }
        const names: string[] = [];
        const source = template
          .split('/')
          .map((seg) => {
            const m = /^\{(\w+)\}$/.exec(seg);
            if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            names.push(m[1] as string);
            return m[1] === 'scope' ? '(.+?)' : '([^/]+)';
          })
          .join('/');
        const responses = new Map(
          Object.entries(op.responses).map(([k, v]) => [k, isObject(v) ? v.schema : undefined]),
        );
        this.operations.push({
          template,
          method: method.toUpperCase(),
          regex: new RegExp(`^${source}$`),
          names,
          apiVersion,
          query,
          body,
          responses,
        });
      }
    }
    // Literal (tenant-root) templates before scoped ones.
    this.operations.sort((a, b) => Number(a.names.includes('scope')) - Number(b.names.includes('scope')));
  }

  match(method: string, url: string): { template: string; params: Record<string, string> } | undefined {
    const r = this.resolve(method, url);
    return 'op' in r ? { template: r.op.template, params: r.params } : undefined;
  }

  check(e: ArmExchange): ContractViolation[] {
    return [
      ...this.checkRequest(e.method, e.url, e.requestBody),
      ...this.checkResponse(e.method, e.url, e.status, e.responseBody),
    ];
  }

  checkRequest(method: string, url: string, body?: unknown): ContractViolation[] {
    const r = this.resolve(method, url);
    const upper = method.toUpperCase();
    if (!('op' in r)) return [{ where: 'request', method: upper, path: r.path, message: r.message }];
    const v = (message: string): ContractViolation => ({
      where: 'request',
      method: upper,
      path: r.path,
      template: r.op.template,
      message,
    });
    const out: ContractViolation[] = [];
    const scope = r.params.scope;
    if (scope !== undefined && !SCOPE_FORMS.some((f) => f.test(scope))) {
      out.push(
        v(`scope '${scope}' is not a management group, subscription, resource group or resource (ARM-PIM.md §1)`),
      );
    }
    const given = r.query.get('api-version');
    if (given === null) out.push(v(`api-version is required (${r.op.apiVersion})`));
    else if (given !== r.op.apiVersion) out.push(v(`api-version must be ${r.op.apiVersion}, got ${given}`));
    for (const key of new Set(r.query.keys())) {
      if (key !== 'api-version' && key !== '$skiptoken' && !r.op.query.has(key))
        out.push(v(`query option ${key} is not declared`));
    }
    const present = body !== undefined && body !== null && body !== '';
    if (!r.op.body && present) out.push(v('the operation takes no body'));
    if (r.op.body?.required && !present) out.push(v('a body is required'));
    if (r.op.body && present) {
      const validate = this.validator('request', r.op.body.schema);
      if (!validate(parse(body))) out.push(...lines(validate.errors).map(v));
    }
    return out;
  }

  checkResponse(method: string, url: string, status: number, body?: unknown): ContractViolation[] {
    const r = this.resolve(method, url);
    const upper = method.toUpperCase();
    if (!('op' in r)) return [{ where: 'response', method: upper, path: r.path, status, message: r.message }];
    const v = (message: string): ContractViolation => ({
      where: 'response',
      method: upper,
      path: r.path,
      template: r.op.template,
      status,
      message,
    });
    const key = r.op.responses.has(String(status))
      ? String(status)
      : r.op.responses.has('default') && status >= 400
        ? 'default'
        : undefined;
    if (key === undefined) return [v(`status ${status} is not declared (${[...r.op.responses.keys()].join(', ')})`)];
    const schema = r.op.responses.get(key);
    const present = body !== undefined && body !== null && body !== '';
    if (schema === undefined) return present ? [v('the response must have no body')] : [];
    if (!present) return EMPTY_BODY_OK.test(r.op.template) ? [] : [v('a body is required')];
    const validate = this.validator('response', schema);
    return validate(parse(body)) ? [] : lines(validate.errors).map(v);
  }

  private resolve(method: string, url: string): Resolved | { path: string; message: string } {
    const parsed = new URL(url, 'https://management.azure.com');
    const path = parsed.pathname;
    const upper = method.toUpperCase();
    const find = (p: string) => this.operations.filter((o) => o.regex.test(p));
    const candidates = find(path);
    const op = candidates.find((o) => o.method === upper);
    if (!op) {
      if (candidates.length > 0) return { path, message: `${upper} is not declared for ${candidates[0]?.template}` };
      const nearCase = this.operations.find((o) => new RegExp(o.regex.source, 'i').test(path));
      const hint = nearCase ? ` (a path differing only in letter case exists: ${nearCase.template})` : '';
      return { path, message: `${upper} ${path} is not in the ARM description${hint}` };
    }
    const m = op.regex.exec(path) as RegExpExecArray;
    const params = Object.fromEntries(op.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
    return { op, params, query: parsed.searchParams, path };
  }

  private validator(mode: SchemaMode, schema: unknown): ValidateFunction {
    const rootId = `https://pim-bot.invalid/arm-contract/${mode}.json`;
    if (!this.roots.has(mode)) {
      const raw = (isObject(this.doc.definitions) ? this.doc.definitions : {}) as Record<string, JsonObject>;
      this.ajv.addSchema({
        $id: rootId,
        definitions: buildDefinitions(raw, mode, new Set(Object.keys(this.ajv.formats))),
      });
      this.roots.add(mode);
    }
    const ref = isObject(schema) && typeof schema.$ref === 'string' ? schema.$ref.slice(DEF_PREFIX.length) : '';
    const key = `${rootId}#/definitions/${ref}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.getSchema(key);
      if (!validate) throw new Error(`no schema ${key}`);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

function parse(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function lines(errors: ErrorObject[] | null | undefined): string[] {
  const named = (errors ?? []).map((e) =>
    e.keyword === 'additionalProperties'
      ? { ...e, message: `must NOT have property '${String(e.params.additionalProperty)}' (undeclared or read-only)` }
      : e,
  );
  return formatAjvErrors(named);
}

/** A fetch that checks every exchange with a Microsoft.Authorization path against the contract. */
export function armRecordingFetch(
  contract: ArmContract,
  violations: ContractViolation[],
  exchanges?: ArmExchange[],
  inner: typeof fetch = globalThis.fetch,
): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!/\/providers\/Microsoft\.Authorization\//i.test(new URL(url).pathname)) return inner(input, init);
    const method = (init?.method ?? 'GET').toUpperCase();
    const requestBody = typeof init?.body === 'string' ? parse(init.body) : undefined;
    const response = await inner(input, init);
    const text = await response.clone().text();
    const exchange: ArmExchange = {
      method,
      url,
      requestBody,
      status: response.status,
      responseBody: text === '' ? undefined : parse(text),
    };
    exchanges?.push(exchange);
    violations.push(...contract.check(exchange));
    return response;
  }) as typeof fetch;
}

export function assertNoArmContractViolations(violations: readonly ContractViolation[]): void {
  if (violations.length === 0) return;
  throw new Error(
    `${violations.length} ARM contract violation(s) (arm-pim-openapi.json):\n${formatViolations(violations)}`,
  );
}
