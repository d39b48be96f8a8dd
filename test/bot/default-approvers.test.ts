import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser, TenantFixture } from '../../simulators/tenant/tenant-fixture';
import { cardActions, visibleText } from '../support/bot-harness';
import { activateHolders, defaultApproverTenant } from '../support/default-approver-tenant';
import { useBotHarness } from '../support/use-bot-harness';

/**
 * A role whose PIM policy requires approval but names nobody: PIM's default approvers, the Privileged Role
 * Administrators and Global Administrators (Entra docs, pim-how-to-change-default-settings), get the approval
 * card, and PIM (the Graph simulator) accepts their decision. Who they are comes from the tenant fixture
 * (test/support/default-approver-tenant.ts); a nested approver group's member gets the card too.
 */

const {
  requester: adele,
  approver: megan,
  secondApprover: nestor,
  noAccess: lee,
  admin: isaiah,
  breakGlass,
} = demoUsers;
const logLines: string[] = [];
const h = useBotHarness({
  tenant: defaultApproverTenant,
  knownUsers: [megan, nestor, lee, isaiah, breakGlass],
  options: {
    logLevel: 'warn',
    logDestination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  },
});

const graphRequests = () => h.stack.graph.snapshot().requests;

/** Adele asks for a role and confirms; returns the PIM request id (PendingApproval). */
async function request(role: string): Promise<string> {
  await h.say(adele, `activate ${role} 2h change window for the tenant migration`);
  const confirm = h.connector.calls
    .flatMap((c) => cardActions(c.body))
    .filter((a) => a.data?.pimbot === 'confirm')
    .at(-1);
  expect(confirm, `confirmation card for ${role}`).toBeDefined();
  await h.submit(adele, confirm!.data!);
  const pending = graphRequests().find((r) => r.principalId === adele.id && r.status === 'PendingApproval');
  expect(pending, `${role} pending approval in PIM`).toBeDefined();
  return pending!.id as string;
}

function approvalCardFor(user: FixtureUser): Partial<Activity> | undefined {
  const chat = h.personalConversationId(user);
  return h.connector.calls
    .filter((c) => c.conversationId === chat || c.conversationId.startsWith(`${chat};`))
    .find((c) => cardActions(c.body).some((a) => a.verb === 'approve'))?.body;
}

const decide = (user: FixtureUser, requestId: string) =>
  h.invoke(user, 'approve', { pimbot: 'approve', requestId, comment: 'change window confirmed' });

describe('a role whose PIM policy requires approval but names no approvers', () => {
  it('the active Privileged Role and Global Administrators get the card; not the requester, not an eligible-only holder', async () => {
    activateHolders(h.stack.graph);
    const requestId = await request('Global Administrator');
    await h.jobs.runDue();

    const holders = [isaiah, breakGlass, lee, nestor];
    for (const holder of holders) {
      const card = approvalCardFor(holder);
      expect(card, `card for ${holder.displayName}`).toBeDefined();
      expect(visibleText(card)).toMatch(
        /You get this because you are a Privileged Role Administrator or Global Administrator and the PIM policy of Global Administrator names no approvers/,
      );
      expect(cardActions(card).find((a) => a.verb === 'approve')?.data?.requestId).toBe(requestId);
    }
    for (const outsider of [adele, megan]) {
      expect(approvalCardFor(outsider), `no card for ${outsider.displayName}`).toBeUndefined();
    }
    const tracked = await h.bot.requests.get(requestId);
    expect(tracked?.approval?.defaultApprovers).toBe(true);
    expect(tracked?.approval?.approvers.map((a) => a.aadObjectId).sort()).toEqual(holders.map((u) => u.id).sort());
    // The holders were read app-only with the documented query, once per role.
    const reads = h.stack.graph
      .calls()
      .filter((c) => c.path.startsWith('/v1.0/roleManagement/directory/roleAssignments'))
      .map((c) => decodeURIComponent(c.path));
    expect(reads.sort()).toEqual(
      [demoRoles.globalAdministrator, demoRoles.privilegedRoleAdministrator]
        .map(
          (id) =>
            `/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${id}'&$expand=principal`,
        )
        .sort(),
    );
  });

  it('an activated holder approves in Teams and PIM has it approved; an eligible-only holder is refused', async () => {
    activateHolders(h.stack.graph);
    const requestId = await request('Global Administrator');
    await h.jobs.runDue();

    const refused = await decide(megan, requestId);
    expect(JSON.stringify(refused.body)).toMatch(/Only the approvers of this request can decide it/);
    expect(h.stack.graph.calls().filter((c) => c.method === 'PATCH')).toEqual([]);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('PendingApproval');

    const approved = await decide(lee, requestId);
    expect(JSON.stringify(approved.body)).toMatch(/Approved/);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('Provisioned');
    expect(
      h.stack.graph
        .snapshot()
        .activations.some(
          (a) => a.principalId === adele.id && a.roleDefinitionId === demoRoles.globalAdministrator && a.isActive,
        ),
    ).toBe(true);
  });

  it('before Lee activates, he is not asked: only the holders of the moment are', async () => {
    const requestId = await request('Global Administrator');
    await h.jobs.runDue();
    expect(approvalCardFor(lee)).toBeUndefined();
    expect(approvalCardFor(isaiah)).toBeDefined();
    const refused = await decide(lee, requestId);
    expect(JSON.stringify(refused.body)).toMatch(/Only the approvers of this request can decide it/);
  });
});

describe('nested approver groups', () => {
  it("a member of a group inside the policy's approver group gets the card and can approve", async () => {
    const requestId = await request('Security Administrator');
    await h.jobs.runDue();
    const card = approvalCardFor(lee);
    expect(card, 'card for Lee Gu (Change Approvers → Change Approvers - EMEA)').toBeDefined();
    expect(visibleText(card)).not.toMatch(/You get this because/);
    for (const other of [isaiah, breakGlass, megan, nestor]) expect(approvalCardFor(other)).toBeUndefined();
    const approved = await decide(lee, requestId);
    expect(JSON.stringify(approved.body)).toMatch(/Approved/);
    expect(graphRequests().find((r) => r.id === requestId)?.status).toBe('Provisioned');
  });
});

describe('PIM for Groups without approvers (what PIM does is unverified)', () => {
  it('sends no card, and says once per group how to fix the policy', async () => {
    const secOps = defaultApproverTenant.groups.find((g) => g.displayName === 'RAG - Security Operators')!;
    const tenant: TenantFixture = {
      ...defaultApproverTenant,
      groupPolicies: defaultApproverTenant.groupPolicies.map((p) =>
        p.groupId === secOps.id
          ? { ...p, activation: { maximumDuration: 'PT2H', enabledRules: ['Justification'], requiresApproval: true } }
          : p,
      ),
    };
    h.stack.graph.loadFixture(tenant);
    logLines.length = 0;
    await request('security operators');
    await h.jobs.runDue();
    for (const user of [isaiah, breakGlass, megan, nestor, lee]) expect(approvalCardFor(user)).toBeUndefined();
    // Asked again (PIM forgot the first request): no second warning from the same bot.
    h.stack.graph.loadFixture(tenant);
    await request('security operators');
    await h.jobs.runDue();
    const warnings = () => logLines.filter((l) => l.includes("name approvers in the group's PIM policy"));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain(secOps.id);
  });
});
