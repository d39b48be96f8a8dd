import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { type BotHarness, cardActions, startBotHarness } from '../support/bot-harness';
import { figure, pool, tally } from './abuse-support';
import { outcome, spoofed, type Tamper, tampers } from './tampered-card-cases';

/**
 * >= 500 tampered approval and deactivation card actions against real pending requests and a real active role:
 * other users' request ids, approver identity claimed in the data fields, random ids, a valid action replayed by
 * the wrong user, replays after the decision. The Graph simulator judges: no decision (PATCH) and no
 * deactivation may come from any of them, and every request keeps its status; exactly one legitimate approval
 * goes through in the middle. The case list is shared with the production-stack run
 * (test/production/tampered-card-actions.test.ts) in ./tampered-card-cases.ts.
 */

const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee, admin: isaiah } = demoUsers;
let h: BotHarness;
let gaRequest: string;
let groupRequest: string;
/** The Approve button's data on the card Megan got for Adele's Global Administrator request. */
let megansApprove: Record<string, unknown>;

const graphRequests = () => h.stack.graph.snapshot().requests;
const patches = () => h.stack.graph.calls().filter((c) => c.method === 'PATCH');
const deactivations = () => graphRequests().filter((r) => r.action === 'selfDeactivate');
const statusOf = (id: string) => graphRequests().find((r) => r.id === id)?.status;
const exchangeActive = () =>
  h.stack.graph
    .snapshot()
    .activations.some(
      (a) =>
        a.principalId === adele.id && a.roleDefinitionId === demoRoles.exchangeAdministrator && a.isActive === true,
    );

async function confirmLast(user: FixtureUser): Promise<void> {
  const confirm = h.connector.calls
    .flatMap((c) => cardActions(c.body))
    .filter((a) => a.data?.pimbot === 'confirm')
    .at(-1);
  expect(confirm).toBeDefined();
  expect(await h.submit(user, confirm!.data!)).toBe(200);
}

beforeAll(async () => {
  h = await startBotHarness();
  h.stack.graph.loadFixture(demoTenant);
  // Approvers have the bot (their 1:1 chats are known).
  await h.say(megan, 'help');
  await h.say(nestor, 'help');
  // Adele: Global Administrator (approvers Megan and Nestor), Security Operators (Megan only), Exchange (active).
  await h.say(adele, 'activate Global Administrator 2h CHG-1042 conditional access change');
  await confirmLast(adele);
  await h.say(adele, 'activate security operators 1h INC-5 incident triage');
  await confirmLast(adele);
  await h.say(adele, 'activate Exchange Administrator 2h INC-42 fix mailbox rules');
  await confirmLast(adele);
  h.stack.clock.advance(6 * 60_000); // past PIM's 5-minute minimum: a deactivation would be accepted
  gaRequest = graphRequests().find((r) => r.roleDefinitionId === demoRoles.globalAdministrator)!.id as string;
  groupRequest = graphRequests().find((r) => r.groupId === demoGroups.securityOperators.id)!.id as string;
  megansApprove = h.connector.calls
    .filter((c) => c.conversationId === h.personalConversationId(megan))
    .flatMap((c) => cardActions(c.body))
    .find((a) => a.verb === 'approve' && a.data?.requestId === gaRequest)!.data!;
  expect(megansApprove).toBeDefined();
  expect(statusOf(gaRequest)).toBe('PendingApproval');
  expect(statusOf(groupRequest)).toBe('PendingApproval');
  expect(exchangeActive()).toBe(true);
  h.stack.graph.resetCalls();
});
afterAll(async () => h?.close());

async function send(t: Tamper): Promise<{ kind: string; status: number; text: string }> {
  if (t.submit) return { kind: t.kind, status: await h.submit(t.user, t.data), text: '' };
  const { status, body } = await h.invoke(t.user, t.verb, t.data);
  return { kind: t.kind, status, text: JSON.stringify(body) };
}

// Never shuffled: the attacks target a request still waiting, which the legitimate approval then decides.
describe('tampered card actions', { shuffle: false }, () => {
  it('>= 500 tampered approve/deny/deactivate actions: zero unauthorized decisions or deactivations', {
    timeout: 60_000,
  }, async () => {
    const attempts = tampers({ gaRequest, groupRequest, megansApprove });
    expect(attempts.length).toBeGreaterThanOrEqual(500);
    const results = await pool(attempts, 10, send);
    const decisions = patches().length;
    const outcomes = tally(results.map((r) => `${r.kind} => ${outcome(r.text)}`));
    figure(
      'tampered-card-actions',
      `${results.length} sent, ${decisions} decisions reached Graph (PATCH), ${deactivations().length} deactivations; statuses: Global Administrator ${statusOf(gaRequest)}, Security Operators ${statusOf(groupRequest)}, Exchange still active ${exchangeActive()}`,
    );
    figure('tampered-card-actions-outcomes', JSON.stringify(outcomes));

    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(decisions).toBe(0);
    expect(deactivations()).toEqual([]);
    expect(statusOf(gaRequest)).toBe('PendingApproval');
    expect(statusOf(groupRequest)).toBe('PendingApproval');
    expect(exchangeActive()).toBe(true);
    // No answer shows a decided card, and no card sent back to a non-approver carries the buttons.
    expect(results.filter((r) => /Approved by|Denied by/.test(r.text))).toEqual([]);
    const strangers = new Set([lee.id, isaiah.id, adele.id]);
    expect(
      results
        .filter((r, i) => strangers.has(attempts[i]!.user.id) && /"verb":"(approve|deny)"/.test(r.text))
        .map((r) => r.kind),
    ).toEqual([]);
    const strangerRefresh = attempts.filter((a) => a.kind === 'refresh-by-stranger');
    for (const t of strangerRefresh.slice(0, 5)) {
      const { body } = await h.invoke(t.user, t.verb, t.data);
      const card = {
        attachments: [
          { contentType: 'application/vnd.microsoft.card.adaptive', content: (body as { value?: unknown }).value },
        ],
      };
      expect(cardActions(card).filter((a) => a.verb === 'approve' || a.verb === 'deny')).toEqual([]);
    }
    expect(h.violations, h.contractReport()).toEqual([]);
  });

  it('one legitimate approval goes through; >= 100 replays after the decision change nothing', {
    timeout: 60_000,
  }, async () => {
    const approved = await h.invoke(megan, 'approve', { ...megansApprove, comment: 'CAB approved' });
    expect(JSON.stringify(approved.body)).toMatch(/Approved/);
    expect(patches()).toHaveLength(1);
    expect(statusOf(gaRequest)).toBe('Provisioned');

    const replays: Tamper[] = [];
    for (let i = 0; i < 120; i++) {
      const user = [megan, nestor, lee, adele, isaiah][i % 5]!;
      const verb = i % 2 ? 'approve' : 'deny';
      replays.push({
        kind: 'replay-after-decision',
        user,
        verb,
        data: { ...megansApprove, pimbot: verb, comment: `late ${i}`, ...spoofed(megan) },
      });
    }
    const results = await pool(replays, 10, send);
    figure(
      'replays-after-decision',
      `${results.length} replays sent, ${patches().length - 1} more decisions reached Graph; outcomes ${JSON.stringify(tally(results.map((r) => outcome(r.text))))}`,
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(patches()).toHaveLength(1);
    expect(statusOf(gaRequest)).toBe('Provisioned');
    expect(statusOf(groupRequest)).toBe('PendingApproval');
    expect(deactivations()).toEqual([]);
    expect(exchangeActive()).toBe(true);
    // Approvers' replays say who decided; strangers and the requester are still refused as such.
    expect(
      results
        .filter((r) => [megan.id, nestor.id].includes(replays[results.indexOf(r)]!.user.id))
        .every((r) => /Already approved by Megan Bowen/.test(r.text)),
    ).toBe(true);
  });
});
