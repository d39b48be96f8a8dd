import type { PimTarget } from '../pim/pim-types';
import { forms, type NameForms } from './target-name-forms';
import { compareTargets } from './target-order';

/**
 * "Did you mean" for a query that matched nothing: the few names most like it, so a typo still leads somewhere.
 */

const SUGGESTIONS = 3;
const SUGGESTION_THRESHOLD = 0.4;

export function suggest(query: string, candidates: PimTarget[]): PimTarget[] {
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
