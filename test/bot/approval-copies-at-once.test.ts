import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { cardActions } from '../support/bot-harness';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * The deciding approver's click waits while every other copy of the card is updated, and Teams stops waiting
 * for the bot after about 15 s (https://github.com/MicrosoftDocs/msteams-docs/issues/6084). The copies are
 * updated a few at a time, not one after another: with a slow connector the click's answer does not grow by a
 * connector round trip per approver.
 */
const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
const APPROVALS_CHANNEL = '19:approvals@thread.tacv2';
const h = useBotHarness({
  config: { APPROVALS_CHANNELS: JSON.stringify({ 'Global Administrator': APPROVALS_CHANNEL }) },
  knownUsers: [megan, nestor],
});

describe('publishing a decision', () => {
  it('updates the other copies together: with a 1.5 s connector they all arrive within one round trip', async () => {
    await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
    const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
    await h.submit(adele, confirm!.data!);
    await h.jobs.runDue();
    const request = h.stack.graph.snapshot().requests.find((r) => r.principalId === adele.id);
    expect(request?.status).toBe('PendingApproval');

    h.connector.reset();
    const delayMs = 1_500;
    h.connector.delayMs = delayMs;
    try {
      const answer = await h.invoke(megan, 'approve', { pimbot: 'approve', requestId: request!.id });
      expect(answer.status).toBe(200);
    } finally {
      h.connector.delayMs = 0;
    }
    // Nestor's copy, the channel's copy and Adele's status card: three conversations, one update each.
    const updates = h.connector.calls.filter((c) => c.operation === 'update');
    const conversations = new Set(updates.map((c) => c.conversationId.split(';')[0]));
    expect(conversations.size).toBeGreaterThanOrEqual(3);
    const copies = updates.filter((c) => c.conversationId !== h.personalConversationId(adele));
    expect(copies.length).toBeGreaterThanOrEqual(2);
    const arrived = copies.map((c) => c.receivedAt);
    // One after another, each would arrive a full connector round trip (1.5 s) after the one before.
    expect(Math.max(...arrived) - Math.min(...arrived)).toBeLessThan(delayMs);
    expect(h.stack.graph.snapshot().requests.find((r) => r.id === request!.id)?.status).not.toBe('PendingApproval');
  });
});
