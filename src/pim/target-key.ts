import type { AccessId, PimTarget, PimTargetRef } from './pim-types';

/**
 * A short, stable string for a role or group target, used in card action data and dialog state. It
 * carries ids only; every action re-checks it against the user's own eligibility before acting.
 */
export function targetKey(target: PimTargetRef): string {
  return target.kind === 'role'
    ? `role:${target.roleDefinitionId}:${target.directoryScopeId ?? '/'}`
    : `group:${target.groupId}:${target.accessId}`;
}

export function parseTargetKey(key: unknown): PimTargetRef | undefined {
  if (typeof key !== 'string' || key.length > 300) return undefined;
  const first = key.indexOf(':');
  const second = key.indexOf(':', first + 1);
  if (first < 0 || second < 0) return undefined;
  const kind = key.slice(0, first);
  const id = key.slice(first + 1, second);
  const rest = key.slice(second + 1);
  const guid = /^[0-9a-f-]{36}$/i;
  if (kind === 'role' && id && guid.test(id))
    return { kind: 'role', roleDefinitionId: id, directoryScopeId: rest || '/' };
  if (kind === 'group' && id && guid.test(id) && (rest === 'member' || rest === 'owner')) {
    return { kind: 'group', groupId: id, accessId: rest as AccessId };
  }
  return undefined;
}

export function sameTarget(a: PimTargetRef, b: PimTargetRef): boolean {
  return targetKey(a) === targetKey(b);
}

export function findTarget(targets: readonly PimTarget[], key: unknown): PimTarget | undefined {
  const ref = parseTargetKey(key);
  return ref ? targets.find((t) => sameTarget(t, ref)) : undefined;
}
