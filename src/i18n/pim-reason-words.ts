import { formatDuration } from './format';
import type { Resources } from './resources';
import { translator } from './translator';

/** The PIM failure codes the resources put into words (errors:pim.<code>.message / .fix). */
export type PimReasonCode = Exclude<keyof Resources['errors']['pim'], 'thisRole' | 'userText'>;

/** One reason PIM refused, as data (the domain's PimErrorReason has this shape). */
export interface PimReasonData {
  code: PimReasonCode;
  values: Readonly<Record<string, string | number>>;
}

/**
 * PIM's refusal in the reader's language, as "what happened" and "what to do" (errors:pim.<code>.message /
 * .fix), several reasons one after the other. `clean` makes the text values (names, Graph's own words) inert
 * for where the sentence goes (cards: displayText, messages: plainPart); `name` stands in where a reason names
 * no role.
 */
export function pimReasonWords(
  reasons: readonly PimReasonData[],
  locale: string | null | undefined,
  clean: (text: string) => string,
  name?: string,
): { message: string; fix: string } {
  const t = translator(locale);
  const words = reasons.map((reason) => {
    const values: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(reason.values))
      values[key] = typeof value === 'string' ? clean(value) : value;
    if (typeof values.name !== 'string') values.name = name ?? t('errors:pim.thisRole');
    if (typeof reason.values.maxMinutes === 'number') values.max = formatDuration(reason.values.maxMinutes, locale);
    return { message: t(`errors:pim.${reason.code}.message`, values), fix: t(`errors:pim.${reason.code}.fix`, values) };
  });
  return { message: words.map((w) => w.message).join(' '), fix: words.map((w) => w.fix).join(' ') };
}

/** The same in one line: "What happened. What to do." (errors:pim.userText). */
export function pimReasonsText(
  reasons: readonly PimReasonData[],
  locale: string | null | undefined,
  clean: (text: string) => string,
  name?: string,
): string {
  return translator(locale)('errors:pim.userText', pimReasonWords(reasons, locale, clean, name));
}
