import { describe, expect, it } from 'vitest';
import { formattingLocale, languageOf, translator } from '../../src/i18n';

describe('languageOf: the language read, from the Teams locale (activity.locale)', () => {
  it.each(['de-DE', 'de-AT', 'de-CH', 'de', 'DE-de', 'de_AT', ' de-DE '])('%s reads German', (locale) => {
    expect(languageOf(locale)).toBe('de');
  });

  it.each(['en-US', 'en-GB', 'en', 'fr-FR', 'nl-NL', 'dev', 'deu', '', 'not a locale', undefined, null])(
    '%s reads English',
    (locale) => {
      expect(languageOf(locale)).toBe('en');
    },
  );

  it('the translator follows it', () => {
    for (const locale of ['de-DE', 'de-AT', 'de']) expect(translator(locale)('cards:signIn.button')).toBe('Anmelden');
    for (const locale of ['en-US', 'fr-FR', undefined])
      expect(translator(locale)('cards:signIn.button')).toBe('Sign in');
  });
});

describe('formattingLocale: what Intl formats dates and numbers with', () => {
  it.each([
    ['de-AT', 'de-AT'],
    ['de_ch', 'de-CH'],
    ['de', 'de-DE'],
    ['en-US', 'en-US'],
    ['en', 'en-GB'],
    // French readers read English text, so their dates are English too, not French inside an English sentence.
    ['fr-FR', 'en-GB'],
    [undefined, 'en-GB'],
    ['!!', 'en-GB'],
  ])('%s → %s', (locale, expected) => {
    expect(formattingLocale(locale)).toBe(expected);
  });
});
