import type { HandlerContext } from '../context';
import type { AuditEvent } from '../directory-audits';
import { GraphError, graphErrors } from '../errors';
import { type GraphRequest, type GraphResponse, queryOption } from '../http';
import type { JsonObject } from '../json';
import { evaluateFilter, type FilterNode } from '../odata/filter';
import { type EntityNode, parseFilterOption, parseSelect, shape } from '../odata/query';
import { hasAnyPermission, type PermissionsByKind } from '../permissions';
import type { Route } from '../router';

/**
 * GET /auditLogs/directoryAudits (and one event by id), as DOCS api-reference/v1.0/api/directoryaudit-list.md
 * documents it (FEATURES-API.md §2.2): `$filter` with `eq`, `ge`, `le`, `startswith` (joined by `and`),
 * `$top`, `$orderby`, `$skiptoken`; anything else is refused rather than served. FIDELITY.md, "Directory audits".
 */

const TYPE = 'microsoft.graph.directoryAudit';
const CONTEXT = 'auditLogs/directoryAudits';
/** signIns documents 1,000 as default and maximum page size (FEATURES-API.md §2.1); directoryAudits is assumed the same (UNVERIFIED). */
const MAX_PAGE = 1_000;

/**
 * The include lists "AuditLog.Read.All and Directory.Read.All" (FEATURES-API.md §2.3). AuditLog.Read.All is the
 * permission that grants audit data; Directory.Read.All alone is refused for audit reports (issue
 * microsoftgraph/microsoft-graph-docs-contrib#8997), so only AuditLog.Read.All is accepted here.
 */
export const AUDIT_LOG_READ: PermissionsByKind = {
  delegated: ['AuditLog.Read.All'],
  application: ['AuditLog.Read.All'],
};

/** Which operators each documented filterable property takes (FEATURES-API.md §2.2; `category`: UNVERIFIED, widely used). */
const FILTERABLE: Record<string, ReadonlySet<string>> = {
  activitydatetime: new Set(['eq', 'ge', 'le']),
  activitydisplayname: new Set(['eq', 'startswith']),
  category: new Set(['eq']),
  correlationid: new Set(['eq']),
  loggedbyservice: new Set(['eq']),
  'initiatedby/user/id': new Set(['eq']),
  'initiatedby/user/userprincipalname': new Set(['eq', 'startswith']),
  'initiatedby/app/appid': new Set(['eq']),
  // targetResources/id and /displayName need a lambda (`targetResources/any(t: …)`), which is not modelled.
};

function refuse(detail: string): GraphError {
  // Reporting APIs answer 400 "Invalid filter clause" (MicrosoftDocs/SupportArticles-docs#668, signIns); the detail is the simulator's.
  return graphErrors.badRequest(`Invalid filter clause: ${detail}`);
}

/** Refuses what the page does not document; returns the time window its top-level `and` terms pin. */
function checkFilter(node: FilterNode, refuseCategory: boolean): { from?: Date; to?: Date } {
  switch (node.kind) {
    case 'and':
    case 'or': {
      if (node.kind === 'or')
        throw refuse("'or' is not supported on directoryAudits (documented: eq, ge, le, startswith).");
      const l = checkFilter(node.left, refuseCategory);
      const r = checkFilter(node.right, refuseCategory);
      const from = [l.from, r.from].filter((d): d is Date => d !== undefined).sort((a, b) => +b - +a)[0];
      const to = [l.to, r.to].filter((d): d is Date => d !== undefined).sort((a, b) => +a - +b)[0];
      return { from, to };
    }
    case 'not':
    case 'in':
      throw refuse(`'${node.kind}' is not supported on directoryAudits (documented: eq, ge, le, startswith).`);
    case 'fn':
    case 'cmp': {
      const op = node.kind === 'fn' ? node.name : node.op;
      const name = node.path.join('/');
      const ops = refuseCategory && name.toLowerCase() === 'category' ? undefined : FILTERABLE[name.toLowerCase()];
      if (!ops) throw refuse(`filtering on '${name}' is not supported on directoryAudits.`);
      if (!ops.has(op)) throw refuse(`the operator '${op}' is not supported for '${name}'.`);
      if (name.toLowerCase() !== 'activitydatetime' || node.kind !== 'cmp') return {};
      const at = typeof node.value === 'string' ? new Date(node.value) : null;
      if (!at || Number.isNaN(at.getTime())) throw refuse(`'${String(node.value)}' is not a date-time.`);
      return { from: node.op === 'le' ? undefined : at, to: node.op === 'ge' ? undefined : at };
    }
  }
}

function orderOf(req: GraphRequest): 'asc' | 'desc' {
  const text = queryOption(req, 'orderby');
  // Newest first when unordered, as the signIns page says of its own results (UNVERIFIED for directoryAudits).
  if (text === undefined) return 'desc';
  const m = /^\s*activityDateTime(?:\s+(asc|desc))?\s*$/i.exec(text);
  if (!m)
    throw graphErrors.badRequest(`The $orderby '${text}' is not supported on directoryAudits (activityDateTime only).`);
  return (m[1]?.toLowerCase() as 'asc' | 'desc' | undefined) ?? 'asc';
}

function pageSize(req: GraphRequest): number {
  const text = queryOption(req, 'top');
  if (text === undefined) return MAX_PAGE;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw graphErrors.badRequest(
      `Invalid page size specified: '${text}'. Must be between 1 and ${MAX_PAGE} inclusive.`,
    );
  }
  return n;
}

function offsetOf(req: GraphRequest): number {
  const token = queryOption(req, 'skiptoken');
  if (token === undefined) return 0;
  const n = Number(
    Buffer.from(token, 'base64url')
      .toString('utf8')
      .replace(/^audit:/, ''),
  );
  if (!Number.isInteger(n) || n < 0) throw graphErrors.badRequest('The $skiptoken is invalid.');
  return n;
}

function requireAuditAccess(ctx: HandlerContext): void {
  if (!hasAnyPermission(ctx.caller, AUDIT_LOG_READ)) {
    // microsoftgraph/microsoft-graph-explorer-v4#3165, microsoftgraph/microsoft-graph-docs-contrib#8997.
    throw new GraphError(
      403,
      'Authentication_MSGraphPermissionMissing',
      'Calling principal does not have required MSGraph permissions AuditLog.Read.All',
    );
  }
  if (!ctx.state.audit.settings.premium) {
    // FEATURES-API.md §2.4 (sign-ins; the same licence gate on audits is UNVERIFIED).
    throw new GraphError(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Neither tenant is B2C or tenant doesn't have premium license",
    );
  }
}

function node(e: AuditEvent): EntityNode {
  return { typeName: TYPE, json: e.json() };
}

function list(ctx: HandlerContext): GraphResponse {
  requireAuditAccess(ctx);
  const req = ctx.req;
  for (const [option, name] of [
    ['skip', 'Skip'],
    ['count', 'Count'],
    ['expand', 'Expand'],
    ['search', 'Search'],
  ] as const) {
    if (queryOption(req, option) !== undefined) {
      throw graphErrors.badRequest(
        `The query specified in the URI is not valid. Query option '${name}' is not allowed.`,
      );
    }
  }
  const filter = parseFilterOption(req);
  const window = filter ? checkFilter(filter, ctx.state.audit.settings.refuseCategoryFilter) : {};
  const order = orderOf(req);
  const top = pageSize(req);
  const offset = offsetOf(req);
  const events = ctx.state.audit.range(ctx.now, window.from, window.to);
  // Built only when filtered or answered: a window read costs its own entries, an unfiltered page its page.
  let nodes: Array<AuditEvent | EntityNode> = filter
    ? events.map(node).filter((n) => evaluateFilter(filter, n.json, TYPE))
    : events;
  if (order === 'desc') nodes = nodes.reverse();
  const select = parseSelect(queryOption(req, 'select'));
  const body: JsonObject = {
    '@odata.context': `${req.baseUrl}/${req.version}/$metadata#${CONTEXT}${select ? `(${select.join(',')})` : ''}`,
    value: nodes.slice(offset, offset + top).map((n) => shape('typeName' in n ? n : node(n), { select })),
  };
  if (offset + top < nodes.length) {
    const kept = req.rawQuery.split('&').filter((kv) => kv && !/^(%24|\$)?skiptoken=/i.test(kv));
    kept.push(`$skiptoken=${Buffer.from(`audit:${offset + top}`).toString('base64url')}`);
    body['@odata.nextLink'] = `${req.baseUrl}${req.pathname}?${kept.join('&')}`;
  }
  return { status: 200, body };
}

export function auditLogRoutes(): Route<HandlerContext>[] {
  return [
    { method: 'GET', path: '/auditLogs/directoryAudits', handler: (ctx) => list(ctx) },
    {
      method: 'GET',
      path: '/auditLogs/directoryAudits/{id}',
      handler: (ctx, { id = '' }) => {
        requireAuditAccess(ctx);
        const found = ctx.state.audit.range(ctx.now).find((e) => e.id.toLowerCase() === id.toLowerCase());
        if (!found) throw graphErrors.pimNotFound();
        const select = parseSelect(queryOption(ctx.req, 'select'));
        return {
          status: 200,
          body: {
            '@odata.context': `${ctx.req.baseUrl}/${ctx.req.version}/$metadata#${CONTEXT}/$entity`,
            ...shape(node(found), { select }),
          },
        };
      },
    },
  ];
}
