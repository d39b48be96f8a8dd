import type { FormAnswers } from '../src/activation/activation-form-check';
import { translator } from '../src/i18n';
import { matchTarget } from '../src/activation/target-matcher';
import type { PimTarget } from '../src/pim/pim-types';
import { findTarget, targetKey } from '../src/pim/target-key';
import { type ActivationFormOptions, whichOneIntro } from './activation-form-dialog';

/** What the activation dialog was told (the parts the form can use). */
interface Said {
  targetText?: string;
  targetKey?: string;
  minutes?: number;
  durationText?: string;
  justification?: string;
  ticket?: string;
}

/**
 * When the form replaces the text questions, and how it starts (on a client that shows forms):
 * - a role picked on a card (the roles list's Activate): the form for that role; Activate again after an
 *   expiry, which carries the old duration, justification and ticket, keeps the confirmation (nothing to fill);
 * - `activate` alone: the form with every eligible role and group;
 * - a name that matches several (one role at two scopes) or none: the form offering those, or all, saying why.
 * A name that matches one keeps the one-line path (it asks only for what is missing), so one-liners are unchanged.
 */
export function formStart(
  said: Said,
  eligible: readonly PimTarget[],
  locale?: string,
): ActivationFormOptions | undefined {
  const values: FormAnswers = {
    durationCustom: said.minutes !== undefined ? said.durationText : undefined,
    justification: said.justification,
    ticket: said.ticket,
  };
  if (said.targetKey && said.minutes !== undefined) return undefined;
  if (said.targetKey) return findTarget(eligible, said.targetKey) ? { targetKey: said.targetKey, values } : undefined;
  if (!said.targetText) return { values };
  const match = matchTarget(said.targetText, eligible);
  if (match.kind === 'exact') return undefined;
  if (match.kind === 'ambiguous') {
    return {
      choiceKeys: match.options.map(targetKey),
      intro: whichOneIntro(said.targetText, match.options, locale),
      values,
    };
  }
  return { intro: translator(locale)('activation:choose.notFound', { typed: said.targetText }), values };
}
