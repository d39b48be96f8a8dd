import type {
  UnifiedRoleAssignmentScheduleInstance,
  UnifiedRoleAssignmentScheduleRequest,
} from '@microsoft/microsoft-graph-types';
import type { Approval } from '@microsoft/microsoft-graph-types-beta';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoRoles, demoTenant, demoUsers } from '../../../simulators/tenant/demo-tenant';
import {
  activateRole,
  type Collection,
  type GraphCaller,
  type Harness,
  HOURS,
  MINUTES,
  ROLE_REQUESTS,
  startHarness,
} from './support';

const APPROVALS = '/beta/roleManagement/directory/roleAssignmentApprovals';
const MY_INSTANCES =
  "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')";
const TO_APPROVE = `${ROLE_REQUESTS}/filterByCurrentUser(on='approver')?$filter=status eq 'PendingApproval'`;

type Request = UnifiedRoleAssignmentScheduleRequest;

let h: Harness;
let adele: GraphCaller;
let megan: GraphCaller;
let nestor: GraphCaller;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  h.reset();
  adele = await h.as(demoUsers.requester);
  megan = await h.as(demoUsers.approver);
  nestor = await h.as(demoUsers.secondApprover);
});

/** Adele asks for Global Administrator (approval by Megan or the "PIM Approvers" group) for `duration`. */
async function requestGlobalAdmin(duration = 'PT1H'): Promise<Request> {
  const res = await adele.post<Request>(
    ROLE_REQUESTS,
    activateRole(demoUsers.requester.id, demoRoles.globalAdministrator, { duration, ticketNumber: 'CHG-100' }),
  );
  expect(res.status).toBe(201);
  return res.body;
}

async function approval(caller: GraphCaller, id: string): Promise<Approval> {
  const res = await caller.get<Approval>(`${APPROVALS}/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

function stepPath(a: Approval): string {
  return `${APPROVALS}/${a.id}/steps/${a.steps?.[0]?.id}`;
}

describe('approval required', () => {
  it('answers 201 PendingApproval with approvalId = request id and an in-progress step assigned to the approvers', async () => {
    const req = await requestGlobalAdmin();
    expect(req).toMatchObject({ status: 'PendingApproval', approvalId: req.id, completedDateTime: null });
    expect((await adele.get<Collection<unknown>>(MY_INSTANCES)).body.value).toEqual([]);

    const seenByMegan = await approval(megan, req.id ?? '');
    expect(seenByMegan.id).toBe(req.id);
    expect(seenByMegan.steps).toHaveLength(1);
    expect(seenByMegan.steps?.[0]).toMatchObject({
      status: 'InProgress',
      reviewResult: 'NotReviewed',
      assignedToMe: true,
      reviewedBy: null,
      reviewedDateTime: null,
    });
    expect((await approval(adele, req.id ?? '')).steps?.[0]?.assignedToMe).toBe(false);
    expect((await approval(nestor, req.id ?? '')).steps?.[0]?.assignedToMe).toBe(true);
  });

  it("lists pending requests for approvers with filterByCurrentUser(on='approver')", async () => {
    const req = await requestGlobalAdmin();
    const forMegan = await megan.get<Collection<Request>>(TO_APPROVE);
    expect(forMegan.body.value.map((r) => r.id)).toEqual([req.id]);
    const forNestor = await nestor.get<Collection<Request>>(TO_APPROVE);
    expect(forNestor.body.value.map((r) => r.id)).toEqual([req.id]);
    const lee = await h.as(demoUsers.noAccess);
    expect((await lee.get<Collection<Request>>(TO_APPROVE)).body.value).toEqual([]);
  });

  it('approve → Provisioned, the assignment runs from the approval time for the requested duration', async () => {
    const req = await requestGlobalAdmin('PT2H');
    h.clock.advance(10 * MINUTES);
    const approvedAt = h.clock.now().getTime();
    const a = await approval(megan, req.id ?? '');
    const res = await megan.patch(stepPath(a), { reviewResult: 'Approve', justification: 'Change CHG-100 approved' });
    expect(res.status).toBe(204);

    const after = await adele.get<Request>(`${ROLE_REQUESTS}/${req.id}`);
    expect(after.body.status).toBe('Provisioned');
    const [instance] = (await adele.get<Collection<UnifiedRoleAssignmentScheduleInstance>>(MY_INSTANCES)).body.value;
    const start = Date.parse(instance?.startDateTime ?? '');
    expect(start).toBeGreaterThanOrEqual(approvedAt);
    expect(start - approvedAt).toBeLessThan(1000);
    expect(Date.parse(instance?.endDateTime ?? '') - start).toBe(2 * HOURS);

    const step = (await approval(adele, req.id ?? '')).steps?.[0];
    expect(step).toMatchObject({
      status: 'Completed',
      reviewResult: 'Approved', // docs: approvalstep.md lists NotReviewed, Approved, Denied
      justification: 'Change CHG-100 approved',
      reviewedBy: { id: demoUsers.approver.id, displayName: 'Megan Bowen' },
    });
  });

  it('a second decision answers 409 Conflict', async () => {
    const req = await requestGlobalAdmin();
    const a = await approval(megan, req.id ?? '');
    expect((await megan.patch(stepPath(a), { reviewResult: 'Approve', justification: 'ok' })).status).toBe(204);
    const late = await nestor.patch(stepPath(a), { reviewResult: 'Deny', justification: 'too late' });
    expect(late.status).toBe(409);
    expect(late.error?.code).toBe('Conflict');
  });

  it('deny → Denied and no assignment', async () => {
    const req = await requestGlobalAdmin();
    const a = await approval(nestor, req.id ?? '');
    expect((await nestor.patch(stepPath(a), { reviewResult: 'Deny', justification: 'No change ticket' })).status).toBe(
      204,
    );
    const after = await adele.get<Request>(`${ROLE_REQUESTS}/${req.id}`);
    expect(after.body.status).toBe('Denied');
    expect(after.body.completedDateTime).not.toBeNull();
    expect((await adele.get<Collection<unknown>>(MY_INSTANCES)).body.value).toEqual([]);
  });

  it('refuses the requester (403), a non-approver (403), an app (403) and a decision without justification (400)', async () => {
    const req = await requestGlobalAdmin();
    const a = await approval(megan, req.id ?? '');
    const self = await adele.patch(stepPath(a), { reviewResult: 'Approve', justification: 'me' });
    expect(self.status).toBe(403);
    const lee = await h.as(demoUsers.noAccess);
    expect((await lee.patch(stepPath(a), { reviewResult: 'Approve', justification: 'x' })).status).toBe(403);
    const app = await h.asApp(['RoleManagement.ReadWrite.Directory']);
    expect((await app.patch(stepPath(a), { reviewResult: 'Approve', justification: 'x' })).status).toBe(403);
    expect((await app.get(`${APPROVALS}/${a.id}`)).status).toBe(403);
    const bare = await megan.patch(stepPath(a), { reviewResult: 'Approve' });
    expect(bare.status).toBe(400);
    const bad = await megan.patch(stepPath(a), { reviewResult: 'Maybe', justification: 'x' });
    expect(bad.status).toBe(400);
    expect((await megan.get(`${APPROVALS}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('an approver requesting the same role is not an approver of their own request', async () => {
    h.reset({
      ...demoTenant,
      roleEligibilities: [
        ...demoTenant.roleEligibilities,
        { principalId: demoUsers.approver.id, roleDefinitionId: demoRoles.globalAdministrator, directoryScopeId: '/' },
      ],
    });
    const req = await megan.post<Request>(
      ROLE_REQUESTS,
      activateRole(demoUsers.approver.id, demoRoles.globalAdministrator, { ticketNumber: 'CHG-5' }),
    );
    const a = await approval(megan, req.body.id ?? '');
    expect(a.steps?.[0]?.assignedToMe).toBe(false);
    expect((await megan.patch(stepPath(a), { reviewResult: 'Approve', justification: 'me' })).status).toBe(403);
    // Nestor approves through the "PIM Approvers" group (groupMembers).
    expect((await approval(nestor, a.id ?? '')).steps?.[0]?.assignedToMe).toBe(true);
    expect((await nestor.patch(stepPath(a), { reviewResult: 'Approve', justification: 'ok' })).status).toBe(204);
  });

  it("requestorManager: the requester's manager (Nestor) approves Teams Administrator", async () => {
    const req = await adele.post<Request>(
      ROLE_REQUESTS,
      activateRole(demoUsers.requester.id, demoRoles.teamsAdministrator),
    );
    expect(req.body.status).toBe('PendingApproval');
    expect((await approval(megan, req.body.id ?? '')).steps?.[0]?.assignedToMe).toBe(false);
    const a = await approval(nestor, req.body.id ?? '');
    expect(a.steps?.[0]?.assignedToMe).toBe(true);
    expect((await megan.patch(stepPath(a), { reviewResult: 'Approve', justification: 'x' })).status).toBe(403);
    expect((await nestor.patch(stepPath(a), { reviewResult: 'Approve', justification: 'ok' })).status).toBe(204);
  });

  it('an approval unanswered for 24 hours ends: request Canceled, step Completed/NotReviewed, decisions 409', async () => {
    const req = await requestGlobalAdmin();
    h.clock.advance(23 * HOURS + 59 * MINUTES);
    expect((await adele.get<Request>(`${ROLE_REQUESTS}/${req.id}`)).body.status).toBe('PendingApproval');
    h.clock.advance(2 * MINUTES);

    const after = await adele.get<Request>(`${ROLE_REQUESTS}/${req.id}`);
    expect(after.body.status).toBe('Canceled');
    expect(Date.parse(after.body.completedDateTime ?? '') - Date.parse(after.body.createdDateTime ?? '')).toBe(
      24 * HOURS,
    );
    const a = await approval(megan, req.id ?? '');
    expect(a.steps?.[0]).toMatchObject({ status: 'Expired', reviewResult: 'NotReviewed' });
    expect((await megan.patch(stepPath(a), { reviewResult: 'Approve', justification: 'late' })).status).toBe(409);
    expect((await megan.get<Collection<Request>>(TO_APPROVE)).body.value).toEqual([]);
    // Nothing is pending any more, so Adele may ask again.
    await requestGlobalAdmin();
  });
});
