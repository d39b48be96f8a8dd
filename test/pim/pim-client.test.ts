import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClaimsChallengeCredential } from '../../src/identity/claims-credential';
import { PimError } from '../../src/pim/pim-error';
import type { ActivationInput, PimTargetRef } from '../../src/pim/pim-types';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import { type PimTestStack, startPimTestStack } from '../support/pim-stack';

/**
 * The PIM client against the Graph simulator, with tokens from the local Entra authority obtained by
 * @azure/identity's on-behalf-of flow over HTTPS: no mocks in between. Every request and response is
 * checked against Microsoft's OpenAPI description (afterEach).
 */

const { requester: adele, approver: megan, secondApprover: nestor, noAccess: lee } = demoUsers;

const role = (roleDefinitionId: string, displayName: string): Extract<PimTargetRef, { kind: 'role' }> => ({
  kind: 'role',
  roleDefinitionId,
  directoryScopeId: '/',
  displayName,
});
const exchange = role(demoRoles.exchangeAdministrator, 'Exchange Administrator');
const globalAdmin = role(demoRoles.globalAdministrator, 'Global Administrator');
const privilegedRoleAdmin = role(demoRoles.privilegedRoleAdministrator, 'Privileged Role Administrator');
const reportsReader = role(demoRoles.reportsReader, 'Reports Reader');
const helpdeskBundle: PimTargetRef = {
  kind: 'group',
  groupId: demoGroups.helpdeskBundle.id,
  accessId: 'member',
  displayName: 'RAG - Helpdesk Admins',
};
const securityOperators: PimTargetRef = {
  kind: 'group',
  groupId: demoGroups.securityOperators.id,
  accessId: 'member',
  displayName: 'RAG - Security Operators',
};

const ticket = { ticketNumber: 'CHG-1042', ticketSystem: 'ServiceNow' };

let t: PimTestStack;

beforeAll(async () => {
  t = await startPimTestStack();
});
afterAll(async () => {
  // Guards the guard: the contract check above only means something if exchanges were seen.
  expect(t.exchanges.length).toBeGreaterThan(100);
  await t?.close();
});
beforeEach(() => {
  t.stack.graph.loadFixture(demoTenant);
  t.stack.graph.clearFaults();
});
afterEach(() => {
  expect(t.violations, t.contractReport()).toEqual([]);
  t.violations.length = 0;
});

async function pimError(promise: Promise<unknown>): Promise<PimError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PimError);
  return err as PimError;
}

describe('activation rules, one row per rule (Adele unless said)', () => {
  const rows: Array<{
    name: string;
    input: ActivationInput;
    amr?: string[];
    kind: PimError['kind'];
    graphCode: string;
    rules?: string[];
    says: RegExp;
  }> = [
    {
      name: 'longer than the policy maximum',
      input: { target: exchange, durationMinutes: 9 * 60, justification: 'mailbox migration' },
      kind: 'PolicyValidationFailed',
      graphCode: 'RoleAssignmentRequestPolicyValidationFailed',
      rules: ['ExpirationRule'],
      says: /Exchange Administrator allows at most 8 hours\. Ask for 8 hours or less\./,
    },
    {
      name: 'shorter than 5 minutes',
      input: { target: exchange, durationMinutes: 4, justification: 'quick fix' },
      kind: 'DurationTooShort',
      graphCode: 'ActiveDurationTooShort',
      says: /at least 5 minutes/,
    },
    {
      name: 'no justification where the policy requires one',
      input: { target: exchange, durationMinutes: 60 },
      kind: 'PolicyValidationFailed',
      graphCode: 'RoleAssignmentRequestPolicyValidationFailed',
      rules: ['JustificationRule'],
      says: /Exchange Administrator requires a justification/,
    },
    {
      name: 'no ticket and no justification for Global Administrator',
      input: { target: globalAdmin, durationMinutes: 60 },
      kind: 'PolicyValidationFailed',
      graphCode: 'RoleAssignmentRequestPolicyValidationFailed',
      rules: ['JustificationRule', 'TicketingRule'],
      says: /Global Administrator requires a justification\. Global Administrator requires a ticket number\./,
    },
    {
      name: 'a sign-in without MFA where the policy requires it',
      input: { target: exchange, durationMinutes: 60, justification: 'mailbox migration' },
      amr: ['pwd'],
      kind: 'StepUpRequired',
      graphCode: 'RoleAssignmentRequestPolicyValidationFailed',
      rules: ['MfaRule'],
      says: /requires multi-factor authentication/,
    },
    {
      name: 'a sign-in without the authentication context c1',
      input: { target: privilegedRoleAdmin, durationMinutes: 60, justification: 'grant access', ticket },
      kind: 'StepUpRequired',
      graphCode: 'RoleAssignmentRequestAcrsValidationFailed',
      says: /requires a stronger sign-in/,
    },
  ];

  for (const row of rows) {
    it(`refuses ${row.name}: ${row.graphCode} → ${row.kind}`, async () => {
      const pim = await t.clientFor(adele, { amr: row.amr });
      const err = await pimError(pim.activate(row.input));
      expect(err.kind).toBe(row.kind);
      expect(err.graphCode).toBe(row.graphCode);
      expect(err.httpStatus).toBe(400);
      if (row.rules) expect(err.failedRules).toEqual(row.rules);
      expect(err.userText).toMatch(row.says);
      expect(await pim.listActive()).toEqual([]);
    });
  }

  it('refuses a user with no eligibility: EligibilityRule', async () => {
    const pim = await t.clientFor(lee);
    const err = await pimError(pim.activate({ target: exchange, durationMinutes: 60, justification: 'x' }));
    expect(err.failedRules).toContain('EligibilityRule');
    expect(err.message).toMatch(/not eligible for Exchange Administrator/);
  });

  it('refuses activating a role that is already active: RoleAssignmentExists', async () => {
    const pim = await t.clientFor(adele);
    await pim.activate({ target: exchange, durationMinutes: 60, justification: 'mailbox migration' });
    const err = await pimError(pim.activate({ target: exchange, durationMinutes: 60, justification: 'again' }));
    expect(err.kind).toBe('AlreadyActive');
    expect(err.graphCode).toBe('RoleAssignmentExists');
  });

  it('refuses a second pending request for the same role', async () => {
    const pim = await t.clientFor(adele);
    const first = await pim.activate({
      target: globalAdmin,
      durationMinutes: 60,
      justification: 'tenant setting',
      ticket,
    });
    expect(first.status).toBe('PendingApproval');
    const err = await pimError(
      pim.activate({ target: globalAdmin, durationMinutes: 60, justification: 'tenant setting', ticket }),
    );
    expect(err.kind).toBe('RequestPending');
  });

  it('the authentication-context challenge carries the claims to sign in with, and a token meeting them activates', async () => {
    const credential = await t.credentialFor(adele);
    const pim = t.clientWith(credential, adele.id);
    const input = { target: privilegedRoleAdmin, durationMinutes: 60, justification: 'grant access', ticket };
    const err = await pimError(pim.activate(input));
    expect(JSON.parse(err.claims ?? 'null')).toEqual({ access_token: { acrs: { essential: true, value: 'c1' } } });

    const stepped = t.clientWith(new ClaimsChallengeCredential(credential, err.claims!), adele.id);
    const request = await stepped.activate(input);
    expect(request.status).toBe('PendingApproval');
  });
});

describe('activation that succeeds', () => {
  it('medium role without approval: Granted at once, then active until start + duration', async () => {
    const pim = await t.clientFor(adele, { knowsPrincipalId: false });
    const request = await pim.activate({ target: exchange, durationMinutes: 120, justification: 'mailbox migration' });
    expect(request).toMatchObject({
      status: 'Granted',
      action: 'selfActivate',
      principalId: adele.id,
      duration: 'PT2H',
    });
    expect(request.approvalId).toBeNull();

    const active = await pim.listActive();
    const exchangeActive = active.find(
      (a) => a.target.kind === 'role' && a.target.roleDefinitionId === exchange.roleDefinitionId,
    );
    expect(exchangeActive?.target.displayName).toBe('Exchange Administrator');
    expect(exchangeActive?.assignmentType).toBe('Activated');
    const lengthMs = exchangeActive!.endDateTime!.getTime() - exchangeActive!.startDateTime!.getTime();
    expect(lengthMs).toBe(120 * 60_000);

    expect((await pim.getRequest('role', request.id)).status).toBe('Provisioned');
  });

  it('validation-only runs the rules and creates nothing', async () => {
    const pim = await t.clientFor(adele);
    const dryRun = await pim.activate({
      target: exchange,
      durationMinutes: 60,
      justification: 'mailbox migration',
      validateOnly: true,
    });
    expect(dryRun.isValidationOnly).toBe(true);
    expect(await pim.listActive()).toEqual([]);
    const err = await pimError(pim.activate({ target: exchange, durationMinutes: 600, validateOnly: true }));
    expect(err.failedRules).toEqual(expect.arrayContaining(['ExpirationRule', 'JustificationRule']));
  });

  it('a role with no requirements activates without justification', async () => {
    const pim = await t.clientFor(adele, { amr: ['pwd'] });
    const request = await pim.activate({ target: reportsReader, durationMinutes: 30 });
    expect(request.status).toBe('Granted');
  });

  it('expires at its end time (simulated clock)', async () => {
    const pim = await t.clientFor(adele);
    await pim.activate({ target: exchange, durationMinutes: 60, justification: 'mailbox migration' });
    t.stack.clock.advance(59 * 60_000);
    expect(await pim.listActive()).toHaveLength(1);
    t.stack.clock.advance(2 * 60_000);
    expect(await pim.listActive()).toEqual([]);
  });
});

describe('deactivation and cancel', () => {
  it('is refused within 5 minutes of activation, then ends the assignment', async () => {
    const pim = await t.clientFor(adele);
    await pim.activate({ target: exchange, durationMinutes: 60, justification: 'mailbox migration' });
    const early = await pimError(pim.deactivate(exchange));
    expect(early.kind).toBe('DurationTooShort');
    expect(early.message).toMatch(/less than 5 minutes ago/);

    t.stack.clock.advance(6 * 60_000);
    const done = await pim.deactivate(exchange);
    expect(done.action).toBe('selfDeactivate');
    expect(await pim.listActive()).toEqual([]);
  });

  it('deactivating a role that is not active says so', async () => {
    const pim = await t.clientFor(adele);
    const err = await pimError(pim.deactivate(exchange));
    expect(err.kind).toBe('NotActive');
  });

  it('cancels my pending request', async () => {
    const pim = await t.clientFor(adele);
    const pending = await pim.activate({ target: globalAdmin, durationMinutes: 60, justification: 'x', ticket });
    await pim.cancel('role', pending.id);
    expect((await pim.getRequest('role', pending.id)).status).toBe('Canceled');
    const approver = await t.clientFor(megan);
    expect(await approver.listAwaitingMyApproval()).toEqual([]);
  });
});

describe('policies', () => {
  it('reads a high-privilege role policy as one value', async () => {
    const pim = await t.clientFor(adele);
    const policy = await pim.getActivationPolicy(globalAdmin);
    expect(policy).toMatchObject({
      maxDuration: 'PT4H',
      maxDurationMinutes: 240,
      requiresJustification: true,
      requiresTicket: true,
      requiresMfa: true,
      authContext: null,
      requiresApproval: true,
    });
    expect(policy.policyId).toMatch(/^DirectoryRole_/);
    expect(policy.approvers).toEqual([
      { type: 'user', userId: megan.id, description: 'Megan Bowen' },
      { type: 'group', groupId: demoGroups.pimApprovers.id, description: 'PIM Approvers' },
    ]);
  });

  it('reads authentication context, manager approval and group policies', async () => {
    const pim = await t.clientFor(adele);
    expect((await pim.getActivationPolicy(privilegedRoleAdmin)).authContext).toBe('c1');
    const teams = await pim.getActivationPolicy(role(demoRoles.teamsAdministrator, 'Teams Administrator'));
    expect(teams.approvers).toEqual([{ type: 'requestorManager', managerLevel: 1 }]);
    const group = await pim.getActivationPolicy(securityOperators);
    expect(group).toMatchObject({ maxDurationMinutes: 120, requiresApproval: true, requiresMfa: false });
  });
});

describe('approvals', () => {
  async function pendingGlobalAdmin(minutes = 120) {
    const requester = await t.clientFor(adele);
    const request = await requester.activate({
      target: globalAdmin,
      durationMinutes: minutes,
      justification: 'conditional access change',
      ticket,
    });
    expect(request.status).toBe('PendingApproval');
    expect(request.approvalId).toBe(request.id);
    return { requester, request };
  }

  it('approved: Provisioned, active from the approval time for the requested duration', async () => {
    const { requester, request } = await pendingGlobalAdmin(120);
    const approver = await t.clientFor(megan);
    const inbox = await approver.listAwaitingMyApproval();
    expect(inbox.map((r) => r.id)).toEqual([request.id]);

    t.stack.clock.advance(10 * 60_000);
    const approvedAt = t.stack.clock.now().getTime();
    await approver.decide('role', request.id, 'Approve', 'change CHG-1042 is approved', globalAdmin);

    expect((await requester.getRequest('role', request.id)).status).toBe('Provisioned');
    const active = (await requester.listActive()).find((a) => a.target.kind === 'role');
    expect(active?.target).toMatchObject({ roleDefinitionId: globalAdmin.roleDefinitionId });
    expect(Math.abs(active!.startDateTime!.getTime() - approvedAt)).toBeLessThan(5_000);
    expect(active!.endDateTime!.getTime() - active!.startDateTime!.getTime()).toBe(120 * 60_000);

    const approval = await approver.getApproval('role', request.id);
    expect(approval.steps[0]).toMatchObject({ status: 'Completed', reviewResult: 'Approve', reviewedById: megan.id });
  });

  it('denied by a member of the approvers group', async () => {
    const { requester, request } = await pendingGlobalAdmin();
    const approver = await t.clientFor(nestor);
    await approver.decide('role', request.id, 'Deny', 'no change ticket approved for today');
    expect((await requester.getRequest('role', request.id)).status).toBe('Denied');
    expect(await requester.listActive()).toEqual([]);
  });

  it('a second decision gets 409: AlreadyDecided', async () => {
    const { request } = await pendingGlobalAdmin();
    const first = await t.clientFor(megan);
    const second = await t.clientFor(nestor);
    const nestorView = await second.getApproval('role', request.id);
    await first.decide('role', request.id, 'Approve', 'ok');
    const err = await pimError(second.decide('role', request.id, 'Deny', 'too late'));
    expect(err.kind).toBe('AlreadyDecided');
    // The stale step Nestor saw before Megan decided: PATCHing it directly gets Graph's 409.
    expect(nestorView.steps[0]?.assignedToMe).toBe(true);
  });

  it('the requester cannot approve their own request', async () => {
    const { requester, request } = await pendingGlobalAdmin();
    const err = await pimError(requester.decide('role', request.id, 'Approve', 'me'));
    expect(err.kind).toBe('Forbidden');
  });

  it('a user who is not an approver cannot decide', async () => {
    const { request } = await pendingGlobalAdmin();
    const outsider = await t.clientFor(lee);
    const err = await pimError(outsider.decide('role', request.id, 'Approve', 'sure'));
    expect(['Forbidden', 'NotFound']).toContain(err.kind);
  });

  it('an unanswered request times out after 24 hours', async () => {
    const { requester, request } = await pendingGlobalAdmin();
    t.stack.clock.advance(24 * 3_600_000 + 60_000);
    const after = await requester.getRequest('role', request.id);
    expect(after.status).not.toBe('PendingApproval');
    const approver = await t.clientFor(megan);
    expect(await approver.listAwaitingMyApproval()).toEqual([]);
  });

  it('PIM for Groups: membership approved through the v1.0 approval stage', async () => {
    const requester = await t.clientFor(adele);
    const request = await requester.activate({
      target: securityOperators,
      durationMinutes: 60,
      justification: 'incident triage',
    });
    expect(request).toMatchObject({
      kind: 'group',
      status: 'PendingApproval',
      groupId: demoGroups.securityOperators.id,
    });
    const approver = await t.clientFor(megan);
    expect((await approver.listAwaitingMyApproval()).map((r) => r.id)).toContain(request.id);
    await approver.decide('group', request.id, 'Approve', 'ok');
    expect((await requester.getRequest('group', request.id)).status).toBe('Provisioned');
    const active = await requester.listActive();
    expect(active.some((a) => a.target.kind === 'group' && a.target.groupId === demoGroups.securityOperators.id)).toBe(
      true,
    );
  });
});

describe('eligibility and groups', () => {
  it('lists eligible roles and PIM groups with names', async () => {
    const pim = await t.clientFor(adele);
    const eligible = await pim.listEligible();
    const names = eligible.map((e) => e.target.displayName);
    expect(names).toEqual(
      expect.arrayContaining(['Global Administrator', 'Exchange Administrator', 'RAG - Helpdesk Admins']),
    );
    expect(eligible.filter((e) => e.target.kind === 'group')).toHaveLength(2);
    expect(await (await t.clientFor(lee)).listEligible()).toEqual([]);
  });

  it('activates a group membership without approval', async () => {
    const pim = await t.clientFor(adele);
    const request = await pim.activate({ target: helpdeskBundle, durationMinutes: 60, justification: 'ticket queue' });
    expect(['Granted', 'Provisioned']).toContain(request.status);
    const active = await pim.listActive();
    expect(active.find((a) => a.target.kind === 'group')?.target.displayName).toBe('RAG - Helpdesk Admins');
  });
});

describe('app-only identity', () => {
  it('reads group members for approver routing', async () => {
    const members = await t.directory().listGroupMembers(demoGroups.pimApprovers.id);
    expect(members.map((m) => m.id).sort()).toEqual([megan.id, nestor.id].sort());
    expect((await t.directory().getUser(adele.id)).displayName).toBe('Adele Vance');
  });

  it('cannot self-activate: Graph refuses app-only tokens for self actions', async () => {
    const err = await pimError(
      t.appOnlyPimClient(adele.id).activate({ target: exchange, durationMinutes: 60, justification: 'x' }),
    );
    expect(err.kind).toBe('Forbidden');
    expect(err.httpStatus).toBe(403);
  });
});

describe('throttling and outages', () => {
  it('retries 429 honouring Retry-After and succeeds within the budget', async () => {
    const pim = await t.clientFor(adele);
    await pim.listEligible(); // token acquired, nothing pending
    t.stack.graph.resetCalls();
    t.stack.graph.injectFault({ kind: 'status', status: 429, count: 2, retryAfterSeconds: 1 });
    const started = Date.now();
    const request = await pim.activate({ target: exchange, durationMinutes: 60, justification: 'mailbox migration' });
    expect(request.status).toBe('Granted');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    const posts = t.stack.graph.calls().filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.status)).toEqual([429, 429, 201]);
    expect(t.stack.graph.snapshot().requests.filter((r) => r.action === 'selfActivate')).toHaveLength(1);
  });

  it('gives up when the budget runs out and says when to try again, having created nothing', async () => {
    const pim = await t.clientFor(adele, { retry: { maxRetries: 3, maxTotalWaitMs: 1_000, baseDelayMs: 10 } });
    await pim.listEligible();
    t.stack.graph.injectFault({ kind: 'status', status: 429, count: 10, retryAfterSeconds: 30 });
    const err = await pimError(pim.activate({ target: exchange, durationMinutes: 60, justification: 'x' }));
    expect(err.kind).toBe('Throttled');
    expect(err.retryAfterSeconds).toBe(30);
    expect(err.userText).toMatch(/Nothing was submitted\. Try again in 30 seconds/);
    t.stack.graph.clearFaults();
    expect(await pim.listActive()).toEqual([]);
  });

  it('retries 503 Service Unavailable', async () => {
    const pim = await t.clientFor(adele);
    t.stack.graph.injectFault({ kind: 'status', status: 503, count: 1, retryAfterSeconds: 0 });
    expect((await pim.listEligible()).length).toBeGreaterThan(0);
  });
});

describe('paging', () => {
  it('follows @odata.nextLink until every eligibility is read', async () => {
    const extraRoles = Array.from({ length: 130 }, (_, i) => {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      return { id, displayName: `Custom Role ${i}`, description: 'Custom', isBuiltIn: false, templateId: id };
    });
    t.stack.graph.loadFixture({
      ...demoTenant,
      roleDefinitions: [...demoTenant.roleDefinitions, ...extraRoles],
      roleEligibilities: [
        ...demoTenant.roleEligibilities,
        ...extraRoles.map((r) => ({ principalId: lee.id, roleDefinitionId: r.id, directoryScopeId: '/' })),
      ],
    });
    t.stack.graph.resetCalls();
    const eligible = await (await t.clientFor(lee)).listEligible();
    expect(eligible).toHaveLength(130);
    expect(new Set(eligible.map((e) => e.target.displayName)).size).toBe(130);
    const pages = t.stack.graph.calls().filter((c) => c.path.includes('roleEligibilityScheduleInstances'));
    expect(pages.length).toBe(2);
    expect(pages[1]?.path).toMatch(/\$skiptoken=/);
  });
});

describe('a decision that loses the race', () => {
  it('a PATCH on a step another approver just completed gets Graph 409, read as AlreadyDecided', async () => {
    const requester = await t.clientFor(adele);
    const request = await requester.activate({ target: globalAdmin, durationMinutes: 60, justification: 'x', ticket });
    const megansView = await (await t.clientFor(megan)).getApproval('role', request.id);
    await (await t.clientFor(nestor)).decide('role', request.id, 'Approve', 'first');
    // Megan's client PATCHes the step she saw in progress, as a click racing Nestor's would.
    const { GraphTransport } = await import('../../src/pim/graph-transport');
    const { toPimError } = await import('../../src/pim/pim-error');
    const transport = new GraphTransport({ credential: await t.credentialFor(megan), graphBaseUrl: t.stack.graph.url });
    const failure = await transport
      .patch(
        `/roleManagement/directory/roleAssignmentApprovals/${request.id}/steps/${megansView.steps[0]!.id}`,
        { reviewResult: 'Approve', justification: 'second' },
        'beta',
      )
      .then(
        () => undefined,
        (err: { failure: Parameters<typeof toPimError>[0] }) => err.failure,
      );
    expect(failure?.httpStatus).toBe(409);
    expect(toPimError(failure!, { operation: 'decide' }).kind).toBe('AlreadyDecided');
  });
});
