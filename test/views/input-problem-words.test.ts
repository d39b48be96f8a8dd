import { describe, expect, it } from 'vitest';
import { parseDuration, validateDuration } from '../../src/activation/duration-parser';
import { checkJustification, checkTicket, JUSTIFICATION_MAX } from '../../src/activation/request-rules';
import { inputProblemText } from '../../src/views/input-problem-words';

/**
 * Why a typed duration, justification or ticket was refused, in the reader's language: the checks return a code
 * and values beside their English reason; English words from the code are exactly that reason (what the dialogs'
 * tests assert), German is src/i18n/locales/de/errors.json with Intl's German durations.
 */

const refused = <T extends { ok: boolean }>(result: T) => {
  if (result.ok) throw new Error('expected a refusal');
  return result as Extract<T, { ok: false }>;
};

const rules = { ticketPattern: /^(INC|CHG)-?\d+$/i };

const cases = [
  {
    name: 'unreadable',
    result: () => parseDuration('soon'),
    de: 'Geben Sie an, wie lange, z. B. 2h, 90m oder 1.5 hours.',
  },
  {
    name: 'negative',
    result: () => parseDuration('-2h'),
    de: 'Eine Dauer kann nicht negativ sein. Geben Sie an, wie lange, z. B. 2h, 90m oder 1.5 hours.',
  },
  {
    name: 'over 7 days',
    result: () => parseDuration('8 days'),
    de: 'PIM-Aktivierungen dauern höchstens 7 Tage. Fordern Sie weniger an, z. B. 8h.',
  },
  { name: 'under PIM’s floor', result: () => validateDuration(3), de: 'Aktivierungen dauern mindestens 5 Minuten.' },
  {
    name: 'over the role’s maximum',
    result: () => validateDuration(600, { maxMinutes: 8 * 60 + 30, targetName: 'Exchange Administrator' }),
    de: 'Exchange Administrator erlaubt höchstens 8 Stunden 30 Minuten.',
  },
  {
    name: 'over a maximum, no name',
    result: () => validateDuration(600, { maxMinutes: 60 }),
    de: 'Diese Rolle erlaubt höchstens 1 Stunde.',
  },
  { name: 'no justification', result: () => checkJustification('  '), de: 'Bitte geben Sie eine kurze Begründung an.' },
  {
    name: 'a long justification',
    result: () => checkJustification('x'.repeat(JUSTIFICATION_MAX + 1)),
    de: 'Bitte halten Sie die Begründung auf höchstens 500 Zeichen.',
  },
  {
    name: 'not a ticket',
    result: () => checkTicket('tomorrow', rules),
    de: 'Das sieht nicht wie eine Ticketnummer aus. Geben Sie sie z. B. als INC-42 oder CHG0012345 ein.',
  },
  {
    name: 'a long ticket',
    result: () => checkTicket('INC'.repeat(40), rules),
    de: 'Das ist zu lang für eine Ticketnummer (höchstens 100 Zeichen). Geben Sie nur die Nummer ein, z. B. INC-42.',
  },
];

describe('input refusals in English and German', () => {
  for (const c of cases) {
    it(c.name, () => {
      const problem = refused(c.result());
      expect(inputProblemText(problem, 'en-GB')).toBe(problem.reason);
      expect(inputProblemText(problem, 'de-DE')).toBe(c.de);
    });
  }

  it('a role name is data: made inert before it becomes a value', () => {
    const problem = refused(validateDuration(600, { maxMinutes: 60, targetName: '**Bold** {{max}}' }));
    const german = inputProblemText(problem, 'de-DE');
    expect(german).not.toContain('**');
    // The placeholder typed in the name is not expanded: the maximum is said once, where the sentence says it.
    expect(german.match(/1 Stunde/g)).toHaveLength(1);
    expect(german).toMatch(/erlaubt höchstens 1 Stunde\.$/);
  });
});
