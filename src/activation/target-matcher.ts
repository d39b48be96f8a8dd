import type { PimTarget } from '../pim/pim-types';
import { aliasOf, forms, literalWords, type NameForms } from './target-name-forms';
import { compareTargets, dedupe } from './target-order';
import { scopedName } from './target-scope';
import { suggest } from './target-suggestions';
import { compactPrefix, containsRun, equal, prefixRun } from './word-runs';

// Importers reach the short names and the candidate order through this module, as before the split.
export { SHORT_NAMES } from './target-aliases';
export { compareTargets } from './target-order';

/**
 * Finds the role or group someone means from what they typed ("exch", "GA", "sec admin", "helpdesk admins").
 * Pure and deterministic: the same query and candidates (in any order) always give the same answer.
 *
 * Every candidate gets the best of these tiers; the best tier wins, and several candidates on it make the
 * answer ambiguous (so a role and a group that match equally well are never guessed between):
 *
 * 1. `name`: the whole display name, ignoring case, accents and punctuation ("rag helpdesk admins").
 * 2. `alias`: the whole name with abbreviations expanded ("exchange admin", "spo admin", "auth admin"), or a
 *    known short name ({@link SHORT_NAMES}: "GA", "PRA", "tenant admin", "CA admin", ...).
 * 3. `words`: the query's words appear together, as whole words, in the name ("helpdesk admins" in
 *    "RAG - Helpdesk Admins", "exchange" in "Exchange Administrator").
 * 4. `words`, singular and plural alike ("helpdesk admins" in "Helpdesk Administrator").
 * 5. `acronym` of 3 letters or more: the initials of the name's words, also splitting CamelCase
 *    ("spa" → SharePoint Administrator, "pra", "rha" → "RAG - Helpdesk Admins").
 * 6. `prefix`: each query word starts one of consecutive name words ("exch", "sec admin", "priv auth"), or the
 *    query without spaces starts the name; a 2-letter acronym ("ua" → User Administrator) ranks here too, so
 *    it never beats a prefix ("gr" is Global Reader or Groups Administrator).
 * 7. `substring` of 3 characters or more inside the name without spaces ("point" → SharePoint).
 *
 * A query of a single character matches only a whole name. "admin"/"admins" mean "administrator(s)" on both
 * sides; a trailing "owner"/"member" picks that kind of group access; leading "the"/"my" and trailing
 * "role"/"group"/"access" are ignored when that helps.
 */

export type MatchHow = 'name' | 'alias' | 'words' | 'acronym' | 'prefix' | 'substring';

export type TargetMatch =
  | { kind: 'exact'; target: PimTarget; how: MatchHow }
  | { kind: 'ambiguous'; options: PimTarget[]; how: MatchHow }
  | { kind: 'none'; suggestions: PimTarget[] };

const TIER = { name: 1, alias: 2, words: 3, wordsFolded: 4, acronym: 5, prefix: 6, substring: 7 } as const;
const HOW: Record<number, MatchHow> = {
  1: 'name',
  2: 'alias',
  3: 'words',
  4: 'words',
  5: 'acronym',
  6: 'prefix',
  7: 'substring',
};
const NO_MATCH = 99;
/**
 * Longer than any role or group name (Entra caps display names at 256): such text names nothing, and matching
 * it costs time in proportion to its length (a one-word 250 KB message held the event loop for ~3 s).
 */
const MAX_QUERY_LENGTH = 256;

export interface MatchOptions {
  /**
   * Whether a miss lists near names ('none'.suggestions). Default true. The command parser tries up to 8 runs of
   * words per reading and drops the suggestions, which cost more than the match itself (edit distances to
   * every name): without them, "activate me me me …" reads in a fraction of the time.
   */
  suggestions?: boolean;
}

export function matchTarget(query: string, candidates: readonly PimTarget[], matching: MatchOptions = {}): TargetMatch {
  if (query.length > MAX_QUERY_LENGTH) return { kind: 'none', suggestions: [] };
  const unique = dedupe(candidates);
  const variants = queryVariants(query, unique);
  let best: { tier: number; targets: PimTarget[] } = { tier: NO_MATCH, targets: [] };
  for (const variant of variants) {
    const ranked = bestTier(variant.query, variant.candidates, unique);
    if (ranked.tier < best.tier) best = ranked;
  }
  if (best.tier === NO_MATCH)
    return { kind: 'none', suggestions: matching.suggestions === false ? [] : suggest(query, unique) };
  const how = HOW[best.tier]!;
  const options = [...best.targets].sort(compareTargets);
  return options.length === 1 ? { kind: 'exact', target: options[0]!, how } : { kind: 'ambiguous', options, how };
}

/** Query rewrites worth trying: as typed, without filler words, and with an owner/member qualifier applied. */
function queryVariants(query: string, candidates: PimTarget[]): Array<{ query: string; candidates: PimTarget[] }> {
  const variants = [{ query, candidates }];
  const words = literalWords(query);
  const trimmed = [...words];
  while (trimmed.length > 1 && (trimmed[0] === 'the' || trimmed[0] === 'my')) trimmed.shift();
  while (trimmed.length > 1 && /^(?:role|roles|group|groups|access)$/.test(trimmed.at(-1)!)) trimmed.pop();
  if (trimmed.length !== words.length) variants.push({ query: trimmed.join(' '), candidates });
  const last = trimmed.at(-1);
  if (trimmed.length > 1 && last) {
    const accessId = /^owners?(?:hip)?$/.test(last) ? 'owner' : /^members?(?:hip)?$/.test(last) ? 'member' : null;
    if (accessId) {
      variants.push({
        query: trimmed.slice(0, -1).join(' '),
        candidates: candidates.filter((c) => c.kind === 'group' && c.accessId === accessId),
      });
    }
  }
  return variants;
}

/** Candidates are matched by their scoped name (target-scope.ts): "user admin sales" picks the Sales AU one. */
function bestTier(query: string, candidates: PimTarget[], all: PimTarget[]): { tier: number; targets: PimTarget[] } {
  const q = forms(query);
  if (!q.compact) return { tier: NO_MATCH, targets: [] };
  let tier: number = NO_MATCH;
  let targets: PimTarget[] = [];
  for (const candidate of candidates) {
    const t = tierOf(q, scopedName(candidate, all));
    if (t < tier) {
      tier = t;
      targets = [candidate];
    } else if (t === tier && t !== NO_MATCH) {
      targets.push(candidate);
    }
  }
  return { tier, targets };
}

function tierOf(q: NameForms, displayName: string): number {
  const n = forms(displayName);
  if (!n.compact) return NO_MATCH;
  if (q.literalCompact === n.literalCompact) return TIER.name;
  if (q.compact.length < 2) return NO_MATCH;
  if (equal(q.canonical, n.canonical) || aliasOf(q.literal) === n.literal.join(' ')) return TIER.alias;
  if (containsRun(n.canonical, q.canonical)) return TIER.words;
  if (containsRun(n.folded, q.folded)) return TIER.wordsFolded;
  const acronym = q.literal.length === 1 && /^\p{L}+$/u.test(q.compact) && n.acronyms.includes(q.compact);
  if (acronym && q.compact.length >= 3) return TIER.acronym;
  if (acronym || prefixRun(n.canonical, q.canonical) || compactPrefix(n.canonical, q.compact)) return TIER.prefix;
  if (q.compact.length >= 3 && n.compact.includes(q.compact)) return TIER.substring;
  return NO_MATCH;
}
