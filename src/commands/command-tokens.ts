import { own } from '../shared/own-property';
import { LEADING_POLITENESS, TRAILING_POLITENESS } from './command-vocabulary';

/**
 * A message as words: every reader of the parser works on these tokens, never on the raw string, so quoting,
 * case and trailing punctuation are settled once here and phrase matching means the same everywhere.
 */

export interface Token {
  /** As typed; for a quoted token, the text between the quotes. */
  raw: string;
  /** Lower case, typographic apostrophes made plain, trailing . , ! ? ; dropped (":" kept). */
  word: string;
  quoted: boolean;
}

/** Words, with quoted passages ("...", “...”, '...') kept as one token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const closers: Record<string, string> = {
    '"': '"\u201c\u201d',
    '\u201c': '\u201d"',
    '\u201d': '\u201d"',
    '\u201e': '\u201c\u201d"',
    '\u00ab': '\u00bb',
    "'": "'\u2019",
    '\u2018': "\u2019'",
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    const close = own(closers, text[i]!);
    if (close) {
      const end = findClosing(text, i + 1, close);
      if (end !== -1) {
        const inner = text.slice(i + 1, end).trim();
        if (inner) tokens.push({ raw: inner, word: normalizeWord(inner), quoted: true });
        i = end + 1;
        continue;
      }
    }
    let end = text.indexOf(' ', i);
    if (end === -1) end = text.length;
    const raw = text.slice(i, end);
    tokens.push({ raw, word: normalizeWord(raw), quoted: false });
    i = end;
  }
  return tokens;
}

/** The closing quote that ends a word (followed by a space, punctuation or the end). */
function findClosing(text: string, from: number, closers: string): number {
  for (let j = from; j < text.length; j++) {
    if (closers.includes(text[j]!) && (j + 1 === text.length || /[\s.,;:!?)]/.test(text[j + 1]!))) return j;
  }
  return -1;
}

function normalizeWord(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[\u2018\u2019`\u00b4]/g, "'")
    .replace(/[.,!?;\u2026]+$/, '');
}

export function rawText(t: Token): string {
  return t.quoted ? `"${t.raw}"` : t.raw;
}

export function stripPoliteness(tokens: Token[]): Token[] {
  let rest = tokens;
  for (let changed = true; changed && rest.length > 1; ) {
    changed = false;
    const lead = startsWith(rest, LEADING_POLITENESS);
    if (lead && lead.length < rest.length) {
      rest = rest.slice(lead.length);
      changed = true;
    }
    const trail = endsWith(rest, TRAILING_POLITENESS);
    if (trail && trail < rest.length) {
      rest = rest.slice(0, rest.length - trail);
      changed = true;
    }
  }
  return rest;
}

/** The longest of `list` (phrases of one or more words) that the unquoted tokens start with. */
export function startsWith(tokens: Token[], list: readonly string[]): { phrase: string; length: number } | undefined {
  let best: { phrase: string; length: number } | undefined;
  for (const phrase of list) {
    const words = phrase.split(' ');
    if (words.length > tokens.length || (best && words.length <= best.length)) continue;
    if (words.every((w, i) => !tokens[i]!.quoted && tokens[i]!.word === w)) best = { phrase, length: words.length };
  }
  return best;
}

/** How many trailing tokens form one of `list`, or 0. */
export function endsWith(tokens: Token[], list: readonly string[]): number {
  let best = 0;
  for (const phrase of list) {
    const words = phrase.split(' ');
    if (words.length > tokens.length || words.length <= best) continue;
    const offset = tokens.length - words.length;
    if (words.every((w, i) => !tokens[offset + i]!.quoted && tokens[offset + i]!.word === w)) best = words.length;
  }
  return best;
}
