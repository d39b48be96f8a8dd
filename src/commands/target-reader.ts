import { type MatchHow, matchTarget, type TargetMatch } from '../activation/target-matcher';
import type { Token } from './command-tokens';
import type { ParseContext } from './parse-context';
import { AFTER_TARGET } from './role-request-vocabulary';

/**
 * Which role or group the words name. Both activation and deactivation read a target first, and the parser's
 * entry point uses the match strength to tell "help desk admin 2h" (a request) from "help me" (help).
 */

/** Matches strong enough to read a message without a verb as an activation. */
export const STRONG: ReadonlySet<MatchHow> = new Set(['name', 'alias', 'words', 'acronym']);
const MAX_TARGET_WORDS = 8;
/** The reader only needs whether and how words match; the dialogs ask again for suggestions when they show them. */
const NO_SUGGESTIONS = { suggestions: false } as const;

export interface FoundTarget {
  text: string;
  length: number;
  how: MatchHow;
}

/** matchTarget without suggestions, once per text per message. */
function matchOnce(text: string, ctx: ParseContext): TargetMatch {
  let match = ctx.matches.get(text);
  if (!match) {
    match = matchTarget(text, ctx.candidates, NO_SUGGESTIONS);
    ctx.matches.set(text, match);
  }
  return match;
}

/** The longest run of leading words that names one (or several) of the candidates. */
export function findTarget(tokens: Token[], ctx: ParseContext): FoundTarget | undefined {
  if (!ctx.candidates.length || !tokens.length) return undefined;
  if (tokens[0]!.quoted) {
    const match = matchOnce(tokens[0]!.raw, ctx);
    return match.kind === 'none' ? undefined : { text: tokens[0]!.raw, length: 1, how: match.how };
  }
  let max = 0;
  while (max < tokens.length && max < MAX_TARGET_WORDS && !tokens[max]!.quoted) max++;
  for (let length = max; length > 0; length--) {
    const text = trimPunctuation(
      tokens
        .slice(0, length)
        .map((t) => t.raw)
        .join(' '),
    );
    if (!text) continue;
    const match = matchOnce(text, ctx);
    if (match.kind !== 'none') return withoutTrailingFillers(tokens, { text, length, how: match.how }, ctx);
  }
  return undefined;
}

/** "exchange admin role" matches as well as "exchange admin": keep the shorter text. */
function withoutTrailingFillers(tokens: Token[], found: FoundTarget, ctx: ParseContext): FoundTarget {
  let best = found;
  for (let length = found.length - 1; length > 0 && AFTER_TARGET.includes(tokens[length]!.word); length--) {
    const text = trimPunctuation(
      tokens
        .slice(0, length)
        .map((t) => t.raw)
        .join(' '),
    );
    const match = matchOnce(text, ctx);
    if (match.kind === 'none') break;
    best = { text, length, how: match.how };
  }
  return best;
}

/** Target text without the dashes, colons and sentence punctuation around it. */
export function trimPunctuation(text: string): string {
  return text.replace(/^[\s\-\u2013\u2014:,;]+/, '').replace(/[\s.,;:!?\u2026\-\u2013\u2014]+$/, '');
}
