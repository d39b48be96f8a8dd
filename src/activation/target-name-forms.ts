import { own } from '../shared/own-property';
import { MERGES, SHORT_NAMES, WORD_SYNONYMS } from './target-aliases';

/**
 * The normalised spellings of a query or a display name that the matcher and the suggestions compare, computed
 * once per text so every tier looks at the same words.
 */
export interface NameForms {
  literal: string[];
  canonical: string[];
  folded: string[];
  acronyms: string[];
  /** The canonical words without spaces. */
  compact: string;
  /** The literal words without spaces. */
  literalCompact: string;
}

export function forms(text: string): NameForms {
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

/** The literal words of the role a known short name stands for, if the query is one. */
export function aliasOf(literal: string[]): string | undefined {
  const target = own(SHORT_NAMES, literal.join(' '));
  return target === undefined ? undefined : literalWords(target).join(' ');
}

/** Lower case, accents dropped, apostrophes removed, everything but letters and digits a word break. */
export function literalWords(text: string): string[] {
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
