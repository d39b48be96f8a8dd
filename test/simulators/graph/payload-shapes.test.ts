import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoGroups, demoRoles, demoUsers } from '../../../simulators/tenant/demo-tenant';
import { activateRole, type Collection, GROUP_REQUESTS, type Harness, ROLE_REQUESTS, startHarness } from './support';

/**
 * Issue 12: payload shapes and query options as Graph's docs show them (FIDELITY.md). Expected values
 * come from the docs' samples, written out here.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

type Item = Record<string, unknown>;
const TO_APPROVE = `${ROLE_REQUESTS}/filterByCurrentUser(on='approver')?$filter=status eq 'PendingApproval'`;

describe('payload shapes', () => {
  it('filterByCurrentUser items carry @odata.type; a PendingApproval request has completedDateTime set', async () => {
    const adele = await h.as(demoUsers.requester);
    const created = await adele.post<Item>(
      ROLE_REQUESTS,
      activateRole(demoUsers.requester.id, demoRoles.globalAdministrator, { ticketNumber: 'CHG-100' }),
    );
    expect(created.status).toBe(201);
    const megan = await h.as(demoUsers.approver);
    const [item] = (await megan.get<Collection<Item>>(TO_APPROVE)).body.value;
    console.log(
      `filterByCurrentUser item: @odata.type=${String(item?.['@odata.type'])}, completedDateTime=${String(item?.completedDateTime)}`,
    );
    // Docs sample (unifiedroleassignmentschedulerequest-filterbycurrentuser.md).
    expect(item?.['@odata.type']).toBe('#microsoft.graph.unifiedRoleAssignmentScheduleRequest');
    expect(item?.status).toBe('PendingApproval');
    expect(typeof item?.completedDateTime).toBe('string');
  });

  it('the beta approval carries steps@odata.context', async () => {
    const adele = await h.as(demoUsers.requester);
    const created = await adele.post<Item>(
      ROLE_REQUESTS,
      activateRole(demoUsers.requester.id, demoRoles.globalAdministrator, { ticketNumber: 'CHG-100' }),
    );
    const megan = await h.as(demoUsers.approver);
    const res = await megan.get<Item>(
      `/beta/roleManagement/directory/roleAssignmentApprovals/${String(created.body.id)}`,
    );
    expect(res.status).toBe(200);
    // Docs sample (beta approval-get.md): ...$metadata#roleManagement/directory/roleAssignmentApprovals('<id>')/steps
    expect(res.body['steps@odata.context']).toMatch(
      new RegExp(
        `/beta/\\$metadata#roleManagement/directory/roleAssignmentApprovals\\('${String(created.body.id)}'\\)/steps$`,
      ),
    );
  });

  it('instances of permanent assignments have null start and end, and ids that are not GUIDs', async () => {
    const isaiah = await h.as(demoUsers.admin);
    const res = await isaiah.get<Collection<Item>>(
      "/v1.0/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')",
    );
    const permanent = res.body.value.find((i) => i.assignmentType === 'Assigned');
    console.log(`permanent instance: id=${String(permanent?.id)}, start=${String(permanent?.startDateTime)}`);
    expect(permanent).toMatchObject({ startDateTime: null, endDateTime: null });
    expect(String(permanent?.id)).not.toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  });

  it('PIM for Groups lists without a groupId or principalId filter answer an empty page', async () => {
    const adele = await h.as(demoUsers.requester);
    const body = {
      action: 'selfActivate',
      principalId: demoUsers.requester.id,
      groupId: demoGroups.helpdeskBundle.id,
      accessId: 'member',
      justification: 'Password resets for the service desk queue',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    };
    expect((await adele.post<Item>(GROUP_REQUESTS, body)).status).toBe(201);
    const app = await h.asApp(['PrivilegedAssignmentSchedule.Read.AzureADGroup']);
    const unfiltered = await app.get<Collection<Item>>(GROUP_REQUESTS);
    const filtered = await app.get<Collection<Item>>(
      `${GROUP_REQUESTS}?$filter=groupId eq '${demoGroups.helpdeskBundle.id}'`,
    );
    console.log(
      `group requests: unfiltered ${unfiltered.body.value.length}, filtered on groupId ${filtered.body.value.length}`,
    );
    expect(unfiltered.status).toBe(200);
    expect(unfiltered.body.value).toEqual([]);
    expect(filtered.body.value.length).toBeGreaterThan(0);
  });

  it('undocumented query options on PIM collections are refused, not served', async () => {
    const adele = await h.as(demoUsers.requester);
    for (const option of ['$orderby=createdDateTime desc', '$count=true', '$skip=1']) {
      const res = await adele.get<Item>(`${ROLE_REQUESTS}/filterByCurrentUser(on='principal')?${option}`);
      expect(res.status, option).toBe(400);
      expect(res.error?.code).toBe('BadRequest');
      expect(res.error?.message).toMatch(/Query option '\w+' is not allowed/);
    }
  });
});
