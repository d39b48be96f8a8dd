import type { Command } from './command';
import { endsWith, type Token } from './command-tokens';
import type { ParseContext } from './parse-context';
import { DEACTIVATE_FILLERS, DEACTIVATE_TRAILING } from './role-request-vocabulary';
import { findTarget, trimPunctuation } from './target-reader';

/**
 * "drop my Exchange admin role now": the words after a deactivation verb. A deactivation carries only a target,
 * so unlike activation there is no duration, ticket or justification to read.
 */
export function parseDeactivate(tokens: Token[], ctx: ParseContext): Command {
  let rest = tokens;
  while (rest.length > 1 && !rest[0]!.quoted && DEACTIVATE_FILLERS.includes(rest[0]!.word)) rest = rest.slice(1);
  for (let trail = endsWith(rest, DEACTIVATE_TRAILING); trail; trail = endsWith(rest, DEACTIVATE_TRAILING)) {
    rest = rest.slice(0, rest.length - trail);
  }
  if (!rest.length) return { type: 'deactivate' };
  const target = findTarget(rest, ctx);
  const text = target ? target.text : rest.map((t) => t.raw).join(' ');
  return { type: 'deactivate', targetText: trimPunctuation(text) };
}
