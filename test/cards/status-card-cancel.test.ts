import { describe, expect, it } from 'vitest';
import { readExecuteAction, type StatusCardModel, statusCard } from '../../cards';
import { assertValidCard, collectActions } from './card-validation';
import { normalStatus } from './fixtures';

/**
 * "Cancel request" on the requester's waiting card: an Action.Execute the bot reads back as
 * `{ verb: 'cancelRequest', requestId }`, shown only while the request waits and only to its requester.
 */
const REQUESTER = 'adele-oid';
const waiting: StatusCardModel = {
  ...normalStatus,
  state: 'pendingApproval',
  ownerAadObjectId: REQUESTER,
  cancelRequestId: 'req-1',
};
const cancelButtons = (model: StatusCardModel, viewer: { aadObjectId?: string }) => {
  const card = statusCard(model, viewer);
  assertValidCard(card);
  return collectActions(card)
    .map((a) => a.action as { type?: string; title?: string; verb?: string; data?: unknown })
    .filter((a) => a.verb === 'cancelRequest');
};

describe('statusCard: Cancel request', () => {
  it('the requester sees it while the request waits; clicking it reads back as cancelRequest of that request', () => {
    const [button] = cancelButtons(waiting, { aadObjectId: REQUESTER });
    expect(button).toMatchObject({ type: 'Action.Execute', title: 'Cancel request' });
    const read = readExecuteAction({ action: { type: 'Action.Execute', verb: button!.verb, data: button!.data } });
    expect(read).toEqual({ verb: 'cancelRequest', requestId: 'req-1' });
  });

  it('nobody else sees it, nor anyone once the request is no longer waiting', () => {
    expect(cancelButtons(waiting, { aadObjectId: 'megan-oid' })).toEqual([]);
    expect(cancelButtons(waiting, {})).toEqual([]);
    for (const state of ['active', 'denied', 'canceled', 'expired'] as const)
      expect(cancelButtons({ ...waiting, state }, { aadObjectId: REQUESTER }), state).toEqual([]);
  });
});
