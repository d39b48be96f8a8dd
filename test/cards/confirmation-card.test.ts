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
});
