import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { type BotHarness, cardActions, startBotHarness, visibleText } from '../support/bot-harness';
import { submitPendingRequest } from '../support/pending-request';

/**
 * Issue 15, "Interruptions", through the real bot over HTTP (playground mode, Graph simulator, local authority,
 * capture connector): what interrupting a prompt does end to end, where the table in interruptions.test.ts cannot
 * reach (a real request waiting for approval to withdraw) or where the whole way to PIM matters (the replaced
 * request is the one submitted; after help, the prompt still takes its answer).
 */

const { requester: adele, approver: megan } = demoUsers;
let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => h?.close());
beforeEach(async () => {
  h.stack.graph.loadFixture(demoTenant);
  h.newConversations();
  await h.say(megan, 'help'); // the approver's chat exists, so approval cards reach her
  h.connector.reset();
});
afterEach(() => {
  expect(h.violations, h.contractReport()).toEqual([]);
  expect(h.connector.unmatched).toEqual([]);
});

const requests = () => h.stack.graph.snapshot().requests.filter((r) => r.principalId === adele.id);
/** Everything the bot sent to Adele since `from` (an index into the connector's calls), as she reads it. */
const seenSince = (from: number) =>
  h.connector.calls
    .slice(from)
    .filter((c) => c.conversationId === h.personalConversationId(adele))
    .map((c) => visibleText(c.body));
const confirmButton = () =>
  h.connector.calls.flatMap((c) => cardActions(c.body)).findLast((a) => a.data?.pimbot === 'confirm')?.data;

describe('interrupting a prompt, end to end', () => {
  it('"cancel request" at the duration prompt withdraws the request waiting for approval, then asks the duration again', async () => {
    const waiting = await submitPendingRequest(h, adele, 'activate Global Administrator 2h CHG-1042 CA policy change');
    await h.say(adele, 'activate Exchange Administrator');
    const question = seenSince(0).at(-1);
    expect(question).toMatch(/How long do you need Exchange Administrator\?/);

    const from = h.connector.calls.length;
    await h.say(adele, 'cancel request');
    const seen = seenSince(from);
    expect(seen.join('\n')).toMatch(/Request cancelled/);
    expect(seen.at(-1)).toBe(question);
    expect(h.stack.graph.snapshot().requests.find((r) => r.id === waiting)?.status).toBe('Canceled');

    // Still at the duration prompt: the activation goes on from there.
    await h.say(adele, '1h');
    expect(seenSince(from).at(-1)).toMatch(/Exchange Administrator requires a justification/);
  });

  it('a new "activate …" at the justification prompt replaces the unfinished request; only the new one reaches PIM', async () => {
    await h.say(adele, 'activate Exchange Administrator 1h');
    expect(seenSince(0).at(-1)).toMatch(/Exchange Administrator requires a justification/);

    const from = h.connector.calls.length;
    await h.say(adele, 'activate User Administrator 2h reset passwords for new hires');
    const seen = seenSince(from);
    expect(seen[0]).toBe('I dropped your unfinished request for Exchange Administrator; starting User Administrator.');
    await h.submit(adele, confirmButton()!);
    expect(requests().map((r) => [r.action, r.roleDefinitionId, r.justification])).toEqual([
      ['selfActivate', demoRoles.userAdministrator, 'reset passwords for new hires'],
    ]);
  });

  it('help at the confirmation answers, and the same confirmation then submits', async () => {
    await h.say(adele, 'activate Exchange Administrator 1h mailbox migration');
    const from = h.connector.calls.length;
    await h.say(adele, 'help');
    expect(seenSince(from).join('\n')).toMatch(/Here is what I can do/);
    expect(requests()).toEqual([]);
    await h.say(adele, 'yes');
    expect(requests().map((r) => [r.action, r.status])).toEqual([['selfActivate', 'Provisioned']]);
  });

  it('"cancel" at the justification prompt ends the request: nothing reaches PIM, and the next message starts afresh', async () => {
    await h.say(adele, 'activate Exchange Administrator 1h');
    const from = h.connector.calls.length;
    await h.say(adele, 'cancel');
    expect(seenSince(from)).toEqual(['Cancelled. Nothing was submitted.']);
    await h.say(adele, 'a justification typed too late');
    expect(seenSince(from).at(-1)).toMatch(/I didn't get that/);
    expect(requests()).toEqual([]);
  });
});
