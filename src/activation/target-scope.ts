import type { PimTarget } from '../pim/pim-types';

/**
 * The scope part of a role's name. A role can be eligible at the whole directory (`/`), at an administrative
 * unit (`/administrativeUnits/{id}`) or at an application (`/{appObjectId}`); the same role at two scopes is two
 * targets that only their scope tells apart, so wherever a person reads or types one, the scope is part of it.
 */

/** The scope's own name ('Sales AU', an app's name), the scope id when Graph did not name it; '' for `/` and groups. */
export function scopeName(target: PimTarget): string {
  if (target.kind === 'group' || (target.directoryScopeId || '/') === '/') return '';
  return target.scopeName ?? target.directoryScopeId;
}

/**
 * A role's name with its scope: 'User Administrator — Sales AU' at an administrative unit or app scope, and
 * 'User Administrator — whole directory' when `others` has the same role at another scope (so the two read
 * apart); the display name otherwise, and for groups.
 */
export function scopedName(target: PimTarget, others: readonly PimTarget[] = []): string {
  if (target.kind === 'group') return target.displayName;
  const name = scopeName(target);
  if (name) return `${target.displayName} \u2014 ${name}`;
  const scopedTwin = others.some(
    (o) => o.kind === 'role' && o.roleDefinitionId === target.roleDefinitionId && scopeName(o) !== '',
  );
  return scopedTwin ? `${target.displayName} \u2014 whole directory` : target.displayName;
}
