import type { PimTarget } from '../pim/pim-types';

/**
 * Identity and a fixed order for match candidates, so the matcher's answer does not depend on the order the
 * candidates arrived in.
 */

function keyOf(t: PimTarget): string {
  return t.kind === 'role' ? `role|${t.roleDefinitionId}|${t.directoryScopeId}` : `group|${t.groupId}|${t.accessId}`;
}

export function dedupe(candidates: readonly PimTarget[]): PimTarget[] {
  const seen = new Set<string>();
  const out: PimTarget[] = [];
  for (const c of candidates) {
    const key = keyOf(c);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(c);
    }
  }
  return out;
}

/** By name (case-insensitive), then roles before groups, members before owners, then ids. */
export function compareTargets(a: PimTarget, b: PimTarget): number {
  return (
    cmp(a.displayName.toLowerCase(), b.displayName.toLowerCase()) ||
    cmp(a.displayName, b.displayName) ||
    cmp(a.kind === 'role' ? 0 : 1, b.kind === 'role' ? 0 : 1) ||
    cmp(keyOf(a), keyOf(b))
  );
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
