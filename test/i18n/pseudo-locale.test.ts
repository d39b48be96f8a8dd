import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdaptiveCard, continuedInPersonalChatCard, errorCard, signInCard } from '../../cards';
import { NAMESPACES, RESOURCES } from '../../src/i18n/resources';
import { i18n } from '../../src/i18n/translator';
import { collectCardTexts } from '../cards/card-validation';

/**
 * A pseudo-locale generated from English at test time: every resource text wrapped in ⟦…⟧, placeholders and
 * $t() kept. Rendered in it, every piece of human text on a card must be wholly inside ONE wrapper, apart
 * from the data values interpolated into it. Text built by gluing pieces together ("⟦Sign in again⟧ to …",
 * "⟦a⟧ ⟦b⟧", or an English literal left in a builder) shows up outside a wrapper.
 *
 * The pseudo texts replace this test file's English resources (vitest isolates modules per file) and the
 * originals come back afterwards.
 */

const OPEN = '\u27E6';
const CLOSE = '\u27E7';

type Tree = { [key: string]: string | Tree };

function pseudo(tree: Tree): Tree {
  return Object.fromEntries(
    Object.entries(tree).map(([key, value]) => [
      key,
      typeof value === 'string' ? `${OPEN}${value}${CLOSE}` : pseudo(value),
    ]),
  );
}

/** Why `text` is not one wrapped translation once the data values are taken out, or undefined when it is. */
function glued(text: string, dataValues: readonly string[]): string | undefined {
  let rest = text;
  for (const value of [...dataValues].sort((a, b) => b.length - a.length)) rest = rest.split(value).join('');
  if (rest === '') return undefined; // the whole text is data
  if (!rest.startsWith(OPEN) || !rest.endsWith(CLOSE)) return `text outside a translation in "${text}"`;
  let depth = 0;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === OPEN) depth += 1;
    if (rest[i] === CLOSE) depth -= 1;
    if (depth === 0 && i < rest.length - 1) return `more than one translation glued together in "${text}"`;
  }
  return undefined;
}

function gluedTexts(card: AdaptiveCard, dataValues: readonly string[]): string[] {
  return (
    collectCardTexts(card)
      // Input and choice values are what the user edits or submits, not text the bot writes.
      .filter((t) => !(t.kind === 'plain' && t.path.endsWith('.value')))
      .map((t) => glued(t.text, dataValues))
      .filter((problem): problem is string => problem !== undefined)
  );
}

const english = structuredClone(RESOURCES.en);

beforeAll(() => {
  for (const ns of NAMESPACES) i18n.addResourceBundle('en', ns, pseudo(english[ns]), false, true);
});

afterAll(() => {
  for (const ns of NAMESPACES) i18n.addResourceBundle('en', ns, english[ns], false, true);
});

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
