/**
 * English and German for every message and card (docs/i18n.md). Callers: cards/, dialogs/, src/views,
 * src/bot, src/teams. The domain never imports this: it tells people things with notices (data), and the
 * layers above render them in the reader's language.
 */
export { type DurationWidth, formatDuration, formatTime } from './format';
export { FALLBACK_LANGUAGE, formattingLocale, LANGUAGES, type Language, languageOf } from './language';
export type { Translate, TranslationKey, TranslationValues } from './translation-key';
export { type PimReasonCode, type PimReasonData, pimReasonsText, pimReasonWords } from './pim-reason-words';
export { translator } from './translator';
