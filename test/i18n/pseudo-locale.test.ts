import { describe, expect, it } from 'vitest';
import { type AdaptiveCard, continuedInPersonalChatCard, errorCard, signInCard } from '../../cards';
import { collectCardTexts } from '../cards/card-validation';
import { CLOSE, glued, gluedTexts, OPEN, usePseudoEnglish } from '../support/pseudo-locale';

// The machinery (the ⟦…⟧ pseudo-locale and the glued-text check) is in test/support/pseudo-locale.ts; each
// converted area has its own pseudo-locale test file next to this one.
usePseudoEnglish();

const VIEWER = { aadObjectId: '00000000-0000-0000-0000-00000000a0a0', locale: 'en-US' };

/** Data the callers give the cards: shown as values, never translated by the card. */
const DATA = {
  title: 'Could not activate Exchange Administrator',
  message: 'The role policy requires a ticket number.',
  fix: 'Add the ticket number and try again.',
  graphCode: 'RoleAssignmentRequestPolicyValidationFailed',
  requestId: '5e3c1a7e-0000-4000-8000-000000000001',
  reason: 'Exchange Administrator needs multi-factor authentication.',
};
const DATA_VALUES = Object.values(DATA);

const CARDS: Array<[string, () => AdaptiveCard]> = [
  ['errorCard with Graph details', () => errorCard(DATA, VIEWER)],
  ['errorCard without a title', () => errorCard({ title: '', message: DATA.message, fix: DATA.fix }, VIEWER)],
  ['signInCard', () => signInCard({ url: 'https://pimbot.example.com/auth/step-up?state=abc' }, VIEWER)],
  [
    'signInCard for a step-up',
    () => signInCard({ url: 'https://pimbot.example.com/auth/step-up?state=abc', reason: DATA.reason }, VIEWER),
  ],
  [
    'continuedInPersonalChatCard',
    () => continuedInPersonalChatCard({ chatUrl: 'https://teams.microsoft.com/l/chat/0/0?users=28:bot' }, VIEWER),
  ],
];

describe('pseudo-locale: no text is built by concatenation', () => {
  it.each(CARDS)('%s: every text is one translation (data values aside)', (_name, build) => {
    const card = build();
    expect(gluedTexts(card, DATA_VALUES)).toEqual([]);
    // Not vacuous: the card's own words did come from the pseudo resources.
    expect(collectCardTexts(card).some((t) => t.text.startsWith(OPEN))).toBe(true);
  });

  it('the check catches glued, bare and half-wrapped text, and lets data inside a translation pass', () => {
    const reason = DATA.reason;
    expect(glued(`${OPEN}Sign in again${CLOSE} to continue`, [])).toMatch(/outside/);
    expect(glued('Sign in', [])).toMatch(/outside/);
    expect(glued(`${reason} ${OPEN}Your request is kept.${CLOSE}`, [reason])).toMatch(/outside/);
    expect(glued(`${OPEN}Start.${CLOSE} ${OPEN}End.${CLOSE}`, [])).toMatch(/glued/);
    expect(glued(`${OPEN}${reason} Your request is kept.${CLOSE}`, [reason])).toBeUndefined();
    expect(glued(`${OPEN}Start. ${OPEN}Nested.${CLOSE}${CLOSE}`, [])).toBeUndefined();
    expect(glued(reason, [reason])).toBeUndefined();
  });
});
