import type { UnifiedRoleAssignmentScheduleRequest } from '@microsoft/microsoft-graph-types';
import type { Approval } from '@microsoft/microsoft-graph-types-beta';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoRoles, demoUsers } from '../../../simulators/tenant/demo-tenant';
import { activateRole, type GraphCaller, type Harness, HOURS, ROLE_REQUESTS, startHarness } from './support';

/**
 * The control API's portal actions (/_sim/requests/{id}/decision|cancel): what an approver or the requester
 * does outside Teams, seen afterwards through Graph exactly as a Graph decision or cancel would be.
 * Statuses as microsoft-graph-docs-contrib api-reference/v1.0/resources/request.md lists them.
 */

type Request = UnifiedRoleAssignmentScheduleRequest;
const APPROVALS = '/beta/roleManagement/directory/roleAssignmentApprovals';

let h: Harness;
let adele: GraphCaller;
let megan: GraphCaller;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  h.reset();
  adele = await h.as(demoUsers.requester);
  megan = await h.as(demoUsers.approver);
});

async function control(path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.sim.url}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function requestGlobalAdmin(): Promise<Request> {
  const res = await adele.post<Request>(
    ROLE_REQUESTS,
    activateRole(demoUsers.requester.id, demoRoles.globalAdministrator, { duration: 'PT1H', ticketNumber: 'CHG-1' }),
  );
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('PendingApproval');
  return res.body;
}

async function statusOf(id: string): Promise<Request> {
  const res = await adele.get<Request>(`${ROLE_REQUESTS}/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('portal decision', () => {
  it('an approver approves in the portal: the request is Provisioned and the step records who and why', async () => {
    const req = await requestGlobalAdmin();
    const res = await control(`/_sim/requests/${req.id}/decision`, {
      approverId: demoUsers.approver.id,
      reviewResult: 'Approve',
      justification: 'ok from the portal',
    });
    expect(res.status).toBe(204);
    expect((await statusOf(req.id!)).status).toBe('Provisioned');
    const approval = (await megan.get<Approval>(`${APPROVALS}/${req.id}`)).body;
    expect(approval.steps?.[0]?.reviewedBy?.id).toBe(demoUsers.approver.id);
    expect(approval.steps?.[0]?.justification).toBe('ok from the portal');
  });

  it('a denial in the portal reads Denied; a second decision is refused as Graph refuses it (409)', async () => {
    const req = await requestGlobalAdmin();
    const deny = { approverId: demoUsers.approver.id, reviewResult: 'Deny', justification: 'not now' };
    expect((await control(`/_sim/requests/${req.id}/decision`, deny)).status).toBe(204);
    expect((await statusOf(req.id!)).status).toBe('Denied');
    expect((await control(`/_sim/requests/${req.id}/decision`, deny)).status).toBe(409);
  });

  it('someone who is not an approver, or the requester, cannot decide (403); nothing changes', async () => {
    const req = await requestGlobalAdmin();
    for (const who of [demoUsers.noAccess.id, demoUsers.requester.id]) {
      const res = await control(`/_sim/requests/${req.id}/decision`, { approverId: who, reviewResult: 'Approve' });
      expect(res.status).toBe(403);
    }
    expect((await statusOf(req.id!)).status).toBe('PendingApproval');
  });

  it('an unknown request is 404 and a malformed body 400', async () => {
    const missing = await control('/_sim/requests/00000000-0000-0000-0000-000000000000/decision', {
      approverId: demoUsers.approver.id,
      reviewResult: 'Approve',
    });
    expect(missing.status).toBe(404);
    const req = await requestGlobalAdmin();
    expect((await control(`/_sim/requests/${req.id}/decision`, { reviewResult: 'Maybe' })).status).toBe(400);
  });
});

describe('portal cancel and expiry', () => {
  it('the requester cancels in the portal: Canceled, completedDateTime now, and the approver can no longer decide', async () => {
    const req = await requestGlobalAdmin();
    expect((await control(`/_sim/requests/${req.id}/cancel`)).status).toBe(204);
    const after = await statusOf(req.id!);
    expect(after.status).toBe('Canceled');
    expect(Date.parse(after.completedDateTime as string)).toBeLessThan(
      Date.parse(after.createdDateTime as string) + 24 * HOURS,
    );
    const late = await control(`/_sim/requests/${req.id}/decision`, {
      approverId: demoUsers.approver.id,
      reviewResult: 'Approve',
    });
    expect(late.status).toBe(409);
    // Cancelling twice is refused the way Graph refuses cancelling a request that is no longer pending.
    expect((await control(`/_sim/requests/${req.id}/cancel`)).status).toBe(400);
  });

  it("PIM's own expiry: 24 h undecided, the request leaves PendingApproval with completedDateTime at the deadline", async () => {
    const req = await requestGlobalAdmin();
    h.clock.advance(24 * HOURS + 1000);
    const after = await statusOf(req.id!);
    expect(after.status).not.toBe('PendingApproval');
    expect(Date.parse(after.completedDateTime as string)).toBe(
      Date.parse(after.createdDateTime as string) + 24 * HOURS,
    );
  });
});
