import { describe, expect, it } from 'vitest';
import { translator } from '../../src/i18n';

describe('translator', () => {
  it('picks the plural form from count (CLDR: one for 1, other for 0 and 2+)', () => {
    const en = translator('en-US');
    const de = translator('de-DE');
    expect([0, 1, 2].map((count) => en('common:roleCount', { count }))).toEqual(['0 roles', '1 role', '2 roles']);
    expect([0, 1, 2].map((count) => de('common:roleCount', { count }))).toEqual(['0 Rollen', '1 Rolle', '2 Rollen']);
  });

  it('interpolates values as they are: no HTML escaping, no placeholders or $t() expanded inside them', () => {
    const reason = 'Needs <MFA> & "more" {{reason}} $t(cards:signIn.button)';
    expect(translator('en')('cards:signIn.againText', { reason })).toBe(
      `${reason} Your request is kept; it continues as soon as you have signed in.`,
    );
  });

  it('nests shared sentences with $t() in the same language', () => {
    expect(translator('de-AT')('cards:continued.text')).toContain(
      translator('de')('cards:continued.justificationAudience'),
    );
  });

  it('accepts only keys of the English resources (checked by tsc)', () => {
    const t = translator('en');
    // @ts-expect-error: not a key; tsc fails on this line if TranslationKey ever widens to string.
    expect(t('cards:signIn.nope')).toBe('signIn.nope');
    // @ts-expect-error: plural variants are asked for by their base key and a count.
    expect(t('common:roleCount_one')).toBe('{{count}} role');
  });

  it('keeps the reader’s language whatever the values are called (i18next option names are refused by tsc)', () => {
    // @ts-expect-error: lng is i18next's option, not a value.
    expect(translator('de')('cards:signIn.againText', { reason: 'MFA.', lng: 'en' })).toMatch(
      /^MFA\. Ihre Anforderung/,
    );
  });
});
