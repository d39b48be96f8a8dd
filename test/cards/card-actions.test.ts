import { describe, expect, it } from 'vitest';
import {
  APPROVAL_COMMENT_MAX_LENGTH,
  approvalCard,
  pendingApprovalsCard,
  readExecuteAction,
  readSubmitAction,
} from '../../cards';
import { collectActions } from './card-validation';
import { BUILDERS } from './fixtures';

/** Teams' invoke value for an Action.Execute: the verb, and the data merged with the card's inputs. */
const invoke = (verb: unknown, data: unknown) => ({ action: { type: 'Action.Execute', verb, data } });

describe('readSubmitAction (Action.Submit: the message value)', () => {
  it('reads each verb the cards send; `key` from cards posted before the rename still reads', () => {
    expect(readSubmitAction({ pimbot: 'roles' })).toEqual({ verb: 'roles' });
    expect(readSubmitAction({ pimbot: 'active' })).toEqual({ verb: 'active' });
    expect(readSubmitAction({ pimbot: 'cancel', duration: '2h' })).toEqual({ verb: 'cancel' });
    expect(readSubmitAction({ pimbot: 'activate', target: 'role:x:/' })).toEqual({
      verb: 'activate',
      target: 'role:x:/',
    });
    expect(readSubmitAction({ pimbot: 'activate', key: 'role:x:/' })).toEqual({ verb: 'activate', target: 'role:x:/' });
    expect(readSubmitAction({ pimbot: 'confirm', target: 'k' })).toEqual({ verb: 'confirm', target: 'k' });
  });

  it.each([
    [null],
    ['activate'],
    [[]],
    [{}],
    [{ pimbot: 'activate' }],
    [{ pimbot: 'activate', target: '' }],
    [{ pimbot: 'activate', key: 42 }],
    [{ pimbot: 'activate', target: 'x'.repeat(1025) }],
    // Action.Execute verbs never count as a Submit: a decision cannot arrive as a plain message.
    [{ pimbot: 'approve', requestId: 'r' }],
    [{ pimbot: 'deactivate', target: 'k' }],
    [{ pimbot: 'activationForm', target: 'k' }],
    [{ pimbot: 'refreshStatus', target: 'k' }],
  ])('is undefined for %j', (value) => {
    expect(readSubmitAction(value)).toBeUndefined();
  });
});

describe('readExecuteAction (Action.Execute: the adaptiveCard/action invoke value)', () => {
  it('reads deactivate, approve, deny and the refresh (whose data carries no pimbot)', () => {
    expect(readExecuteAction(invoke('deactivate', { pimbot: 'deactivate', target: 'role:x:/' }))).toEqual({
      verb: 'deactivate',
      target: 'role:x:/',
    });
    expect(readExecuteAction(invoke('approve', { pimbot: 'approve', requestId: 'r', comment: ' ok ' }))).toEqual({
      verb: 'approve',
      requestId: 'r',
      comment: 'ok',
    });
    expect(readExecuteAction(invoke('deny', { requestId: 'r' }))).toEqual({
      verb: 'deny',
      requestId: 'r',
      comment: '',
    });
    expect(readExecuteAction(invoke('refreshApproval', { requestId: 'r' }))).toEqual({
      verb: 'refreshApproval',
      requestId: 'r',
    });
  });

  it('takes the comment from the inbox item named by commentInputId, never from another property', () => {
    const data = { requestId: 'r', commentInputId: 'comment-3', 'comment-3': 'mine', comment: 'not this' };
    expect(readExecuteAction(invoke('deny', data))).toMatchObject({ comment: 'mine' });
    for (const inputId of ['__proto__', 'constructor', 'requestId', 'pimbot', 'comment-12345']) {
      expect(
        readExecuteAction(invoke('deny', { requestId: 'r', commentInputId: inputId, [inputId]: 'x', comment: 'c' })),
      ).toMatchObject({ comment: 'c' });
    }
  });

  it(`cuts the comment at ${APPROVAL_COMMENT_MAX_LENGTH} characters (PIM's limit)`, () => {
    const long = 'a'.repeat(APPROVAL_COMMENT_MAX_LENGTH + 100);
    const read = readExecuteAction(invoke('deny', { requestId: 'r', comment: long }));
    expect(read).toMatchObject({ comment: 'a'.repeat(APPROVAL_COMMENT_MAX_LENGTH) });
  });

  it.each([
    [null],
    [{}],
    [{ action: null }],
    [invoke('approve', { requestId: '' })],
    [invoke('approve', { requestId: 42 })],
    [invoke('approve', null)],
    [invoke('deactivate', { key: { nested: true } })],
    [invoke('activate', { target: 'k' })],
    [invoke('refreshStatus', { target: 'k' })],
    [invoke(undefined, { pimbot: 'approve', requestId: 'r' })],
  ])('is undefined for %j', (value) => {
    expect(readExecuteAction(value)).toBeUndefined();
  });
});

describe('every card action is one the bot reads', () => {
  const approval = approvalCard(
    {
      requestId: 'req-1',
      kind: 'role',
      requesterId: 'adele',
      requesterName: 'Adele Vance',
      targetName: 'Global Administrator',
      scopeText: 'Directory (tenant-wide)',
      durationText: '1 hour',
      requestedAtText: '14:00',
      expiresAtText: 'Tue 14:00',
      hints: [],
      state: 'pending',
      approverIds: ['megan'],
      approverMris: ['29:megan'],
    },
    { aadObjectId: 'megan' },
  );
  const inbox = pendingApprovalsCard({
    items: [
      {
        requestId: 'req-2',
        requesterName: 'Adele Vance',
        targetName: 'Exchange Administrator',
        durationText: '2 hours',
        requestedAtText: '14:00',
        expiresAtText: 'Tue 14:00',
      },
    ],
  });
  const cards = [
    ...BUILDERS.map((b) => ({ name: b.name, card: b.normal() })),
    { name: 'approvalCard', card: approval },
  ];
  cards.push({ name: 'pendingApprovalsCard', card: inbox });

  it.each(cards)('$name', ({ card }) => {
    const actions = collectActions(card).map(({ action }) => action);
    const refresh = (card as { refresh?: { action?: Record<string, unknown> } }).refresh?.action;
    if (refresh) actions.push(refresh);
    for (const action of actions) {
      if (action.type === 'Action.Submit') expect(readSubmitAction(action.data), JSON.stringify(action)).toBeDefined();
      if (action.type === 'Action.Execute')
        expect(readExecuteAction(invoke(action.verb, action.data)), JSON.stringify(action)).toBeDefined();
    }
  });
});
