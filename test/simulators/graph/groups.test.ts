import type {
  Approval,
  DirectoryObject,
  PrivilegedAccessGroupAssignmentScheduleInstance,
  PrivilegedAccessGroupAssignmentScheduleRequest,
  PrivilegedAccessGroupEligibilityScheduleInstance,
  UnifiedRoleAssignmentScheduleInstance,
} from '@microsoft/microsoft-graph-types';
import type { Approval as BetaApproval } from '@microsoft/microsoft-graph-types-beta';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../../simulators/tenant/demo-tenant';
import {
  activateGroup,
  type Collection,
  GROUP_REQUESTS,
  type GraphCaller,
  type Harness,
  HOURS,
  MINUTES,
  startHarness,
} from './support';

const PIM_GROUP = '/v1.0/identityGovernance/privilegedAccess/group';
const APPROVALS_V1 = `${PIM_GROUP}/assignmentApprovals`;
const APPROVALS_BETA = '/beta/identityGovernance/privilegedAccess/group/assignmentApprovals';
const MY_GROUP_INSTANCES = `${PIM_GROUP}/assignmentScheduleInstances/filterByCurrentUser(on='principal')`;

type GroupRequest = PrivilegedAccessGroupAssignmentScheduleRequest;

const adeleUser = demoUsers.requester;
const helpdesk = demoGroups.helpdeskBundle;
const secOps = demoGroups.securityOperators;

let h: Harness;
let adele: GraphCaller;
let megan: GraphCaller;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  h.reset();
  adele = await h.as(adeleUser);
  megan = await h.as(demoUsers.approver);
});

async function members(groupId: string): Promise<string[]> {
  const res = await adele.get<Collection<DirectoryObject>>(`/v1.0/groups/${groupId}/members`);
  return res.body.value.map((m) => m.id ?? '');
}

async function rolesThroughGroups(): Promise<UnifiedRoleAssignmentScheduleInstance[]> {
  const res = await adele.get<Collection<UnifiedRoleAssignmentScheduleInstance>>(
    `/v1.0/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${adeleUser.id}' and memberType eq 'Group'`,
  );
  return res.body.value;
}

describe('PIM for Groups: eligibility and activation', () => {
  it("lists the caller's group eligibilities with $expand=group", async () => {
    const res = await adele.get<Collection<PrivilegedAccessGroupEligibilityScheduleInstance>>(
      `${PIM_GROUP}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
    );
    expect(res.status).toBe(200);
    expect(res.body.value.map((e) => e.group?.displayName).sort()).toEqual([
      'RAG - Helpdesk Admins',
      'RAG - Security Operators',
    ]);
    expect(res.body.value[0]).toMatchObject({ accessId: 'member', memberType: 'direct', principalId: adeleUser.id });
  });

  it('activates membership: 201 Provisioned (docs sample for a start-now group activation), targetScheduleId {groupId}_{accessId}_{requestId}, member while active', async () => {
    const res = await adele.post<GroupRequest>(
      GROUP_REQUESTS,
      activateGroup(adeleUser.id, helpdesk.id, { duration: 'PT2H' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'Provisioned',
      accessId: 'member',
      groupId: helpdesk.id,
      approvalId: null,
    });
    expect(res.body.targetScheduleId).toBe(`${helpdesk.id}_member_${res.body.id}`);

    const instances = await adele.get<Collection<PrivilegedAccessGroupAssignmentScheduleInstance>>(MY_GROUP_INSTANCES);
    expect(instances.body.value).toHaveLength(1);
    expect(instances.body.value[0]).toMatchObject({
      groupId: helpdesk.id,
      accessId: 'member',
      assignmentType: 'activated',
      memberType: 'direct',
      assignmentScheduleId: res.body.targetScheduleId,
    });
    expect(await members(helpdesk.id)).toEqual([adeleUser.id]);
    expect((await adele.get<GroupRequest>(`${GROUP_REQUESTS}/${res.body.id}`)).body.status).toBe('Provisioned');

    h.clock.advance(2 * HOURS + MINUTES);
    expect(await members(helpdesk.id)).toEqual([]);
    expect((await adele.get<Collection<unknown>>(MY_GROUP_INSTANCES)).body.value).toEqual([]);
  });

  it("a role-assignable group's roles reach its PIM-activated member (memberType Group), but not filterByCurrentUser", async () => {
    expect(await rolesThroughGroups()).toEqual([]);
    await adele.post(GROUP_REQUESTS, activateGroup(adeleUser.id, helpdesk.id, { duration: 'PT1H' }));
    const bundle = await rolesThroughGroups();
    expect(bundle.map((r) => r.roleDefinitionId).sort()).toEqual(
      [demoRoles.helpdeskAdministrator, demoRoles.userAdministrator, demoRoles.authenticationAdministrator].sort(),
    );
    expect(bundle[0]).toMatchObject({ assignmentType: 'Assigned', memberType: 'Group' });
    const mine = await adele.get<Collection<UnifiedRoleAssignmentScheduleInstance>>(
      "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')",
    );
    expect(mine.body.value).toEqual([]);
    h.clock.advance(61 * MINUTES);
    expect(await rolesThroughGroups()).toEqual([]);
  });

  it('applies the group policy rules', async () => {
    const noJustification = activateGroup(adeleUser.id, helpdesk.id);
    delete noJustification.justification;
    expect((await adele.post(GROUP_REQUESTS, noJustification)).error?.message).toBe(
      'The following policy rules failed: ["JustificationRule"]',
    );
    const tooLong = await adele.post(GROUP_REQUESTS, activateGroup(adeleUser.id, helpdesk.id, { duration: 'PT5H' }));
    expect(tooLong.error?.message).toBe('The following policy rules failed: ["ExpirationRule"]');
    const lee = await h.as(demoUsers.noAccess);
    const notEligible = await lee.post(GROUP_REQUESTS, activateGroup(demoUsers.noAccess.id, helpdesk.id));
    expect(notEligible.error?.message).toBe('The following policy rules failed: ["EligibilityRule"]');
  });

  it('answers a missing auth context with UnknownError wrapping the claims challenge', async () => {
    h.reset({
      ...demoTenant,
      groupPolicies: demoTenant.groupPolicies.map((p) =>
        p.groupId === helpdesk.id ? { ...p, activation: { ...p.activation, authenticationContext: 'c2' } } : p,
      ),
    });
    const res = await adele.post(GROUP_REQUESTS, activateGroup(adeleUser.id, helpdesk.id));
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({
      code: 'UnknownError',
      message:
        'RoleAssignmentRequestAcrsValidationFailed claims={"access_token":{"acrs":{"essential":true, "value":"c2"}}}',
    });
    const steppedUp = await h.as(adeleUser, { acrs: ['c2'] });
    expect((await steppedUp.post(GROUP_REQUESTS, activateGroup(adeleUser.id, helpdesk.id))).status).toBe(201);
  });

  it('selfDeactivate ends the membership (after the 5 minute minimum)', async () => {
    await adele.post(GROUP_REQUESTS, activateGroup(adeleUser.id, helpdesk.id));
    const deactivate = {
      action: 'selfDeactivate',
      principalId: adeleUser.id,
      groupId: helpdesk.id,
      accessId: 'member',
    };
    expect((await adele.post(GROUP_REQUESTS, deactivate)).error?.code).toBe('ActiveDurationTooShort');
    h.clock.advance(5 * MINUTES);
    const res = await adele.post<GroupRequest>(GROUP_REQUESTS, deactivate);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('Revoked');
    expect(await members(helpdesk.id)).toEqual([]);
  });
});

describe('PIM for Groups: approvals', () => {
  async function requestSecOps(): Promise<GroupRequest> {
    const res = await adele.post<GroupRequest>(GROUP_REQUESTS, activateGroup(adeleUser.id, secOps.id));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'PendingApproval' });
    expect(res.body.approvalId).toBe(res.body.id);
    return res.body;
  }

  it('v1.0: GET the approval (stages) and PATCH the stage → Provisioned', async () => {
    const req = await requestSecOps();
    const toApprove = await megan.get<Collection<GroupRequest>>(
      `${GROUP_REQUESTS}/filterByCurrentUser(on='approver')?$filter=status eq 'PendingApproval'`,
    );
    expect(toApprove.body.value.map((r) => r.id)).toEqual([req.id]);

    const a = await megan.get<Approval>(`${APPROVALS_V1}/${req.id}`);
    expect(a.status).toBe(200);
    const stage = a.body.stages?.[0];
    expect(stage).toMatchObject({ status: 'InProgress', reviewResult: 'NotReviewed', assignedToMe: true });
    const res = await megan.patch(`${APPROVALS_V1}/${req.id}/stages/${stage?.id}`, {
      reviewResult: 'Approve',
      justification: 'Shift starts now',
    });
    expect(res.status).toBe(204);
    expect((await adele.get<GroupRequest>(`${GROUP_REQUESTS}/${req.id}`)).body.status).toBe('Provisioned');
    expect(await members(secOps.id)).toEqual([adeleUser.id]);
  });

  it("v1.0 also accepts /steps/ (the docs page's path); beta shows and decides steps", async () => {
    const first = await requestSecOps();
    const stageId = (await megan.get<Approval>(`${APPROVALS_V1}/${first.id}`)).body.stages?.[0]?.id;
    const viaSteps = await megan.patch(`${APPROVALS_V1}/${first.id}/steps/${stageId}`, {
      reviewResult: 'Deny',
      justification: 'Not on shift',
    });
    expect(viaSteps.status).toBe(204);
    expect((await adele.get<GroupRequest>(`${GROUP_REQUESTS}/${first.id}`)).body.status).toBe('Denied');

    const second = await requestSecOps();
    const beta = await megan.get<BetaApproval>(`${APPROVALS_BETA}/${second.id}`);
    expect(beta.body.steps?.[0]).toMatchObject({ status: 'InProgress', assignedToMe: true });
    const res = await megan.patch(`${APPROVALS_BETA}/${second.id}/steps/${beta.body.steps?.[0]?.id}`, {
      reviewResult: 'Approve',
      justification: 'ok',
    });
    expect(res.status).toBe(204);
    const again = await megan.patch(`${APPROVALS_BETA}/${second.id}/steps/${beta.body.steps?.[0]?.id}`, {
      reviewResult: 'Approve',
      justification: 'ok',
    });
    expect(again.status).toBe(409);
  });

  it('cancels a pending group request', async () => {
    const req = await requestSecOps();
    expect((await adele.post(`${GROUP_REQUESTS}/${req.id}/cancel`)).status).toBe(204);
    expect((await adele.get<GroupRequest>(`${GROUP_REQUESTS}/${req.id}`)).body.status).toBe('Canceled');
  });
});
