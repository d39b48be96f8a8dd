import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import { figure, pool, tally } from '../abuse/abuse-support';
import { outcome, type Tamper, tampers } from '../abuse/tampered-card-cases';
import { cardActions } from '../support/bot-harness';
import { CountingStorage } from '../support/counting-storage';
import { exchangeResourceId } from '../support/oauth-card';
import { OAUTH_CONNECTION, type ProductionStack, startProductionStack } from '../support/production-stack';

// The tampered card actions of test/abuse/tampered-card-actions.test.ts (the same case list), sent through the
// production-mode stack: every click is a signed Universal Action from the driver, which answers the bot's
// loginRequest with the clicker's SSO token, so the bot decides with the clicker's delegated Graph token.
// The Graph simulator judges: no decision, no deactivation, and no request record written.

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
let stack: ProductionStack;
const storage = new CountingStorage();
let gaRequest: string;
let groupRequest: string;
let megansApprove: Record<string, unknown>;

const teams = (u: FixtureUser) => stack.teamsUser(u.id);
const graphRequests = () => stack.local.graph.snapshot().requests;
const graphWrites = () => stack.local.graph.calls().filter((c) => c.method !== 'GET');
const statusOf = (id: string) => graphRequests().find((r) => r.id === id)?.status;
const exchangeActive = () =>
  stack.local.graph
    .snapshot()
    .activations.some(
      (a) =>
        a.principalId === adele.id && a.roleDefinitionId === demoRoles.exchangeAdministrator && a.isActive === true,
    );

/** Adele types a command, signs in by SSO if the bot asks, and confirms: the request reaches Graph. */
async function activate(text: string): Promise<void> {
  const user = teams(adele);
  const message = stack.driver.personalMessage(user, text);
  const conversationId = message.conversation?.id;
  const from = stack.connector.calls.length;
  const confirmIn = () =>
    stack.connector.calls
      .slice(from)
      .filter((c) => c.conversationId === conversationId)
      .flatMap((c) => cardActions(c.body as Partial<Activity>))
      .find((a) => a.data?.pimbot === 'confirm')?.data;
  await stack.driver.post(message);
  const first = await stack.connector.waitFor(
    (c) => stack.connector.calls.indexOf(c) >= from && c.conversationId === conversationId,
  );
  if (exchangeResourceId(first))
    await stack.driver.tokenExchange(user, exchangeResourceId(first) ?? '', OAUTH_CONNECTION);
  await stack.connector.waitFor(() => confirmIn() !== undefined);
  const requestsBefore = graphRequests().length;
  await stack.driver.post(stack.driver.personalSubmit(user, confirmIn() ?? {}));
  if (graphRequests().length === requestsBefore) throw new Error(`"${text}" reached no PIM request`);
}

beforeAll(async () => {
  stack = await startProductionStack({ storage });
  // The approvers have the bot: their 1:1 chats are known, so the approval cards reach them.
  await stack.driver.post(stack.driver.personalMessage(teams(megan), 'help'));
  await stack.driver.post(stack.driver.personalMessage(teams(nestor), 'help'));
  await activate('activate Global Administrator 2h CHG-1042 conditional access change');
  await activate('activate security operators 1h INC-5 incident triage');
  await activate('activate Exchange Administrator 2h INC-42 fix mailbox rules');
  stack.local.clock.advance(6 * 60_000); // past PIM's 5-minute minimum: a deactivation would be accepted
  gaRequest = String(graphRequests().find((r) => r.roleDefinitionId === demoRoles.globalAdministrator)?.id);
  groupRequest = String(graphRequests().find((r) => r.groupId === demoGroups.securityOperators.id)?.id);
  const approveOnCard = await stack.connector.waitFor((c) =>
    cardActions(c.body as Partial<Activity>).some((a) => a.verb === 'approve' && a.data?.requestId === gaRequest),
  );
  megansApprove = cardActions(approveOnCard.body as Partial<Activity>).find((a) => a.verb === 'approve')?.data ?? {};
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

async function send(t: Tamper): Promise<{ kind: string; status: number; text: string; loginRequest: boolean }> {
  const user = teams(t.user);
  if (t.submit) {
    const { status } = await stack.driver.post(stack.driver.personalSubmit(user, t.data));
    return { kind: t.kind, status, text: '', loginRequest: false };
  }
  const r = await stack.driver.universalAction(user, t.data, t.verb);
  return { kind: t.kind, status: r.status, text: JSON.stringify(r.body), loginRequest: r.loginRequest !== undefined };
}

// Never shuffled: the attacks target a request still waiting, which the control (Megan's own Approve) then decides.
describe('production stack: tampered card actions', { shuffle: false }, () => {
  // A hang guard sized to the work (540 actions over HTTP: ~7 s on a quiet 2-core machine, 25–27 s under a
  // load average of 10), not a speed goal: those live in `npm run bench`.
  it('the shared >= 500 tampered actions: 0 decisions or deactivations at Graph, 0 request records written', {
    timeout: 120_000,
  }, async () => {
    expect(statusOf(gaRequest)).toBe('PendingApproval');
    expect(statusOf(groupRequest)).toBe('PendingApproval');
    expect(exchangeActive()).toBe(true);
    expect(megansApprove.requestId).toBe(gaRequest);
    const attempts = tampers({ gaRequest, groupRequest, megansApprove });
    expect(attempts.length).toBeGreaterThanOrEqual(500);
    const writesBefore = graphWrites().length;
    const keysBefore = storage.writtenKeys.length;
    const started = performance.now();
    const results = await pool(attempts, 10, send);
    const ms = Math.round(performance.now() - started);
    const decisions = graphWrites().slice(writesBefore);
    const keys = storage.writtenKeys.slice(keysBefore);
    const requestKeys = keys.filter((k) => k.startsWith('requests/'));
    figure(
      'production-tampered-card-actions',
      `${results.length} sent (${results.filter((r) => r.loginRequest).length} after a loginRequest round trip), ` +
        `${decisions.length} Graph writes, ${requestKeys.length} request records written (${keys.length} state writes in all: ` +
        `${JSON.stringify(tally(keys.map((k) => k.split('/')[0] ?? k)))}); statuses: Global Administrator ${statusOf(gaRequest)}, ` +
        `Security Operators ${statusOf(groupRequest)}, Exchange still active ${exchangeActive()}; ${ms} ms`,
    );
    figure(
      'production-tampered-card-actions-outcomes',
      JSON.stringify(tally(results.map((r) => `${r.kind} => ${outcome(r.text)}`))),
    );
    expect(results.filter((r) => r.status !== 200).map((r) => `${r.kind} ${r.status}`)).toEqual([]);
    expect(decisions.map((c) => `${c.method} ${c.path}`)).toEqual([]);
    expect(requestKeys).toEqual([]);
    expect(statusOf(gaRequest)).toBe('PendingApproval');
    expect(statusOf(groupRequest)).toBe('PendingApproval');
    expect(exchangeActive()).toBe(true);
    expect(results.filter((r) => /Approved by|Denied by/.test(r.text))).toEqual([]);
  });

  it("control: Megan's own Approve, through the same driver, decides the request", async () => {
    const writesBefore = graphWrites().length;
    const click = await stack.driver.universalAction(
      teams(megan),
      { ...megansApprove, comment: 'CAB approved' },
      'approve',
    );
    figure(
      'production-tampered-card-actions-control',
      `Megan's Approve: ${click.status}, ${graphWrites().length - writesBefore} Graph write(s), request ${statusOf(gaRequest)}`,
    );
    expect(JSON.stringify(click.body)).toMatch(/Approved/);
    expect(statusOf(gaRequest)).toBe('Provisioned');
  });
});
