import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdaptiveCard } from '../../cards';
import {
  assertValidCard,
  type CardText,
  collectActions,
  collectCardTexts,
  hasInvisibleCharacter,
} from './card-validation';
import { BUILDERS, HOSTILE } from './fixtures';

/**
 * Properties every card builder has, checked on every builder with normal, minimal (empty lists, no
 * optional fields) and hostile data.
 */

/** Markdown/HTML/template syntax that must never appear in text a client renders with markdown. */
const FORBIDDEN_IN_MARKDOWN: ReadonlyArray<[string, RegExp]> = [
  ['markdown link', /\[[^\]]*\]\s*[([]/],
  ['markdown image', /!\[/],
  ['autolink', /<[a-z][a-z0-9+.-]*:/i],
  ['clickable URL scheme', /[a-z][a-z0-9+.-]*:\/\//i],
  ['mention or HTML tag', /<\/?[a-z!]/i],
  ['HTML entity', /&#?[0-9a-z]+;/i],
  ['template expression', /\$\{/],
  ['AC text function', /\{\{/],
  ['emphasis', /[*_~]/],
  ['code span', /`/],
  ['backslash escape', /\\/],
  ['heading', /^\s*#/m],
  ['list item or thematic break', /^\s*([-+*]|\d+[.)])(\s|$|[-*])/m],
  ['block quote', /^\s*>/m],
];

function violations(texts: CardText[]): string[] {
  const problems: string[] = [];
  for (const { path, kind, text } of texts) {
    if (hasInvisibleCharacter(text)) problems.push(`${path}: invisible, control or lone surrogate character`);
    if (/\$\{|\{\{/.test(text)) problems.push(`${path}: template expression`);
    if (kind === 'markdown') {
      for (const [what, pattern] of FORBIDDEN_IN_MARKDOWN) {
        if (pattern.test(text)) problems.push(`${path}: ${what} in ${JSON.stringify(text.slice(0, 80))}`);
      }
    }
  }
  return problems;
}

/** Undo the look-alike substitution so the user's words can be searched for. */
function readable(card: AdaptiveCard): string {
  return collectCardTexts(card)
    .map((t) => t.text)
    .join('\n')
    .replace(/[\uFF3B\uFF3D\uFF1C\uFF1E\u2217\uFF3F\u223C\u02CB\uFF3C\uFF5B\uFF5D\uFF06]/g, ' ')
    .replace(/\uFF1A\/\//g, '://');
}

describe.each(BUILDERS)('$name', (builder) => {
  it('builds a valid Teams card from normal data', () => {
    assertValidCard(builder.normal());
  });

  it('builds a valid card from minimal data (empty lists, no optional fields)', () => {
    assertValidCard(builder.minimal());
  });

  it('text of normal cards is free of markdown syntax too (bot-authored text follows the same rules)', () => {
    expect(violations(collectCardTexts(builder.normal()))).toEqual([]);
  });

  describe.each(HOSTILE)('with hostile text: $name', ({ text, words }) => {
    it('still validates and renders nothing but the neutralised words', () => {
      const card = builder.hostile(text);
      assertValidCard(card);
      expect(violations(collectCardTexts(card))).toEqual([]);
      const visible = readable(card);
      for (const word of words) expect(visible).toContain(word);
    });
  });

  it('is pure: same input → deep-equal output, independent of clock and environment', () => {
    const first = builder.normal();
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
    const realEnv = process.env;
    const RealDate = globalThis.Date;
    try {
      // Any read of the clock or the environment during the build throws.
      process.env = new Proxy(
        {},
        {
          get(_t, name) {
            throw new Error(`card builder read process.env.${String(name)}`);
          },
        },
      );
      globalThis.Date = new Proxy(RealDate, {
        construct() {
          throw new Error('card builder constructed a Date');
        },
        get(target, name, receiver) {
          if (name === 'now') throw new Error('card builder called Date.now()');
          return Reflect.get(target, name, receiver);
        },
      });
      const second = builder.normal();
      expect(second).toStrictEqual(first);
    } finally {
      process.env = realEnv;
      globalThis.Date = RealDate;
      vi.useRealTimers();
    }
  });

  it('returns a fresh card each time (mutating one never leaks into the next)', () => {
    const first = builder.normal();
    const copy = structuredClone(first);
    (first.body[0] as Record<string, unknown>).text = 'mutated';
    for (const { action } of collectActions(first)) {
      if (typeof action.data === 'object' && action.data !== null) (action.data as Record<string, unknown>).key = 'x';
    }
    expect(builder.normal()).toStrictEqual(copy);
  });

  it('every action carries pimbot data, and Action.Execute repeats the verb', () => {
    for (const { path, action } of collectActions(builder.normal())) {
      if (action.type === 'Action.OpenUrl') continue;
      expect(action.data, path).toMatchObject({ pimbot: expect.any(String) });
      const data = action.data as { pimbot: string; key?: unknown };
      if (data.key !== undefined) expect(typeof data.key, path).toBe('string');
      if (action.type === 'Action.Execute') expect(action.verb, path).toBe(data.pimbot);
    }
  });
});

afterEach(() => {
  vi.useRealTimers();
});
