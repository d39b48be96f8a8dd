import { describe, expect, it } from 'vitest';
import { EXPIRY_WARNING_NOTE, expiryWarningCard } from '../../cards';
import { assertValidCard, collectActions, factsOf, findById } from './card-validation';
import { normalExpiryWarning } from './fixtures';

/** The warning before an activation ends, sent proactively: its language is the stored chat locale's. */
describe('expiryWarningCard', () => {
  it('in English, as before: time left, facts, note, and the two actions', () => {
    const card = expiryWarningCard(normalExpiryWarning, { locale: 'en-GB' });
    assertValidCard(card);
    expect(findById(card, 'expiry-title').text).toBe('Ends in 10 minutes');
    expect(factsOf(card, 'expiry-facts')).toEqual({
      'Active until': '16:30 (UTC+1)',
      Ticket: 'INC-42',
      Justification: 'fix mailbox rules',
    });
    expect(findById(card, 'expiry-note').text).toBe(
      'PIM cannot extend a running activation. Activate again requests the same one again, to start as this one ends; you can cancel it until then.',
    );
    expect(EXPIRY_WARNING_NOTE).toBe(findById(card, 'expiry-note').text);
    expect(collectActions(card).map(({ action }) => action.title)).toEqual(['Deactivate now', 'Activate again']);
    expect(expiryWarningCard(normalExpiryWarning)).toEqual(card);
  });

  it("in German for a de-DE reader, with Microsoft's terms", () => {
    const card = expiryWarningCard(normalExpiryWarning, { locale: 'de-DE' });
    assertValidCard(card);
    expect(findById(card, 'expiry-title').text).toBe('Endet in 10 minutes');
    expect(factsOf(card, 'expiry-facts')).toEqual({
      'Aktiv bis': '16:30 (UTC+1)',
      Ticket: 'INC-42',
      Begründung: 'fix mailbox rules',
    });
    expect(findById(card, 'expiry-note').text).toBe(
      'PIM kann eine laufende Aktivierung nicht verlängern. „Erneut aktivieren“ fordert dieselbe Aktivierung erneut an, beginnend mit dem Ende dieser; bis dahin können Sie sie abbrechen.',
    );
    expect(collectActions(card).map(({ action }) => action.title)).toEqual(['Jetzt deaktivieren', 'Erneut aktivieren']);
  });

  it('without the time left, says "a few minutes" in the reader\'s language', () => {
    const model = { ...normalExpiryWarning, remainingText: '' };
    expect(findById(expiryWarningCard(model), 'expiry-title').text).toBe('Ends in a few minutes');
    expect(findById(expiryWarningCard(model, { locale: 'de' }), 'expiry-title').text).toBe('Endet in wenigen Minuten');
  });
});
