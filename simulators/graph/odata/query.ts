import { graphErrors } from '../errors';
import { type GraphRequest, type GraphResponse, queryOption } from '../http';
import type { Json, JsonObject } from '../json';
import { evaluateFilter, type FilterNode, parseFilter } from './filter';

/**
 * An entity ready to be written: its structural properties, and its navigation properties as thunks
 * so $expand can follow them (recursively, with nested $select/$expand).
 */
export interface EntityNode {
  /** Qualified type name for error messages, e.g. 'microsoft.graph.unifiedRoleAssignmentScheduleRequest'. */
  typeName: string;
  json: JsonObject;
  navigation?: Record<string, () => EntityNode | EntityNode[] | null>;
}

export interface ExpandItem {
  name: string;
  select?: string[];
  expand?: ExpandItem[];
}

export interface ShapeOptions {
  select?: string[];
  expand?: ExpandItem[];
}

/** Splits on `sep` outside parentheses. */
function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function parseSelect(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

export function parseExpand(text: string | undefined): ExpandItem[] {
  if (!text) return [];
  return splitTopLevel(text, ',').map((item) => {
    const m = /^([\w.@]+)\s*(?:\((.*)\))?$/s.exec(item);
    if (!m?.[1]) throw graphErrors.badRequest(`Parsing OData Select and Expand failed: Syntax error in '${item}'.`);
    const out: ExpandItem = { name: m[1] };
    for (const opt of splitTopLevel(m[2] ?? '', ';')) {
      const eq = opt.indexOf('=');
      const key = opt.slice(0, eq).trim().replace(/^\$/, '').toLowerCase();
      const value = opt.slice(eq + 1);
      if (key === 'select') out.select = parseSelect(value);
      else if (key === 'expand') out.expand = parseExpand(value);
    }
    return out;
  });
}

function findKey(obj: JsonObject, name: string): string | undefined {
  return Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
}

/** Applies $select and $expand to one entity. */
export function shape(node: EntityNode, opts: ShapeOptions): JsonObject {
  const out: JsonObject = {};
  if (opts.select && !opts.select.includes('*')) {
    const odataType = node.json['@odata.type'];
    if (odataType !== undefined) out['@odata.type'] = odataType;
    for (const name of opts.select) {
      const key = findKey(node.json, name);
      if (key !== undefined) {
        out[key] = node.json[key] ?? null;
      } else if (
        !node.navigation ||
        !Object.keys(node.navigation).some((k) => k.toLowerCase() === name.toLowerCase())
      ) {
        throw graphErrors.badRequest(
          `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type '${node.typeName}'.`,
        );
      }
    }
  } else {
    Object.assign(out, node.json);
  }
  for (const item of opts.expand ?? []) {
    const navKey =
      node.navigation && Object.keys(node.navigation).find((k) => k.toLowerCase() === item.name.toLowerCase());
    const nav = navKey ? node.navigation?.[navKey] : undefined;
    if (!navKey || !nav) {
      throw graphErrors.badRequest(
        `Parsing OData Select and Expand failed: Could not find a property named '${item.name}' on type '${node.typeName}'.`,
      );
    }
    const value = nav();
    const nested: ShapeOptions = { select: item.select, expand: item.expand };
    out[navKey] =
      value === null ? null : Array.isArray(value) ? value.map((v) => shape(v, nested)) : shape(value, nested);
  }
  return out;
}

/** `nav(nested...)`: an expanded navigation as the context URL names it, e.g. `policy(rules())`. */
function expandedInContext(item: ExpandItem): string {
  return `${item.name}(${[...(item.select ?? []), ...(item.expand ?? []).map(expandedInContext)].join(',')})`;
}

/**
 * The @odata.context names the $select and the $expand, as Graph's sample for
 * `roleManagementPolicyAssignments?...&$expand=policy($expand=rules)` shows:
 * `$metadata#policies/roleManagementPolicyAssignments(policy(rules()))` (DOCS
 * api-reference/v1.0/api/policyroot-list-rolemanagementpolicyassignments.md, example 2). Function
 * collections (`Collection(...)`) keep their plain type context.
 */
function contextUrl(
  req: GraphRequest,
  contextPath: string,
  select: string[] | undefined,
  entity: boolean,
  expand: ExpandItem[] = [],
): string {
  const named = contextPath.startsWith('Collection(') ? [] : expand.map(expandedInContext);
  const parts = [...(select ?? []), ...named];
  const sel = parts.length ? `(${parts.join(',')})` : '';
  return `${req.baseUrl}/${req.version}/$metadata#${contextPath}${sel}${entity ? '/$entity' : ''}`;
}

export function entityResponse(req: GraphRequest, node: EntityNode, contextPath: string, status = 200): GraphResponse {
  const select = parseSelect(queryOption(req, 'select'));
  const expand = parseExpand(queryOption(req, 'expand'));
  const body = shape(node, { select, expand });
  return { status, body: { '@odata.context': contextUrl(req, contextPath, select, true, expand), ...body } };
}

export function parseFilterOption(req: GraphRequest): FilterNode | undefined {
  const text = queryOption(req, 'filter');
  return text === undefined || text.trim() === '' ? undefined : parseFilter(text);
}

function decodeSkipToken(token: string): number {
  const n = Number(
    Buffer.from(token, 'base64url')
      .toString('utf8')
      .replace(/^skip:/, ''),
  );
  if (!Number.isInteger(n) || n < 0) throw graphErrors.badRequest('The $skiptoken is invalid.');
  return n;
}

function orderValue(v: Json | undefined): string | number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return '';
}

/**
 * A collection's entities, built only when read: an unfiltered listing builds just the page it answers,
 * so paging through a large collection costs the pages, not the collection once per page.
 */
export class LazyNodes {
  private constructor(
    readonly length: number,
    private readonly build: (start: number, end: number) => EntityNode[],
  ) {}

  static of<T>(items: readonly T[], node: (item: T) => EntityNode): LazyNodes {
    return new LazyNodes(items.length, (start, end) => items.slice(start, end).map((i) => node(i)));
  }

  slice(start: number, end: number): EntityNode[] {
    return this.build(start, end);
  }

  all(): EntityNode[] {
    return this.build(0, this.length);
  }
}

export interface CollectionOptions {
  /** Page size when the caller sends no $top. */
  defaultPageSize?: number;
  /** Used in "Could not find a property" errors when the collection is empty. */
  typeName?: string;
  /** An already-parsed filter (when the handler inspected it); otherwise parsed from the request. */
  filter?: FilterNode;
  /**
   * What $filter sees of an item, when Graph reads a filter term as a scope selector rather than a
   * comparison with the property it answers (policy assignments: `scopeType eq 'Directory'` answers
   * items whose scopeType is `DirectoryRole`, so the term must not drop them).
   */
  filterView?: (json: JsonObject) => JsonObject;
}

/**
 * PIM collections document only $select, $filter, $expand (and $top for paging); other options are
 * refused the way OData services behind Graph refuse them rather than served (FIDELITY.md; the exact
 * wording is UNVERIFIED for PIM).
 */
function refuseUndocumentedOptions(req: GraphRequest): void {
  if (!/\/(roleManagement|identityGovernance\/privilegedAccess)\//i.test(req.pathname)) return;
  if (/\/roleDefinitions/i.test(req.pathname)) return;
  for (const [option, name] of [
    ['orderby', 'OrderBy'],
    ['count', 'Count'],
    ['skip', 'Skip'],
  ] as const) {
    if (queryOption(req, option) !== undefined) {
      throw graphErrors.badRequest(
        `The query specified in the URI is not valid. Query option '${name}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
      );
    }
  }
}

/**
 * A Graph collection response: $filter, $orderby, $count, paging ($top, $skiptoken with an absolute
 * https @odata.nextLink that repeats the other query options), then $select/$expand per item.
 */
export function collectionResponse(
  req: GraphRequest,
  nodes: EntityNode[] | LazyNodes,
  contextPath: string,
  options: CollectionOptions = {},
): GraphResponse {
  refuseUndocumentedOptions(req);
  const filter = options.filter ?? parseFilterOption(req);
  const view = options.filterView ?? ((json: JsonObject) => json);
  const orderby = queryOption(req, 'orderby');
  const built = (): EntityNode[] => (nodes instanceof LazyNodes ? nodes.all() : nodes);
  let items: EntityNode[] | LazyNodes = filter
    ? built().filter((n) => evaluateFilter(filter, view(n.json), n.typeName))
    : orderby
      ? built()
      : nodes;

  if (orderby) {
    const terms = orderby.split(',').map((t) => {
      const [path = '', dir = 'asc'] = t.trim().split(/\s+/);
      return { key: path, desc: dir.toLowerCase() === 'desc' };
    });
    items = [...(items instanceof LazyNodes ? items.all() : items)].sort((a, b) => {
      for (const term of terms) {
        const ka = findKey(a.json, term.key);
        const kb = findKey(b.json, term.key);
        const va = orderValue(ka ? a.json[ka] : undefined);
        const vb = orderValue(kb ? b.json[kb] : undefined);
        if (va < vb) return term.desc ? 1 : -1;
        if (va > vb) return term.desc ? -1 : 1;
      }
      return 0;
    });
  }

  const topText = queryOption(req, 'top');
  let top = options.defaultPageSize ?? 100;
  if (topText !== undefined) {
    top = Number(topText);
    if (!Number.isInteger(top) || top < 0) {
      throw graphErrors.badRequest(`Invalid value '${topText}' for $top query option found.`);
    }
    top = Math.min(top, 999);
  }
  const skipToken = queryOption(req, 'skiptoken');
  const skipText = queryOption(req, 'skip');
  const offset = skipToken ? decodeSkipToken(skipToken) : skipText ? Number(skipText) || 0 : 0;
  const page = items.slice(offset, offset + top);

  const select = parseSelect(queryOption(req, 'select'));
  const expand = parseExpand(queryOption(req, 'expand'));
  const body: JsonObject = { '@odata.context': contextUrl(req, contextPath, select, false, expand) };
  const count = queryOption(req, 'count');
  if (count?.toLowerCase() === 'true') body['@odata.count'] = items.length;
  // Items of a function's collection (filterByCurrentUser) name their type, as in the docs' samples.
  const typed = contextPath.startsWith('Collection(');
  body.value = page.map((n) =>
    typed ? { '@odata.type': `#${n.typeName}`, ...shape(n, { select, expand }) } : shape(n, { select, expand }),
  );
  if (top > 0 && offset + top < items.length) {
    const kept = req.rawQuery.split('&').filter((kv) => kv && !/^(%24|\$)?(skiptoken|skip)=/i.test(kv));
    kept.push(`$skiptoken=${Buffer.from(`skip:${offset + top}`).toString('base64url')}`);
    body['@odata.nextLink'] = `${req.baseUrl}${req.pathname}?${kept.join('&')}`;
  }
  return { status: 200, body };
}
