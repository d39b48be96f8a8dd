import { TEXT_LIMITS } from '../../cards';
import { pimReasonWords, translator } from '../i18n';
import type { PimError } from '../pim/pim-error';
import { plainPart } from './plain-message';

/** A PIM failure in the reader's words: what happened, and what to do about it. */
export interface PimErrorWords {
  message: string;
  fix: string;
}

/**
 * A PimError in the reader's language (errors:pim.<code>), from the codes and values the domain gave it. Names
 * and Graph's own words are data: made inert (plainPart) before they become values, as the English message's
 * callers already do with the whole text. A PimError built without reasons (by code not converted yet) keeps its
 * English sentences. Several failed policy rules are several whole sentences, one after the other.
 */
export function pimErrorWords(err: PimError, locale?: string | null): PimErrorWords {
  if (err.reasons.length === 0) return { message: err.message, fix: err.fix };
  // Graph's own message may be a sentence; names are names.
  return pimReasonWords(err.reasons, locale, (text) => plainPart(text, TEXT_LIMITS.message));
}

/** "What happened. What to do." in one line, for chat (PimError.userText in the reader's language). */
export function pimErrorText(err: PimError, locale?: string | null): string {
  const { message, fix } = pimErrorWords(err, locale);
  if (err.reasons.length === 0) return err.userText;
  return translator(locale)('errors:pim.userText', { message, fix });
}
