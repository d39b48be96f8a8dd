import { armErrors } from './errors';
import type { ArmScopeFixture, ArmScopeType } from './fixture';

/**
 * ARM scopes as strings: '' is the tenant root (no scope segment, ARM-PIM.md §1), otherwise a path such as
 * `/subscriptions/{sub}/resourceGroups/{rg}`. Compared case-insensitively, as ARM resource ids are.
 */

const FORMS: RegExp[] = [
  /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i,
  /^\/subscriptions\/[^/]+$/i,
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i,
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i,
];

/**
 * The scope as ARM echoes it: the spec also accepts `providers/Microsoft.Subscription/subscriptions/{sub}`
 * and responses name it `/subscriptions/{sub}` (ARM-PIM.md §1).
 */
export function normalizeScope(raw: string): string {
  const trimmed = raw.replace(/\/+$/, '');
  if (trimmed === '') return '';
  const scope = trimmed.replace(/^\/providers\/Microsoft\.Subscription(\/subscriptions\/)/i, '$1');
  if (!FORMS.some((f) => f.test(scope))) throw armErrors.invalidScope(raw);
  return scope;
}

export function sameScope(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** True when `inner` is `outer` or lies below it (the tenant root '' holds everything). */
export function isAtOrBelow(inner: string, outer: string): boolean {
  if (outer === '') return true;
  const i = inner.toLowerCase();
  const o = outer.toLowerCase();
  return i === o || i.startsWith(`${o}/`);
}

/** Scope and its ancestors, nearest first, ending with the tenant root ''. Management groups are not nested here. */
export function ancestry(scope: string): string[] {
  const out: string[] = [];
  const rg = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(scope)?.[1];
  const sub = /^(\/subscriptions\/[^/]+)/i.exec(scope)?.[1];
  for (const s of [scope, rg, sub]) if (s && !out.some((o) => sameScope(o, s))) out.push(s);
  out.push('');
  return out;
}

/**
 * A role definition's resource id as ARM writes it for a scope: below a subscription it is
 * subscription-scoped (ARM-PIM.md §3.1 example); elsewhere tenant-level (UNVERIFIED: FIDELITY.md).
 */
export function roleDefinitionResourceId(scope: string, roleGuid: string): string {
  const sub = /^(\/subscriptions\/[^/]+)/i.exec(scope)?.[1] ?? '';
  return `${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The GUID at the end of a full id, or the value itself when it is a bare GUID. */
export function lastSegment(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? '';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export interface ScopeInfo {
  id: string;
  displayName: string;
  type: ArmScopeType;
}

/** `expandedProperties.scope`: the fixture's name, or the last segment for scopes the fixture does not name. */
export function describeScope(scope: string, known: readonly ArmScopeFixture[]): ScopeInfo {
  const found = known.find((s) => sameScope(s.id, scope));
  if (found) return { id: found.id, displayName: found.displayName, type: found.type };
  const type: ArmScopeType = /resourceGroups\/[^/]+\/providers\//i.test(scope)
    ? 'resource'
    : /resourceGroups\//i.test(scope)
      ? 'resourcegroup'
      : /managementGroups\//i.test(scope)
        ? 'managementgroup'
        : 'subscription';
  return { id: scope, displayName: lastSegment(scope), type };
}
