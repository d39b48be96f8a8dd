/**
 * Which of PIM Bot's languages a Teams user reads, from the locale Teams sends on every activity
 * (`activity.locale`, BCP 47: "de-DE", "de-AT", "en-US"). German for any German locale, English for
 * everything else: English is the language every message is written in first, so it is the safe default.
 */

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

export const FALLBACK_LANGUAGE: Language = 'en';

/** What Intl formats dates and numbers with when the locale says nothing more precise. */
const DEFAULT_FORMATTING_LOCALE: Readonly<Record<Language, string>> = {
  // en-GB: 24-hour clock and day-month order, what PIM Bot has always shown English readers.
  en: 'en-GB',
  de: 'de-DE',
};

/** 'de' for "de", "de-DE", "de-AT", "de_CH" (any letter case); 'en' for anything else, missing or malformed. */
export function languageOf(locale?: string | null): Language {
  return /^de(?:[-_]|$)/i.test(locale?.trim() ?? '') ? 'de' : FALLBACK_LANGUAGE;
}

/**
 * The locale Intl should format dates, durations and numbers with, so they agree with the text around them:
 * the user's own locale when it is a regional variant of the language they read ("de-AT" keeps Austrian
 * number grouping, "en-US" its date order), else the language's default. A French user reads English text,
 * so gets English dates, not French ones inside an English sentence.
 */
export function formattingLocale(locale?: string | null): string {
  const language = languageOf(locale);
  const canonical = canonicalLocale(locale);
  if (canonical && languageOf(canonical) === language && canonical.toLowerCase().startsWith(`${language}-`)) {
    return canonical;
  }
  return DEFAULT_FORMATTING_LOCALE[language];
}

function canonicalLocale(locale?: string | null): string | undefined {
  if (!locale) return undefined;
  try {
    const [canonical] = Intl.getCanonicalLocales(locale.trim().replace(/_/g, '-'));
    return canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length ? canonical : undefined;
  } catch {
    return undefined;
  }
}
