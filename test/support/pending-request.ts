import { expect } from 'vitest';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { type BotHarness, cardActions } from './bot-harness';

/**
 * The requester types a one-line activation that needs approval and confirms it on the card; returns the id of
 * the request PIM now holds as PendingApproval (the start of every approval, cancel and reconciliation test).
 */
export async function submitPendingRequest(h: BotHarness, requester: FixtureUser, text: string): Promise<string> {
  await h.say(requester, text);
  const confirm = h.connector.calls.flatMap((c) => cardActions(c.body)).find((a) => a.data?.pimbot === 'confirm');
  expect(confirm).toBeDefined();
  await h.submit(requester, confirm!.data!);
  const request = h.stack.graph
    .snapshot()
    .requests.find((r) => r.principalId === requester.id && r.status === 'PendingApproval');
  expect(request).toBeDefined();
  return request!.id as string;
}
