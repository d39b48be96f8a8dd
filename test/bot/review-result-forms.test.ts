import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { visibleText } from '../support/bot-harness';
import { portalClient } from '../support/portal-client';
import { useBotHarness } from '../support/use-bot-harness';
import { submitPendingRequest } from '../support/pending-request';

/**
 * Issue 12: Graph reads an approval step back as Approved/Denied (DOCS api-reference/beta/resources/
 * approvalstep.md) while samples and the PATCH use Approve/Deny. A decision another approver made outside
 * Teams must show as approved/denied on the Teams cards, never as expired.
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
const h = useBotHarness({ knownUsers: [megan] });

function latestCardText(conversationId: string): string {
  const calls = h.connector.calls.filter(
    (c) => !c.failedWith && (c.conversationId === conversationId || c.conversationId.startsWith(`${conversationId};`)),
  );
  const updates = calls.filter((c) => c.operation === 'update');
  return visibleText((updates.at(-1) ?? calls.at(-1))?.body as Partial<Activity>);
}

const requestGlobalAdmin = () =>
  submitPendingRequest(h, adele, 'activate Global Administrator 2h CHG-1042 conditional access change');

/** Nestor decides outside Teams (the portal): straight to Graph with his own token. */
async function portalDecision(requestId: string, decision: 'Approve' | 'Deny'): Promise<void> {
  const portal = await portalClient(h, nestor);
  await portal.decide('role', requestId, decision, `${decision} in the portal`);
}

describe('a decision read back from Graph in its documented spelling', () => {
  const cases = [
    { decision: 'Approve', verb: 'approve', shown: /Approved by Nestor Wilke/ },
    { decision: 'Deny', verb: 'deny', shown: /Denied by Nestor Wilke/ },
  ] as const;
  for (const c of cases) {
    it(`${c.decision} by another approver outside Teams shows as such, never expired`, async () => {
      const requestId = await requestGlobalAdmin();
      await portalDecision(requestId, c.decision);
      // Megan clicks on her (stale) card: the bot reads the approval back from Graph.
      const res = await h.invoke(megan, c.verb, { pimbot: c.verb, requestId, comment: 'late click' });
      const text = `${JSON.stringify(res.body)}\n${latestCardText(h.personalConversationId(adele))}`;
      const expired = /expired|timed out/i.test(text);
      console.log(
        `review result ${c.decision}: shown as ${c.decision === 'Approve' ? 'approved' : 'denied'} = ${c.shown.test(text)}, shown as expired = ${expired}`,
      );
      expect(text).toMatch(c.shown);
      expect(expired).toBe(false);
    });
  }
});
