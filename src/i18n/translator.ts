import { createInstance } from 'i18next';
import { FALLBACK_LANGUAGE, LANGUAGES, languageOf } from './language';
import { NAMESPACES, RESOURCES } from './resources';
import type { Translate } from './translation-key';

/**
 * PIM Bot's one i18next instance (not i18next's global default, which a dependency could also configure),
 * initialised synchronously with the bundled resources: it is ready when this module has loaded.
 *
 * Exported for the tests (the pseudo-locale test swaps in generated resources); production code calls
 * {@link translator}.
 */
export const i18n = createInstance();

void i18n.init({
  // Resources are bundled, nothing to load: init finishes before it returns (i18next's `initAsync: false`).
  initAsync: false,
  // A copy: i18next writes into the object it is given (addResourceBundle), RESOURCES stays as bundled.
  resources: structuredClone(RESOURCES),
  lng: FALLBACK_LANGUAGE,
  fallbackLng: FALLBACK_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  load: 'languageOnly',
  ns: NAMESPACES,
  // Every key names its namespace ('cards:error.fixLabel'), so no key resolves by accident in another one.
  defaultNS: false,
  // A blank German string falls back to English rather than showing nothing (the keys test forbids blanks).
  returnEmptyString: false,
  returnNull: false,
  interpolation: {
    // Cards and messages are not HTML, and HTML-escaping would show "&lt;" in Teams. User text is neutralised
    // before it becomes a value (cards/sanitize.ts displayText, src/views/plain-message.ts), and i18next does
    // not expand placeholders or $t() found inside values (skipOnVariables, on by default): keep both rules.
    escapeValue: false,
  },
});

if (!i18n.isInitialized) throw new Error('i18next did not initialise synchronously');

/**
 * The translation function for a reader, from their Teams locale (`activity.locale`, `Viewer.locale`):
 * German for de-*, English otherwise (see languageOf). A key missing in German falls back to English.
 */
export function translator(locale?: string | null): Translate {
  const lng = languageOf(locale);
  // i18n.t with lng rather than getFixedT: i18next 26's fixed t copies all init options on every call, 4× slower.
  return (key, values) => String(i18n.t(key, { ...values, lng }));
}
