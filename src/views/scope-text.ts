import type { PimTarget } from '../pim/pim-types';

/** 'Directory (tenant-wide)', 'Administrative unit …', 'Group membership' / 'Group ownership'. */
export function scopeText(target: PimTarget): string {
  if (target.kind === 'group') return `Group ${target.accessId === 'owner' ? 'ownership' : 'membership'}`;
  const scope = target.directoryScopeId || '/';
  if (scope === '/') return 'Directory (tenant-wide)';
  const unit = /^\/administrativeUnits\/(.+)$/i.exec(scope);
  return unit ? `Administrative unit ${unit[1]}` : `Scope ${scope}`;
}
