import { AadErrors } from './aad-errors';
import { OIDC_SCOPES, TEAMS_SSO_SCOPE } from './constants';
import type { ApplicationRegistration } from './types';

/** A `scope` parameter that asks for the calling app's own exposed API (e.g. api://botid-<id>/access_as_user). */
export interface OwnApiScopeRequest {
  /** The exposed scopes granted, by name (e.g. ['access_as_user']). */
  permissions: string[];
  /** What the token response echoes in `scope`: the requested items, resource-qualified, OIDC scopes kept. */
  echoed: string;
}

/**
 * The scopes an app exposes on its API. The deploy guide (section 4.1) exposes `access_as_user` only;
 * an app without an Application ID URI exposes nothing.
 */
export function exposedScopes(app: ApplicationRegistration): readonly string[] {
  return app.exposedScopes ?? (app.identifierUris.length > 0 ? [TEAMS_SSO_SCOPE] : []);
}

/**
 * When every resource scope in `scope` names the app's own API (its Application ID URI or client id as
 * prefix), the request for that API; undefined when the scope is about another resource (Graph: the
 * caller parses it as before). A scope name the API does not expose is refused (AADSTS65005).
 * On-behalf-of to the caller's own API is what the Azure Bot OAuth connection does when its Scopes are
 * `api://botid-<id>/access_as_user` (docs/deploy-to-your-tenant.md section 7).
 */
export function parseOwnApiScope(
  scope: string | undefined,
  app: ApplicationRegistration,
): OwnApiScopeRequest | undefined {
  if (!scope?.trim()) return undefined;
  const prefixes = [...app.identifierUris, app.clientId].map((p) => `${p.toLowerCase()}/`);
  const items = scope.trim().split(/\s+/);
  const resourceItems = items.filter((item) => !OIDC_SCOPES.has(item.toLowerCase()));
  if (resourceItems.length === 0) return undefined;
  const names = resourceItems.map((item) => {
    const prefix = prefixes.find((p) => item.toLowerCase().startsWith(p));
    return prefix ? item.slice(prefix.length) : undefined;
  });
  if (names.some((n) => n === undefined)) return undefined;
  const exposed = exposedScopes(app);
  const permissions: string[] = [];
  for (const name of names as string[]) {
    if (name === '.default') {
      permissions.push(...exposed);
      continue;
    }
    const match = exposed.find((e) => e.toLowerCase() === name.toLowerCase());
    if (!match) throw AadErrors.scopeNotOnResource(app.displayName, name, app.identifierUris[0] ?? app.clientId);
    permissions.push(match);
  }
  const echoed = items.filter((item) => item.toLowerCase() !== 'offline_access').join(' ');
  return { permissions: [...new Set(permissions)], echoed };
}
