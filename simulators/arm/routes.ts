import { cancelRequest, decideStage, getApproval, getStage, listApprovals, listStages } from './approvals';
import { submitRequest, validationView } from './activation';
import type { ArmContext, ArmResponse } from './context';
import { requestJson } from './entities';
import { API_VERSIONS, armErrors } from './errors';
import { normalizeScope } from './scopes';
import {
  eligibleChildResources,
  getAssignmentInstance,
  getEligibility,
  getPolicy,
  getRequest,
  listAssignmentInstances,
  listEligibility,
  listPolicies,
  listRequests,
  roleDefinitions,
} from './reads';

/**
 * `{scope}/providers/Microsoft.Authorization/{type}[/{name}[/{rest}]]` → handler. The scope is pasted
 * into the path unencoded (x-ms-skip-url-encoding, ARM-PIM.md §1); the tenant root has none.
 */

const MARKER = '/providers/microsoft.authorization/';

export interface ParsedPath {
  scope: string;
  type: string;
  name?: string;
  rest: string[];
}

export function parsePath(pathname: string): ParsedPath {
  const at = pathname.toLowerCase().lastIndexOf(MARKER);
  if (at < 0) throw armErrors.notFoundPath(pathname);
  const scope = normalizeScope(pathname.slice(0, at));
  const [type = '', name, ...rest] = pathname
    .slice(at + MARKER.length)
    .split('/')
    .map(decodeURIComponent);
  return { scope, type: type.toLowerCase(), name, rest: rest.map((r) => r.toLowerCase()) };
}

/** The api-version each resource type serves: the field guide's (ARM-PIM.md §1); roleDefinitions' is UNVERIFIED. */
export function apiVersionFor(type: string): string {
  if (type === 'roleassignmentapprovals') return API_VERSIONS.approvals;
  if (type === 'roledefinitions') return '2022-04-01';
  return API_VERSIONS.pim;
}

export function checkApiVersion(type: string, query: URLSearchParams): void {
  const given = query.get('api-version');
  if (given === null || given === '') throw armErrors.missingApiVersion();
  const supported = apiVersionFor(type);
  if (given !== supported) throw armErrors.invalidApiVersion(given, supported);
}

type Handler = (ctx: ArmContext) => ArmResponse;

function route(p: ParsedPath, method: string): Handler | undefined {
  const { type, name, rest } = p;
  const one = name !== undefined && rest.length === 0;
  const list = name === undefined;
  const get = method === 'GET';
  switch (type) {
    case 'roleeligibilityscheduleinstances':
    case 'roleeligibilityschedules': {
      const kind = type === 'roleeligibilityschedules' ? 'schedule' : 'instance';
      if (get && list) return (c) => listEligibility(c, kind);
      if (get && one) return (c) => getEligibility(c, kind, name);
      return undefined;
    }
    case 'roleassignmentscheduleinstances':
      if (get && list) return listAssignmentInstances;
      if (get && one) return (c) => getAssignmentInstance(c, name);
      return undefined;
    case 'roleassignmentschedulerequests':
      if (get && list) return listRequests;
      if (get && one) return (c) => getRequest(c, name);
      if (method === 'PUT' && one)
        return (c) => ({ status: 201, body: requestJson(c.state, submitRequest(c, name, true)) });
      if (method === 'POST' && name && rest.join('/') === 'cancel') return (c) => cancelRequest(c, name);
      if (method === 'POST' && name && rest.join('/') === 'validate') {
        return (c) => ({ status: 200, body: requestJson(c.state, validationView(submitRequest(c, name, false))) });
      }
      return undefined;
    case 'rolemanagementpolicies':
    case 'rolemanagementpolicyassignments': {
      const kind = type === 'rolemanagementpolicies' ? 'policy' : 'assignment';
      if (get && list) return (c) => listPolicies(c, kind);
      if (get && one) return (c) => getPolicy(c, kind, name);
      return undefined;
    }
    case 'eligiblechildresources':
      return get && list ? eligibleChildResources : undefined;
    case 'roleassignmentapprovals':
      if (get && list) return listApprovals;
      if (get && one) return (c) => getApproval(c, name);
      if (name && rest[0] === 'stages') {
        if (get && rest.length === 1) return (c) => listStages(c, name);
        const stage = rest.length === 2 ? rest[1] : undefined;
        if (stage && get) return (c) => getStage(c, name, stage);
        if (stage && (method === 'PUT' || method === 'PATCH')) return (c) => decideStage(c, name, stage);
      }
      return undefined;
    case 'roledefinitions':
      if (get && list) return (c) => roleDefinitions(c);
      if (get && one) return (c) => roleDefinitions(c, name);
      return undefined;
    default:
      return undefined;
  }
}

const KNOWN_TYPES = new Set([
  'roleeligibilityscheduleinstances',
  'roleeligibilityschedules',
  'roleassignmentscheduleinstances',
  'roleassignmentschedulerequests',
  'rolemanagementpolicies',
  'rolemanagementpolicyassignments',
  'eligiblechildresources',
  'roleassignmentapprovals',
  'roledefinitions',
]);

/** The handler for a parsed path, or ARM's 404 (unknown type or path) / 405 (known path, wrong method). */
export function resolve(p: ParsedPath, method: string, pathname: string): Handler {
  if (!KNOWN_TYPES.has(p.type)) throw armErrors.notFoundPath(pathname);
  const handler = route(p, method);
  if (handler) return handler;
  const other = ['GET', 'PUT', 'POST', 'PATCH'].some((m) => m !== method && route(p, m));
  throw other ? armErrors.methodNotAllowed(method) : armErrors.notFoundPath(pathname);
}
