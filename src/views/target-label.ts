import { scopeName } from '../activation/target-scope';
import { translator } from '../i18n';
import type { PimTarget } from '../pim/pim-types';

/**
 * How a role or group is named where several may look alike (a choice, a question), in the reader's words:
 * the role with its scope ('User Administrator — Sales AU'; 'Authentication Administrator — whole directory'
 * when `others` holds the same role at another scope), a group's ownership marked ('RAG - Security Operators
 * (owner)'). Names are data: the caller makes them inert where the text becomes markup.
 */
export function targetLabel(target: PimTarget, others: readonly PimTarget[] = [], locale?: string | null): string {
  const t = translator(locale);
  if (target.kind === 'group') {
    return target.accessId === 'owner' ? t('activation:label.owner', { name: target.displayName }) : target.displayName;
  }
  const scope = scopeName(target);
  if (scope) return t('activation:label.scoped', { name: target.displayName, scope });
  const scopedTwin = others.some(
    (o) => o.kind === 'role' && o.roleDefinitionId === target.roleDefinitionId && scopeName(o) !== '',
  );
  return scopedTwin ? t('activation:label.wholeDirectory', { name: target.displayName }) : target.displayName;
}
