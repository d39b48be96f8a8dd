import { describe, expect, it } from 'vitest';
import { STATUS_STATES, type StatusCardModel, type StatusState, statusCard } from '../../cards';
import { assertValidCard, collectActions, factsOf, findById, hasId } from './card-validation';
import { normalStatus } from './fixtures';

const status = (overrides: Partial<StatusCardModel> = {}, viewer = {}) =>
  statusCard({ ...normalStatus, ...overrides }, viewer);

describe('statusCard', () => {
  it.each<[StatusState, string, string]>([
    ['submitting', 'Submitting your request…', 'accent'],
    ['pendingApproval', 'Waiting for approval', 'warning'],
    ['active', 'Active', 'good'],
    ['deactivated', 'Deactivated', 'emphasis'],
    ['expired', 'Expired', 'emphasis'],
    ['failed', 'Activation failed', 'attention'],
    ['denied', 'Request denied', 'attention'],
    ['canceled', 'Request cancelled', 'emphasis'],
  ])('state %s: header "%s" in a %s container', (state, title, style) => {
    const card = status({ state });
    assertValidCard(card);
    expect(findById(card, 'status-header').style).toBe(style);
    expect(findById(card, 'status-state')).toMatchObject({ text: title, color: STATUS_STATES[state].color });
    expect(findById(card, 'status-target').text).toBe('Exchange Administrator');
  });

  it('shows the request as facts and the update time as a footer', () => {
    const card = status();
    expect(factsOf(card, 'status-facts')).toEqual({
      'Requested by': 'Adele Vance',
      Duration: '2 hours',
      'Active until': '16:30 (UTC+1)',
      Approvers: 'Security Admins',
      Ticket: 'INC-42',
      Justification: 'fix mailbox rules',
    });
    expect(findById(card, 'status-updated').text).toBe('Updated 14:32 (UTC+1)');
  });

  it('only active cards offer "Deactivate now", an Action.Execute {pimbot:"deactivate", key: deactivateKey}', () => {
    expect(collectActions(status()).map(({ action }) => action)).toEqual([
      expect.objectContaining({
        type: 'Action.Execute',
        title: 'Deactivate now',
        verb: 'deactivate',
        data: { pimbot: 'deactivate', target: 'assignment-1' },
      }),
    ]);
    for (const state of Object.keys(STATUS_STATES) as StatusState[]) {
      if (state !== 'active') expect(collectActions(status({ state })), state).toEqual([]);
    }
    expect(collectActions(status({ deactivateKey: null }))).toEqual([]);
  });

  it('with ownerAadObjectId, only the owner sees "Deactivate now"', () => {
    const owned = { ownerAadObjectId: 'adele' };
    expect(collectActions(status(owned, { aadObjectId: 'adele' }))).toHaveLength(1);
    expect(collectActions(status(owned, { aadObjectId: 'megan' }))).toEqual([]);
    expect(collectActions(status(owned, {}))).toEqual([]);
  });

  it('a failure shows message, fix, Graph code and request id in a red block', () => {
    const card = status({
      state: 'failed',
      failure: {
        message: 'The role policy requires MFA.',
        fix: 'Sign in again with MFA, then retry.',
        graphCode: 'RoleAssignmentRequestAcrsValidationFailed',
        requestId: 'abc-123',
      },
    });
    assertValidCard(card);
    expect(findById(card, 'status-failure').style).toBe('attention');
    expect(findById(card, 'status-failure-message').text).toBe('The role policy requires MFA.');
    expect(findById(card, 'status-failure-fix').text).toBe('Sign in again with MFA, then retry.');
    expect(factsOf(card, 'status-failure-facts')).toEqual({
      'Error code': 'RoleAssignmentRequestAcrsValidationFailed',
      'Request ID': 'abc-123',
    });
    const bare = status({ state: 'failed', failure: { message: 'Oops.', fix: 'Retry.' } });
    expect(hasId(bare, 'status-failure-facts')).toBe(false);
    expect(hasId(status(), 'status-failure')).toBe(false);
  });

  it('minimal: no optional facts, no footer', () => {
    const card = statusCard({ state: 'submitting', targetName: 'Reader', durationText: '1 hour' });
    assertValidCard(card);
    expect(factsOf(card, 'status-facts')).toEqual({ Duration: '1 hour' });
    expect(hasId(card, 'status-updated')).toBe(false);
  });

  it('rejects an unknown state', () => {
    expect(() => status({ state: 'granted' as StatusState })).toThrow(/unknown state/);
  });
});
