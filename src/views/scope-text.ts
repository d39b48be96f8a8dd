import type { PimTarget } from '../pim/pim-types';

/** 'Directory (tenant-wide)', 'Administrative unit Sales AU', 'Application …', 'Group membership' / 'Group ownership'. */
export function scopeText(target: PimTarget): string {
  if (target.kind === 'group') return `Group ${target.accessId === 'owner' ? 'ownership' : 'membership'}`;
  const scope = target.directoryScopeId || '/';
  if (scope === '/') return 'Directory (tenant-wide)';
  const unit = /^\/administrativeUnits\/(.+)$/i.exec(scope);
  if (unit) return `Administrative unit ${target.scopeName ?? unit[1]}`;
  // Any other directory scope is an application's object id (`/{appObjectId}`).
  return target.scopeName ? `Application ${target.scopeName}` : `Scope ${scope}`;
}
