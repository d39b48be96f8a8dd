import { afterAll, beforeAll } from 'vitest';
import type { AdaptiveCard } from '../../cards';
import { NAMESPACES, RESOURCES } from '../../src/i18n/resources';
import { i18n } from '../../src/i18n/translator';
import { collectCardTexts } from '../cards/card-validation';

/**
 * A pseudo-locale generated from English at test time: every resource text wrapped in ⟦…⟧, placeholders and
 * $t() kept. Rendered in it, every piece of human text (on a card or in a message) must be wholly inside ONE
 * wrapper, apart from the data values interpolated into it. Text built by gluing pieces together
 * ("⟦Sign in again⟧ to …", "⟦a⟧ ⟦b⟧", or an English literal left in a builder) shows up outside a wrapper.
 *
 * `usePseudoEnglish()` swaps the calling test file's English resources for the pseudo texts (vitest isolates
 * modules per file) and puts the originals back afterwards.
 */

export const OPEN = '\u27E6';
export const CLOSE = '\u27E7';

type Tree = { [key: string]: string | Tree };

function pseudo(tree: Tree): Tree {
  return Object.fromEntries(
    Object.entries(tree).map(([key, value]) => [
      key,
      typeof value === 'string' ? `${OPEN}${value}${CLOSE}` : pseudo(value),
    ]),
  );
}

export function usePseudoEnglish(): void {
  const english = structuredClone(RESOURCES.en) as Record<string, Tree>;
  beforeAll(() => {
    for (const ns of NAMESPACES) i18n.addResourceBundle('en', ns, pseudo(english[ns] ?? {}), false, true);
  });
  afterAll(() => {
    for (const ns of NAMESPACES) i18n.addResourceBundle('en', ns, english[ns] ?? {}, false, true);
  });
}

/** Why `text` is not one wrapped translation once the data values are taken out, or undefined when it is. */
export function glued(text: string, dataValues: readonly string[]): string | undefined {
  let rest = text;
  for (const value of [...dataValues].sort((a, b) => b.length - a.length)) rest = rest.split(value).join('');
  if (rest === '') return undefined; // the whole text is data
  if (!rest.startsWith(OPEN) || !rest.endsWith(CLOSE)) return `text outside a translation in "${text}"`;
  let depth = 0;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === OPEN) depth += 1;
    if (rest[i] === CLOSE) depth -= 1;
    if (depth === 0 && i < rest.length - 1) return `more than one translation glued together in "${text}"`;
  }
  return undefined;
}

/** Every glued or hard-coded text on a card, data values aside. */
export function gluedTexts(card: AdaptiveCard, dataValues: readonly string[]): string[] {
  return (
    collectCardTexts(card)
      // Input and choice values are what the user edits or submits, not text the bot writes.
      .filter((t) => !(t.kind === 'plain' && t.path.endsWith('.value')))
      .map((t) => glued(t.text, dataValues))
      .filter((problem): problem is string => problem !== undefined)
  );
}
