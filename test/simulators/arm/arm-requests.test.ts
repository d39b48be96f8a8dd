import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoArmEligibilities, demoResourceGroups, demoSubscriptions } from '../../../simulators/arm/demo-arm';
import { AzureBuiltInRoles } from '../../../simulators/arm/fixture';
import { demoUsers } from '../../../simulators/tenant/demo-tenant';
import { assertNoArmContractViolations } from '../../contract/arm-contract';
import {
  APPROVALS_API,
  type ArmHarness,
  AUTHZ,
  activation,
  type Cloud,
  guid,
  type Obj,
  PIM_API,
  startArmHarness,
} from './support';

/**
 * The ARM simulator's request lifecycle over HTTP: PUT, replay, validate, timeout, stage bodies, as
 * ARM-PIM.md §1–§6 and §9 describe them (FIDELITY.md has the source of each). Well-formed calls go through the
 * contract check; calls malformed on purpose bypass it (`unchecked`) and say so.
 */

const { requester: adele, approver: megan } = demoUsers;
const DEV = demoSubscriptions.development.id;
let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());
afterEach(() => assertNoArmContractViolations(h.violations));

const ownerBody = () => activation(DEV, AzureBuiltInRoles.owner, { ticketInfo: { ticketNumber: 'CHG-1' } });

describe('requests', () => {
  it('PUT returns 201 with the request; GET by name 200; unknown name 404 CloudError', async () => {
    const t = await h.token(adele);
    const path = `${demoResourceGroups.webProd.id}${AUTHZ}/roleAssignmentScheduleRequests/${guid(1)}?${PIM_API}`;
    const body = activation(demoResourceGroups.webProd.id, AzureBuiltInRoles.contributor, {
      linkedRoleEligibilityScheduleId: demoArmEligibilities.adeleContributorWeb,
    });
    const put = await h.call<Obj>('PUT', path, { token: t, body });
    expect([put.status, put.body.name, put.body.properties.status]).toEqual([201, guid(1), 'Provisioned']);
    expect((await h.call<Obj>('GET', path, { token: t })).body.properties.requestorId).toBe(adele.id);
    const unknown = await h.call<Cloud>('GET', path.replace(guid(1), guid(2)), { token: t });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'RoleAssignmentScheduleRequestNotFound']);
  });

  it("linkedRoleEligibilityScheduleId must name the caller's eligibility for that role: another one fails EligibilityRule", async () => {
    const rg = demoResourceGroups.webProd.id;
    const wrongLink = activation(rg, AzureBuiltInRoles.contributor, {
      linkedRoleEligibilityScheduleId: `${DEV}${AUTHZ}/roleEligibilitySchedules/${demoArmEligibilities.adeleOwnerDev}`,
    });
    const res = await h.call<Cloud>('PUT', `${rg}${AUTHZ}/roleAssignmentScheduleRequests/${guid(10)}?${PIM_API}`, {
      token: await h.token(adele),
      body: wrongLink,
    });
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["EligibilityRule"].',
    ]);
  });

  it('the same name with the same body is a replay (one request); with another body, refused', async () => {
    const t = await h.token(adele);
    const path = `${DEV}${AUTHZ}/roleAssignmentScheduleRequests/${guid(3)}?${PIM_API}`;
    expect((await h.call('PUT', path, { token: t, body: ownerBody() })).status).toBe(201);
    expect((await h.call('PUT', path, { token: t, body: ownerBody() })).status).toBe(201);
    expect(h.sim.snapshot().requests).toHaveLength(1);
    const other = await h.call<Cloud>('PUT', path, {
      token: t,
      body: activation(DEV, AzureBuiltInRoles.owner, { justification: 'else' }),
    });
    expect(other.status).toBe(400);
  });

  it('Self* for someone else, or with an app token: 403; a name that is not a GUID: 400', async () => {
    const path = `${DEV}${AUTHZ}/roleAssignmentScheduleRequests/${guid(4)}?${PIM_API}`;
    const asMegan = await h.call<Cloud>('PUT', path, { token: await h.token(megan), body: ownerBody() });
    expect([asMegan.status, asMegan.body.error.code]).toEqual([403, 'AuthorizationFailed']);
    const asApp = await h.call<Cloud>('PUT', path, {
      token: await h.token(adele, { appOnly: true }),
      body: ownerBody(),
    });
    expect(asApp.status).toBe(403);
    const badName = await h.call<Cloud>('PUT', path.replace(guid(4), 'not-a-guid'), {
      token: await h.token(adele),
      body: ownerBody(),
    });
    expect(badName.status).toBe(400);
  });

  it('/validate stores nothing and says PendingEvaluation when approval would be needed, Granted otherwise', async () => {
    const t = await h.token(adele);
    const owner = await h.call<Obj>(
      'POST',
      `${DEV}${AUTHZ}/roleAssignmentScheduleRequests/${guid(5)}/validate?${PIM_API}`,
      { token: t, body: ownerBody() },
    );
    expect([owner.status, owner.body.properties.status]).toEqual([200, 'PendingEvaluation']);
    const rg = demoResourceGroups.webProd.id;
    const contributor = await h.call<Obj>(
      'POST',
      `${rg}${AUTHZ}/roleAssignmentScheduleRequests/${guid(6)}/validate?${PIM_API}`,
      {
        token: t,
        body: activation(rg, AzureBuiltInRoles.contributor),
      },
    );
    expect(contributor.body.properties.status).toBe('Granted');
    expect(h.sim.snapshot()).toMatchObject({ requests: [], active: [], approvals: [] });
  });

  it('an approval left 24 hours times out: request TimedOut, stage Expired, nothing active', async () => {
    const t = await h.token(adele);
    const path = `${DEV}${AUTHZ}/roleAssignmentScheduleRequests/${guid(7)}?${PIM_API}`;
    const put = await h.call<Obj>('PUT', path, { token: t, body: ownerBody() });
    const approvalId = String(put.body.properties.approvalId).split('/').pop();
    h.sim.clock.advance(24 * 3600_000 + 1000);
    expect((await h.call<Obj>('GET', path, { token: t })).body.properties.status).toBe('TimedOut');
    const approval = await h.call<Obj>('GET', `${AUTHZ}/roleAssignmentApprovals/${approvalId}?${APPROVALS_API}`, {
      token: await h.token(megan),
    });
    expect((approval.body.properties.stages as Obj[])[0]?.properties.status).toBe('Expired');
    expect(h.sim.snapshot().active).toEqual([]);
  });

  it("a stage decision wrapped in 'properties' (Learn's form) is accepted by default, refused when the spec's form is insisted on", async () => {
    const put = await h.call<Obj>('PUT', `${DEV}${AUTHZ}/roleAssignmentScheduleRequests/${guid(8)}?${PIM_API}`, {
      token: await h.token(adele),
      body: ownerBody(),
    });
    const approvalId = String(put.body.properties.approvalId).split('/').pop();
    const t = await h.token(megan);
    const approval = await h.call<Obj>('GET', `${AUTHZ}/roleAssignmentApprovals/${approvalId}?${APPROVALS_API}`, {
      token: t,
    });
    const stage = (approval.body.properties.stages as Obj[])[0]?.name;
    const wrapped = { properties: { reviewResult: 'Approve', justification: 'ok' } };
    const url = `${AUTHZ}/roleAssignmentApprovals/${approvalId}/stages/${stage}?${APPROVALS_API}`;
    expect(h.contract.checkRequest('PATCH', url, wrapped).length).toBeGreaterThan(0); // not the spec's form
    h.sim.setStageBodyForm('top-level');
    const refused = await h.call<Cloud>('PATCH', url, { token: t, body: wrapped, unchecked: true });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'BadRequest']);
    h.sim.setStageBodyForm('either');
    const res = await h.call<Obj>('PATCH', url, { token: t, body: wrapped, unchecked: true });
    expect([res.status, res.body.properties.reviewResult]).toEqual([200, 'Approve']);
    expect(h.sim.snapshot().active).toHaveLength(1);
  });
});

describe('who may decide', () => {
  it('not the requester even when listed as an approver (self-approval), not an app; the other approver may', async () => {
    const { demoArm } = await import('../../../simulators/arm/demo-arm');
    const policies = demoArm.policies.map((p) =>
      p.roleDefinitionId === AzureBuiltInRoles.owner ? { ...p, approverIds: [adele.id, megan.id] } : p,
    );
    h.reset({ ...demoArm, policies });
    const put = await h.call<Obj>('PUT', `${DEV}${AUTHZ}/roleAssignmentScheduleRequests/${guid(11)}?${PIM_API}`, {
      token: await h.token(adele),
      body: ownerBody(),
    });
    const approvalId = String(put.body.properties.approvalId).split('/').pop();
    const approval = await h.call<Obj>('GET', `${AUTHZ}/roleAssignmentApprovals/${approvalId}?${APPROVALS_API}`, {
      token: await h.token(megan),
    });
    const url = `${AUTHZ}/roleAssignmentApprovals/${approvalId}/stages/${(approval.body.properties.stages as Obj[])[0]?.name}?${APPROVALS_API}`;
    const review = { reviewResult: 'Approve', justification: 'ok' };
    const self = await h.call<Cloud>('PUT', url, { token: await h.token(adele), body: review });
    expect([self.status, self.body.error.code]).toEqual([403, 'AuthorizationFailed']);
    const app = await h.call<Cloud>('PUT', url, { token: await h.token(megan, { appOnly: true }), body: review });
    expect(app.status).toBe(403);
    expect((await h.call('PUT', url, { token: await h.token(megan), body: review })).status).toBe(200);
    expect(h.sim.snapshot().active).toHaveLength(1);
  });
});

describe('the contract check on the wire', () => {
  it('a Graph-shaped activation sent to ARM is flagged by the contract, and refused by the simulator', async () => {
    const graphish = {
      properties: {
        principalId: adele.id,
        roleDefinitionId: AzureBuiltInRoles.owner,
        requestType: 'selfActivate',
        directoryScopeId: '/',
      },
    };
    const res = await h.call<Cloud>('PUT', `${DEV}${AUTHZ}/roleAssignmentScheduleRequests/${guid(9)}?${PIM_API}`, {
      token: await h.token(adele),
      body: graphish,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const messages = h.violations.map((v) => v.message).join('\n');
    expect(messages).toMatch(/requestType must be equal to one of the allowed values/);
    expect(messages).toMatch(/directoryScopeId/);
    h.violations.length = 0; // seen and asserted: the afterEach check is for unexpected ones
  });
});
