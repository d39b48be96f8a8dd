import { describe, expect, it } from 'vitest';
import { confirmationCard } from '../../cards';
import { assertValidCard, collectActions, factsOf, findById, hasId } from './card-validation';
import { normalConfirmation } from './fixtures';

describe('confirmationCard', () => {
  it('summarises what will be requested', () => {
    const card = confirmationCard(normalConfirmation);
    assertValidCard(card);
    expect(findById(card, 'confirm-title').text).toBe('Activate this?');
    expect(factsOf(card, 'confirm-facts')).toEqual({
      Role: 'Exchange Administrator',
      Duration: '2 hours (until 16:30 UTC+1)',
      Justification: 'fix mailbox rules',
      Ticket: 'INC-42',
      Approval: 'Needs approval from Security Admins.',
    });
    expect(findById(card, 'confirm-step-up')).toMatchObject({
      text: 'You will be asked to sign in again with MFA.',
      color: 'warning',
    });
  });

  it('leaves out what is not there, and says Group for groups', () => {
    const card = confirmationCard({
      key: 'k',
      kind: 'group',
      targetName: 'Break-glass operators',
      durationText: '1 hour',
      justification: null,
      ticketNumber: '',
      approvalText: 'No approval needed.',
      stepUpText: null,
    });
    assertValidCard(card);
    expect(factsOf(card, 'confirm-facts')).toEqual({
      Group: 'Break-glass operators',
      Duration: '1 hour',
      Approval: 'No approval needed.',
    });
    expect(hasId(card, 'confirm-step-up')).toBe(false);
  });

  it('Activate submits {pimbot:"confirm", key}; Cancel submits {pimbot:"cancel"}', () => {
    expect(
      collectActions(confirmationCard(normalConfirmation)).map(({ action }) => [
        action.type,
        action.title,
        action.data,
        action.associatedInputs,
      ]),
    ).toEqual([
      ['Action.Submit', 'Activate', { pimbot: 'confirm', target: 'pending-1' }, undefined],
      ['Action.Submit', 'Cancel', { pimbot: 'cancel' }, 'none'],
    ]);
  });

  it("speaks German to a de-DE viewer (Microsoft's PIM terms); the caller's texts are shown as given", () => {
    const card = confirmationCard(normalConfirmation, { locale: 'de-DE' });
    assertValidCard(card);
    expect(findById(card, 'confirm-title').text).toBe('Jetzt aktivieren?');
    expect(factsOf(card, 'confirm-facts')).toEqual({
      Rolle: 'Exchange Administrator',
      Dauer: '2 hours (until 16:30 UTC+1)',
      Begründung: 'fix mailbox rules',
      Ticket: 'INC-42',
      Genehmigung: 'Needs approval from Security Admins.',
    });
    expect(collectActions(card).map(({ action }) => action.title)).toEqual(['Aktivieren', 'Abbrechen']);
    const group = confirmationCard({ ...normalConfirmation, kind: 'group' }, { locale: 'de-AT' });
    expect(Object.keys(factsOf(group, 'confirm-facts'))[0]).toBe('Gruppe');
  });
});
