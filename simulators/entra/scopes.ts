import { AadErrors } from './aad-errors';
import { GRAPH_APP_ID, GRAPH_RESOURCE, OIDC_SCOPES } from './constants';

/** What a `scope` parameter asks for. Microsoft Graph is the only resource this authority issues tokens for. */
export interface ScopeRequest {
  /** openid, profile, email, offline_access as requested. */
  oidc: string[];
  /** Graph permission names requested (without the resource prefix); '.default' for all consented ones. */
  graphPermissions: string[];
}

const GRAPH_PREFIXES = [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`];

/** Parses a space-separated scope list; refuses resources other than Graph as Entra does an unknown resource. */
export function parseScopeParameter(scope: string | undefined, tenantId: string): ScopeRequest {
  if (!scope?.trim()) throw AadErrors.missingScope();
  const request: ScopeRequest = { oidc: [], graphPermissions: [] };
  for (const item of scope.trim().split(/\s+/)) {
    if (OIDC_SCOPES.has(item.toLowerCase())) {
      request.oidc.push(item.toLowerCase());
      continue;
    }
    const prefix = GRAPH_PREFIXES.find((p) => item.toLowerCase().startsWith(p));
    if (prefix) {
      const permission = item.slice(prefix.length).replace(/^\/+/, '');
      if (!permission) throw AadErrors.invalidScope(item);
      request.graphPermissions.push(permission);
      continue;
    }
    if (/^[A-Za-z][\w.-]*$/.test(item)) {
      // A bare permission name means Microsoft Graph, as in Entra.
      request.graphPermissions.push(item);
      continue;
    }
    throw AadErrors.resourceNotFound(resourceOf(item), tenantId);
  }
  return request;
}

/** client_credentials: exactly one `<resource>/.default`, and the resource must be Graph. */
export function requireGraphDefaultScope(scope: string | undefined, tenantId: string): void {
  if (!scope?.trim()) throw AadErrors.missingScope();
  const items = scope.trim().split(/\s+/);
  for (const item of items) {
    if (!item.endsWith('/.default')) throw AadErrors.clientCredentialsNeedDefaultScope(item);
  }
  if (items.length > 1) throw AadErrors.multipleResources();
  const parsed = parseScopeParameter(scope, tenantId);
  if (parsed.graphPermissions.join() !== '.default') throw AadErrors.invalidScope(scope);
}

/** The `scope` echoed in a delegated token response: what was granted, as Entra lists it. */
export function grantedDelegatedScope(request: ScopeRequest, consented: readonly string[]): string {
  const granted = consented.map((p) => `${GRAPH_RESOURCE}/${p}`);
  if (request.graphPermissions.includes('.default')) granted.push(`${GRAPH_RESOURCE}/.default`);
  const oidc = request.oidc.filter((s) => s !== 'offline_access');
  return [...granted, ...oidc].join(' ');
}

/** Requested Graph permissions the app has no consent for (empty when only '.default' was asked for). */
export function unconsentedPermissions(request: ScopeRequest, consented: readonly string[]): string[] {
  const have = new Set(consented.map((p) => p.toLowerCase()));
  return request.graphPermissions.filter((p) => p !== '.default' && !have.has(p.toLowerCase()));
}

function resourceOf(scope: string): string {
  const schemeEnd = scope.indexOf('://');
  const pathStart = scope.indexOf('/', schemeEnd >= 0 ? schemeEnd + 3 : 0);
  return pathStart >= 0 ? scope.slice(0, scope.lastIndexOf('/')) : scope;
}
