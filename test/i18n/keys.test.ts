import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/i18n/language';
import { NAMESPACES, RESOURCES } from '../../src/i18n/resources';

/**
 * The two languages say the same things: every key in English exists in German and the reverse, with the
 * same placeholders and nested $t() references, the plural forms each language needs (CLDR's categories,
 * as Intl.PluralRules reports them: what i18next picks from), and no blank text.
 */

type Tree = { [key: string]: string | Tree };

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

interface Entry {
  /** Plural forms found, e.g. ['one', 'other']; empty for a key without plurals. */
  plurals: string[];
  placeholders: string[];
  nested: string[];
  blank: boolean;
}

/** 'ns:a.b' → what the language has for it (plural variants folded into one entry). */
function entries(language: Record<string, Tree>): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const visit = (tree: Tree, prefix: string) => {
    for (const [key, value] of Object.entries(tree)) {
      if (typeof value !== 'string') {
        visit(value, `${prefix}${key}.`);
        continue;
      }
      const plural = PLURAL_SUFFIX.exec(key);
      const id = `${prefix}${plural ? key.slice(0, plural.index) : key}`;
      const entry = out.get(id) ?? { plurals: [], placeholders: [], nested: [], blank: false };
      if (plural) entry.plurals.push(plural[1]!);
      for (const [, name] of value.matchAll(/\{\{\s*([^\s,}]+)/g)) entry.placeholders.push(name!);
      for (const [, ref] of value.matchAll(/\$t\(([^,)]+)/g)) entry.nested.push(ref!.trim());
      entry.blank ||= value.trim() === '';
      out.set(id, entry);
    }
  };
  for (const [ns, tree] of Object.entries(language)) visit(tree, `${ns}:`);
  return out;
}

const sorted = (values: string[]) => [...new Set(values)].sort();

/** Every way `translations` fall short, in words; [] when the languages agree. */
function translationProblems(translations: Record<string, Record<string, Tree>>): string[] {
  const problems: string[] = [];
  const byLanguage = Object.entries(translations).map(([lng, resources]) => [lng, entries(resources)] as const);
  const allKeys = sorted(byLanguage.flatMap(([, e]) => [...e.keys()]));
  for (const [lng, lngEntries] of byLanguage) {
    const categories = sorted(new Intl.PluralRules(lng).resolvedOptions().pluralCategories);
    for (const key of allKeys) {
      const entry = lngEntries.get(key);
      if (!entry) {
        problems.push(`${lng}: ${key} is missing`);
        continue;
      }
      if (entry.blank) problems.push(`${lng}: ${key} is blank`);
      if (entry.plurals.length && sorted(entry.plurals).join() !== categories.join()) {
        problems.push(`${lng}: ${key} has plural forms ${sorted(entry.plurals)}, ${lng} needs ${categories}`);
      }
      for (const ref of entry.nested) if (!lngEntries.has(ref)) problems.push(`${lng}: ${key} nests unknown ${ref}`);
      for (const [other, otherEntries] of byLanguage) {
        const theirs = otherEntries.get(key);
        if (other === lng || !theirs) continue;
        if (sorted(entry.placeholders).join() !== sorted(theirs.placeholders).join()) {
          problems.push(
            `${lng}: ${key} has {{${sorted(entry.placeholders)}}}, ${other} has {{${sorted(theirs.placeholders)}}}`,
          );
        }
        if (sorted(entry.nested).join() !== sorted(theirs.nested).join()) {
          problems.push(`${lng}: ${key} nests ${sorted(entry.nested)}, ${other} nests ${sorted(theirs.nested)}`);
        }
        if (entry.plurals.length > 0 !== theirs.plurals.length > 0) {
          problems.push(`${lng}: ${key} is ${entry.plurals.length ? '' : 'not '}plural, in ${other} it is`);
        }
      }
    }
  }
  return [...new Set(problems)];
}

describe('the English and German resources', () => {
  it('have the same keys, placeholders, nesting and plural forms, and no blank text', () => {
    expect(translationProblems(RESOURCES)).toEqual([]);
  });

  it('register every namespace file there is, in both languages', () => {
    const dir = new URL('../../src/i18n/locales/', import.meta.url);
    for (const lng of LANGUAGES) {
      const files = readdirSync(new URL(`${lng}/`, dir)).sort();
      expect(files).toEqual(NAMESPACES.map((ns) => `${ns}.json`).sort());
    }
  });
});

describe('the check itself', () => {
  const en = { cards: { a: 'Hello {{name}}', b: 'Sign in', c_one: '{{count}} role', c_other: '{{count}} roles' } };

  it('reports a key missing in either language', () => {
    expect(
      translationProblems({
        en,
        de: { cards: { a: 'Hallo {{name}}', c_one: '{{count}} Rolle', c_other: '{{count}} Rollen', z: 'Nur hier' } },
      }),
    ).toEqual(['en: cards:z is missing', 'de: cards:b is missing']);
  });

  it('reports different placeholders, a missing plural form, a blank text and an unknown nested key', () => {
    const problems = translationProblems({
      en,
      de: { cards: { a: 'Hallo {{user}}', b: ' ', c_other: '{{count}} Rollen $t(cards:x)' } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'de: cards:a has {{user}}, en has {{name}}',
        'de: cards:b is blank',
        'de: cards:c has plural forms other, de needs one,other',
        'de: cards:c nests unknown cards:x',
      ]),
    );
  });
});
