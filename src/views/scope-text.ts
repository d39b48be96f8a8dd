import type { Translate } from '../i18n';
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

/**
 * {@link scopeText} in the reader's language (approval:scope.*): 'Directory (tenant-wide)' /
 * 'Verzeichnis (mandantenweit)', 'Administrative unit Sales AU' / 'Verwaltungseinheit Sales AU', ….
 */
export function scopeWords(target: PimTarget, t: Translate): string {
  if (target.kind === 'group')
    return t(target.accessId === 'owner' ? 'approval:scope.groupOwner' : 'approval:scope.groupMember');
  const scope = target.directoryScopeId || '/';
  if (scope === '/') return t('approval:scope.tenant');
  const unit = /^\/administrativeUnits\/(.+)$/i.exec(scope);
  if (unit) return t('approval:scope.unit', { name: target.scopeName ?? unit[1] ?? scope });
  return target.scopeName
    ? t('approval:scope.application', { name: target.scopeName })
    : t('approval:scope.other', { scope });
}
