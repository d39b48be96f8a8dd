/**
 * The shape of the Graph permission table (graph-permissions.ts) and the builders its rows use for the requests
 * each permission covers.
 */

/** Delegated (`Scope`, on the user's on-behalf-of token) or application (`Role`, on the app's own credential). */
export type GraphPermissionType = 'Scope' | 'Role';

/** One request the bot sends with the permission; `{id}` stands for an id filled in at run time. */
export interface GraphCall {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and query after /v1.0 or /beta, as the code builds it. */
  path: string;
  version: 'v1.0' | 'beta';
  /** The code that sends it. */
  by: string;
}

export interface GraphPermission {
  name: string;
  /** The permission's id in the Graph permissions reference (delegated and application ids differ). */
  id: string;
  type: GraphPermissionType;
  /** What breaks without it, for the guide. */
  feature: string;
  /** Why this permission and not a broader one, with the reference page. */
  why: string;
  calls: readonly GraphCall[];
  /** An OpenID Connect scope of the step-up sign-in: asked of Entra, never sent to Graph. */
  openIdConnect?: true;
  /** The activation watcher (section 10 of the guide) uses it. */
  watcher?: true;
}

export const ROLES = '/roleManagement/directory';
export const GROUPS = '/identityGovernance/privilegedAccess/group';
export const USER_SELECT = '$select=id,displayName,userPrincipalName,mail';

export const get = (path: string, by: string, version: 'v1.0' | 'beta' = 'v1.0'): GraphCall => ({
  method: 'GET',
  path,
  version,
  by,
});
export const post = (path: string, by: string): GraphCall => ({ method: 'POST', path, version: 'v1.0', by });
