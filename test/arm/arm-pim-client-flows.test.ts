import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ArmError } from '../../src/arm/arm-error';
import type { ArmEligibleRole } from '../../src/arm/arm-types';
import { AzureBuiltInRoles } from '../../simulators/arm/fixture';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { assertNoArmContractViolations } from '../contract/arm-contract';
import { type ArmHarness, startArmHarness } from '../simulators/arm/support';
import { clientFor } from './support';

/**
 * Approval, step-up, throttling and lost answers: the client against the ARM simulator, each exchange held to the
 * contract. Expected values: ARM-PIM.md §2 (claims challenge), §4 (approvals), §5 (auth context), §6, and the
 * demo fixture (Owner on development: Megan approves; User Access Administrator on production: context c1).
 */

const { requester: adele, approver: megan, secondApprover: nestor } = demoUsers;
let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());
afterEach(() => assertNoArmContractViolations(h.violations));

async function eligible(roleGuid: string): Promise<ArmEligibleRole> {
  const found = (await clientFor(h, adele).client.listEligible()).find((e) => e.role.guid === roleGuid);
  if (!found) throw new Error(`no eligibility for ${roleGuid}`);
  return found;
}

async function refusal(p: Promise<unknown>): Promise<ArmError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArmError);
  return err as ArmError;
}

const ownerRequest = async () =>
  clientFor(h, adele).client.activate({
    eligible: await eligible(AzureBuiltInRoles.owner),
    durationMinutes: 120,
    justification: 'Release',
    ticket: { number: 'CHG-7', system: 'ServiceNow' },
  });

describe('approval', () => {
  it('Owner waits for Megan; she finds it as approver, approves, and Adele holds Owner', async () => {
    const pending = await ownerRequest();
    expect(pending).toMatchObject({ status: 'PendingApproval', outcome: 'waiting' });
    expect(pending.approvalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await clientFor(h, adele).client.listActive()).toEqual([]);
    expect(await clientFor(h, adele).client.listApprovals()).toEqual([]);
    expect(await clientFor(h, nestor).client.listApprovals()).toEqual([]);

    const meg = clientFor(h, megan).client;
    const [approval] = await meg.listApprovals();
    expect(approval?.id).toBe(pending.approvalId);
    expect(approval?.stages).toEqual([
      expect.objectContaining({ status: 'InProgress', assignedToMe: true, reviewResult: 'NotReviewed' }),
    ]);
    await meg.decide(approval?.id ?? '', 'Approve', 'Change board OK');

    const adeleClient = clientFor(h, adele).client;
    expect(await adeleClient.getRequest(pending.scope, pending.name)).toMatchObject({
      status: 'Provisioned',
      outcome: 'done',
    });
    const active = await adeleClient.listActive();
    expect(active.map((a) => a.role.displayName)).toEqual(['Owner']);
    expect(await meg.listApprovals()).toEqual([]);
    const decidedTwice = await refusal(meg.decide(pending.approvalId ?? '', 'Approve', 'again'));
    expect(decidedTwice.kind).toBe('AlreadyDecided');
  });

  it('denied: the request ends Denied and nothing is active', async () => {
    const pending = await ownerRequest();
    await clientFor(h, megan).client.decide(pending.approvalId ?? '', 'Deny', 'Not in a change window');
    const adeleClient = clientFor(h, adele).client;
    expect(await adeleClient.getRequest(pending.scope, pending.name)).toMatchObject({
      status: 'Denied',
      outcome: 'failed',
    });
    expect(await adeleClient.listActive()).toEqual([]);
  });

  it('cancelled by the requester while pending: Canceled, and the approver no longer sees it', async () => {
    const pending = await ownerRequest();
    const adeleClient = clientFor(h, adele).client;
    await adeleClient.cancel(pending.scope, pending.name);
    expect(await adeleClient.getRequest(pending.scope, pending.name)).toMatchObject({
      status: 'Canceled',
      outcome: 'failed',
    });
    expect(await clientFor(h, megan).client.listApprovals()).toEqual([]);
  });
});

describe('approval: the stage body ARM insists on (ARM-PIM.md §4, UNVERIFIED)', () => {
  it("when ARM takes only the body wrapped in 'properties', the decision goes through on the second form", async () => {
    const pending = await ownerRequest();
    h.sim.setStageBodyForm('wrapped');
    await clientFor(h, megan).client.decide(pending.approvalId ?? '', 'Approve', 'ok');
    expect(await clientFor(h, adele).client.listActive()).toHaveLength(1);
    const decisions = h.sim.calls().filter((c) => c.method === 'PUT' && c.path.includes('/stages/'));
    expect(decisions.map((c) => c.status)).toEqual([400, 200]);
    // The wrapped body is not the spec's form: the contract says so, for that request only.
    expect(h.violations.map((v) => `${v.where} ${v.method}`)).toEqual(['request PUT']);
    h.violations.length = 0;
  });

  it('when ARM takes only the top-level body, one PUT is enough', async () => {
    const pending = await ownerRequest();
    h.sim.setStageBodyForm('top-level');
    await clientFor(h, megan).client.decide(pending.approvalId ?? '', 'Deny', 'no');
    expect(
      h.sim
        .calls()
        .filter((c) => c.path.includes('/stages/') && c.method === 'PUT')
        .map((c) => c.status),
    ).toEqual([200]);
  });
});

describe('step-up', () => {
  it('authentication context: RoleAssignmentRequestAcrsValidationFailed becomes StepUpRequired with the decoded claims; a c1 token succeeds', async () => {
    const uaa = await eligible(AzureBuiltInRoles.userAccessAdministrator);
    const err = await refusal(
      clientFor(h, adele).client.activate({ eligible: uaa, durationMinutes: 60, justification: 'Grant access' }),
    );
    expect(err).toMatchObject({ kind: 'StepUpRequired', armCode: 'RoleAssignmentRequestAcrsValidationFailed' });
    expect(JSON.parse(err.claims ?? '')).toEqual({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const stepped = clientFor(h, adele, { acrs: ['c1'] }).client;
    expect(await stepped.activate({ eligible: uaa, durationMinutes: 60, justification: 'Grant access' })).toMatchObject(
      { outcome: 'done' },
    );
  });

  it("the policy's MFA rule with a token that has no 'mfa' in amr: PolicyValidationFailed naming MfaRule (ARM-PIM.md §5)", async () => {
    const uaa = await eligible(AzureBuiltInRoles.userAccessAdministrator);
    const noMfa = clientFor(h, adele, { acrs: ['c1'], amr: ['pwd'] }).client;
    const err = await refusal(noMfa.activate({ eligible: uaa, durationMinutes: 60, justification: 'Grant access' }));
    expect(err).toMatchObject({ kind: 'PolicyValidationFailed', failedRules: ['MfaRule'] });
    expect(err.fix).toMatch(/MFA/);
  });

  it('mandatory MFA on writes: a 401 claims challenge; the token source is asked once with the claims, then the call succeeds', async () => {
    h.sim.requireMfaForWrites(true);
    const role = await eligible(AzureBuiltInRoles.contributor);
    const under = clientFor(h, adele, { amr: ['pwd'], onClaims: () => ({ amr: ['pwd', 'mfa'] }) });
    expect(await under.client.activate({ eligible: role, durationMinutes: 30, justification: 'x' })).toMatchObject({
      outcome: 'done',
    });
    const withClaims = under.tokenRequests.filter((r) => r.claims !== undefined);
    expect(withClaims).toHaveLength(1);
    expect(JSON.parse(withClaims[0]?.claims ?? '')).toHaveProperty('access_token.acrs.essential', true);
    expect(
      h.sim
        .calls()
        .filter((c) => c.method === 'PUT')
        .map((c) => c.status),
    ).toEqual([401, 201]);
  });

  it('when the claims cannot be met without the user, StepUpRequired carries them for the sign-in', async () => {
    h.sim.requireMfaForWrites(true);
    const role = await eligible(AzureBuiltInRoles.contributor);
    const err = await refusal(
      clientFor(h, adele, { amr: ['pwd'] }).client.activate({
        eligible: role,
        durationMinutes: 30,
        justification: 'x',
      }),
    );
    expect(err.kind).toBe('StepUpRequired');
    expect(JSON.parse(err.claims ?? '')).toHaveProperty('access_token.acrs.essential', true);
    expect(h.sim.snapshot().requests).toEqual([]);
  });
});

describe('throttling and lost answers', () => {
  it('429 with Retry-After: waits what ARM asked, then succeeds with one request made', async () => {
    const role = await eligible(AzureBuiltInRoles.contributor);
    h.sim.injectFault({ kind: 'status', status: 429, count: 2, retryAfterSeconds: 7 });
    const under = clientFor(h, adele);
    expect(await under.client.activate({ eligible: role, durationMinutes: 30, justification: 'x' })).toMatchObject({
      outcome: 'done',
    });
    expect(under.waits).toEqual([7000, 7000]);
    const puts = h.sim.calls().filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.status)).toEqual([429, 429, 201]);
    expect(new Set(puts.map((c) => c.path)).size).toBe(1); // the same request name each time
    expect(h.sim.snapshot().requests).toHaveLength(1);
  });

  it('over the wait budget: Throttled with the Retry-After ARM gave', async () => {
    const role = await eligible(AzureBuiltInRoles.contributor);
    h.sim.injectFault({ kind: 'status', status: 429, count: 5, retryAfterSeconds: 40 });
    const under = clientFor(h, adele, { maxTotalWaitMs: 30_000 });
    const err = await refusal(under.client.activate({ eligible: role, durationMinutes: 30, justification: 'x' }));
    expect(err).toMatchObject({
      kind: 'Throttled',
      httpStatus: 429,
      armCode: 'TooManyRequests',
      retryAfterSeconds: 40,
    });
    expect(under.waits).toEqual([]);
  });

  it('the PUT landed but its answer was lost: the client reads the request back by name instead of PUTting again', async () => {
    const role = await eligible(AzureBuiltInRoles.contributor);
    h.sim.injectFault({ kind: 'drop', count: 1 });
    const result = await clientFor(h, adele).client.activate({
      eligible: role,
      durationMinutes: 30,
      justification: 'x',
    });
    expect(result).toMatchObject({ outcome: 'done' });
    const calls = h.sim.calls();
    const put = calls.findIndex((c) => c.method === 'PUT');
    expect(calls[put]?.status).toBe(0); // answered by a dropped connection
    expect(calls[put + 1]).toMatchObject({ method: 'GET', path: calls[put]?.path, status: 200 });
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
    expect(h.sim.snapshot().requests).toHaveLength(1);
  });

  it('the connection broke before ARM acted: read-back finds nothing, the same name is PUT once more, one request results', async () => {
    const role = await eligible(AzureBuiltInRoles.contributor);
    h.sim.injectFault({ kind: 'reset', count: 1 });
    expect(
      await clientFor(h, adele).client.activate({ eligible: role, durationMinutes: 30, justification: 'x' }),
    ).toMatchObject({ outcome: 'done' });
    const calls = h.sim.calls().filter((c) => c.path.includes('roleAssignmentScheduleRequests'));
    expect(calls.map((c) => [c.method, c.status])).toEqual([
      ['PUT', 0],
      ['GET', 404],
      ['PUT', 201],
    ]);
    expect(new Set(calls.map((c) => c.path.split('?')[0])).size).toBe(1);
    expect(h.sim.snapshot().requests).toHaveLength(1);
  });
});
