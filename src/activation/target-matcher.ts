import type { PimTarget } from '../pim/pim-types';
import { own } from '../shared/own-property';

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

/**
 * Short names admins use, mapped to the built-in role they mean (by display name). Only used when such a role
 * is among the candidates.
 */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  ga: 'Global Administrator',
  gadmin: 'Global Administrator',
  'tenant admin': 'Global Administrator',
  'company admin': 'Global Administrator',
  'company administrator': 'Global Administrator',
  pra: 'Privileged Role Administrator',
  'pim admin': 'Privileged Role Administrator',
  paa: 'Privileged Authentication Administrator',
  'priv auth admin': 'Privileged Authentication Administrator',
  'sp admin': 'SharePoint Administrator',
  'sharepoint online admin': 'SharePoint Administrator',
  'exchange online admin': 'Exchange Administrator',
  'ca admin': 'Conditional Access Administrator',
  'teams service admin': 'Teams Administrator',
  'd365 admin': 'Dynamics 365 Administrator',
  'crm admin': 'Dynamics 365 Administrator',
  'pbi admin': 'Fabric Administrator',
  'power bi admin': 'Fabric Administrator',
  'o365 admin': 'Global Administrator',
};

/** Word-level abbreviations, applied to the query and the names alike. */
const WORD_SYNONYMS: Readonly<Record<string, string>> = {
  admin: 'administrator',
  adm: 'administrator',
  admins: 'administrators',
  auth: 'authentication',
  app: 'application',
  apps: 'applications',
  spo: 'sharepoint',
  exo: 'exchange',
  ca: 'conditional access',
};

/** Two-word spellings folded into one word, on both sides. */
const MERGES: ReadonlyArray<[RegExp, string]> = [
  [/\bhelp desk\b/g, 'helpdesk'],
  [/\bshare point\b/g, 'sharepoint'],
];

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
const SUGGESTIONS = 3;
const SUGGESTION_THRESHOLD = 0.4;
/**
 * Longer than any role or group name (Entra caps display names at 256): such text names nothing, and matching
 * it costs time in proportion to its length (a one-word 250 KB message held the event loop for ~3 s).
 */
const MAX_QUERY_LENGTH = 256;

interface NameForms {
  literal: string[];
  canonical: string[];
  folded: string[];
  acronyms: string[];
  /** The canonical words without spaces. */
  compact: string;
  /** The literal words without spaces. */
  literalCompact: string;
}

export function matchTarget(query: string, candidates: readonly PimTarget[]): TargetMatch {
  if (query.length > MAX_QUERY_LENGTH) return { kind: 'none', suggestions: [] };
  const unique = dedupe(candidates);
  const variants = queryVariants(query, unique);
  let best: { tier: number; targets: PimTarget[] } = { tier: NO_MATCH, targets: [] };
  for (const variant of variants) {
    const ranked = bestTier(variant.query, variant.candidates);
    if (ranked.tier < best.tier) best = ranked;
  }
  if (best.tier === NO_MATCH) return { kind: 'none', suggestions: suggest(query, unique) };
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

function bestTier(query: string, candidates: PimTarget[]): { tier: number; targets: PimTarget[] } {
  const q = forms(query);
  if (!q.compact) return { tier: NO_MATCH, targets: [] };
  let tier: number = NO_MATCH;
  let targets: PimTarget[] = [];
  for (const candidate of candidates) {
    const t = tierOf(q, candidate.displayName);
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

function aliasOf(literal: string[]): string | undefined {
  const target = own(SHORT_NAMES, literal.join(' '));
  return target === undefined ? undefined : literalWords(target).join(' ');
}

function forms(text: string): NameForms {
  const literal = literalWords(text);
  const canonical = literalWords(literal.map((w) => own(WORD_SYNONYMS, w) ?? w).join(' '));
  const folded = canonical.map(singular);
  const initials = literal.map((w) => w[0]).join('');
  const camel = camelWords(text)
    .map((w) => w[0])
    .join('');
  const acronyms = literal.length >= 2 ? [...new Set([initials, camel])] : [];
  return { literal, canonical, folded, acronyms, compact: canonical.join(''), literalCompact: literal.join('') };
}

/** Lower case, accents dropped, apostrophes removed, everything but letters and digits a word break. */
function literalWords(text: string): string[] {
  let s = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['\u2019]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  for (const [pattern, merged] of MERGES) s = s.replace(pattern, merged);
  return s ? s.split(' ') : [];
}

function camelWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function equal(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

/** Whether `needle` occurs as consecutive whole words in `hay`. */
function containsRun(hay: string[], needle: string[]): boolean {
  return runs(hay, needle, (h, n) => h === n);
}

/** Whether each word of `needle` starts consecutive words of `hay`. */
function prefixRun(hay: string[], needle: string[]): boolean {
  return runs(hay, needle, (h, n) => h.startsWith(n));
}

function runs(hay: string[], needle: string[], same: (h: string, n: string) => boolean): boolean {
  if (!needle.length || needle.length > hay.length) return false;
  for (let start = 0; start + needle.length <= hay.length; start++) {
    if (needle.every((n, i) => same(hay[start + i]!, n))) return true;
  }
  return false;
}

/** "exchangeadmin" starts "exchange administrator"; also from a later word ("helpdeskadmins" in "rag ..."). */
function compactPrefix(hay: string[], compact: string): boolean {
  for (let start = 0; start < hay.length; start++) {
    if (hay.slice(start).join('').startsWith(compact)) return true;
  }
  return false;
}

function suggest(query: string, candidates: PimTarget[]): PimTarget[] {
  const q = forms(query);
  if (!q.compact) return [];
  const names = candidates.map((target) => ({ target, n: forms(target.displayName) }));
  const common = commonWords(names.map(({ n }) => n.folded));
  return names
    .map(({ target, n }) => ({ target, score: similarity(q, n, common) }))
    .filter((s) => s.score >= SUGGESTION_THRESHOLD)
    .sort((a, b) => b.score - a.score || compareTargets(a.target, b.target))
    .slice(0, SUGGESTIONS)
    .map((s) => s.target);
}

/** Words in a third or more of the names ("administrator", "reader"): they say little about which one is meant. */
function commonWords(names: string[][]): Set<string> {
  const counts = new Map<string, number>();
  for (const words of names) for (const w of new Set(words)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const limit = Math.max(2, names.length / 3);
  return new Set([...counts].filter(([, c]) => c >= limit).map(([w]) => w));
}

/**
 * 0..1: for each query word, 1 when it starts one of the name's words, else its best Dice coefficient (character
 * bigrams) against the name's words, so one typo costs little; averaged with the distinctive words counting for 85% and the common ones ("admin") for 15%.
 */
function similarity(q: NameForms, n: NameForms, common: Set<string>): number {
  const best = (w: string) =>
    w.length >= 2 && n.folded.some((nw) => nw.startsWith(w))
      ? 1
      : Math.max(dice(w, n.compact), ...n.folded.map((nw) => dice(w, nw)));
  const avg = (words: string[]) => words.reduce((sum, w) => sum + best(w), 0) / words.length;
  const distinctive = q.folded.filter((w) => !common.has(w));
  const generic = q.folded.filter((w) => common.has(w));
  if (!distinctive.length) return avg(generic);
  if (!generic.length) return avg(distinctive);
  return 0.85 * avg(distinctive) + 0.15 * avg(generic);
}

function dice(a: string, b: string): number {
  if (a === b) return 1;
  const pa = bigrams(a);
  const pb = bigrams(b);
  if (!pa.length || !pb.length) return 0;
  const counts = new Map<string, number>();
  for (const g of pb) counts.set(g, (counts.get(g) ?? 0) + 1);
  let shared = 0;
  for (const g of pa) {
    const c = counts.get(g) ?? 0;
    if (c > 0) {
      shared++;
      counts.set(g, c - 1);
    }
  }
  return (2 * shared) / (pa.length + pb.length);
}

function bigrams(s: string): string[] {
  const grams: string[] = [];
  for (let i = 0; i < s.length - 1; i++) grams.push(s.slice(i, i + 2));
  return grams;
}

function keyOf(t: PimTarget): string {
  return t.kind === 'role' ? `role|${t.roleDefinitionId}|${t.directoryScopeId}` : `group|${t.groupId}|${t.accessId}`;
}

function dedupe(candidates: readonly PimTarget[]): PimTarget[] {
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
