import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoRoles, demoUsers } from '../../../simulators/tenant/demo-tenant';
import { GraphContract } from '../../contract/graph-contract';
import { type Collection, type Harness, startHarness } from './support';

/**
 * GET /v1.0/auditLogs/directoryAudits as DOCS api-reference/v1.0/api/directoryaudit-list.md documents it
 * (../shared/graph/FEATURES-API.md §2.2-2.4): AuditLog.Read.All, `$filter` with eq/ge/le/startswith only,
 * `$top`, `$orderby`, skiptoken paging; and the entries PIM writes as a request moves on (PIM-API.md §6).
 * Every answer is held to the features OpenAPI description.
 */

interface Audit {
  id: string;
  category: string;
  activityDisplayName: string;
  activityDateTime: string;
  correlationId: string;
  loggedByService: string;
  result: string;
  initiatedBy: { user: { id: string; userPrincipalName: string } | null; app: unknown };
  targetResources: Array<{ id: string; type: string; displayName: string | null }>;
}

const { requester: adele, approver: megan } = demoUsers;
const AUDITS = '/v1.0/auditLogs/directoryAudits';
const MINUTE = 60_000;

let h: Harness;
let contract: GraphContract;
beforeAll(async () => {
  h = await startHarness();
  contract = GraphContract.load({ family: 'features' });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

async function list(query: string, roles = ['AuditLog.Read.All']) {
  const token = await h.appToken(roles);
  const res = await h.request<Collection<Audit>>('GET', `${AUDITS}${query}`, { token });
  const violations = contract.check({
    method: 'GET',
    url: `${h.sim.url}${AUDITS}${query}`,
    status: res.status,
    responseBody: res.body,
  });
  expect(violations).toEqual([]);
  return res;
}

const names = (res: { body: Collection<Audit> }) => res.body.value.map((e) => e.activityDisplayName);

describe('directoryAudits: access', () => {
  it('needs AuditLog.Read.All app-only: anything else, Directory.Read.All alone too, is 403', async () => {
    expect((await list('')).status).toBe(200);
    for (const roles of [['RoleManagement.ReadWrite.Directory'], ['Directory.Read.All']]) {
      const res = await list('', roles);
      expect(res.status).toBe(403);
      expect(res.error?.code).toBe('Authentication_MSGraphPermissionMissing');
      expect(res.error?.message).toContain('AuditLog.Read.All');
      expect(res.error?.innerError['request-id']).toBeTruthy();
    }
  });

  it('a tenant without P1/P2 is refused with Authentication_RequestFromNonPremiumTenantOrB2CTenant', async () => {
    h.sim.configureAuditLog({ premium: false });
    const res = await list('');
    expect(res.status).toBe(403);
    expect(res.error?.code).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
  });
});

describe('directoryAudits: the entries PIM writes', () => {
  it('a portal activation: requested then completed, RoleManagement, the role and the user as targets', async () => {
    const request = h.sim.activate({
      principalId: adele.id,
      roleDefinitionId: demoRoles.reportsReader,
      duration: 'PT1H',
    });
    const res = await list('?$orderby=activityDateTime asc');
    expect(names(res)).toEqual([
      'Add member to role requested (PIM activation)',
      'Add member to role completed (PIM activation)',
    ]);
    const [requested, completed] = res.body.value;
    expect(completed).toMatchObject({
      category: 'RoleManagement',
      loggedByService: 'PIM',
      result: 'success',
      initiatedBy: { user: { id: adele.id, userPrincipalName: adele.userPrincipalName } },
    });
    expect(completed?.targetResources.map((t) => [t.type, t.id])).toEqual([
      ['Role', demoRoles.reportsReader],
      ['User', adele.id],
    ]);
    expect(completed?.activityDateTime).toBe(request.createdDateTime);
    // One request, one correlation id across its entries (FEATURES-API.md §2.2, [3p]).
    expect(completed?.correlationId).toBe(requested?.correlationId);
    expect(completed?.id).not.toBe(requested?.id);
  });

  it('approval asked, approved by the approver; denied; deactivated; ran out', async () => {
    const adeleApi = await h.as(adele);
    const ask = (roleDefinitionId: string) =>
      adeleApi.post<{ id: string; approvalId: string }>(
        '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests',
        {
          action: 'selfActivate',
          principalId: adele.id,
          roleDefinitionId,
          directoryScopeId: '/',
          justification: 'incident 4711',
          ticketInfo: { ticketNumber: 'INC-4711', ticketSystem: 'ServiceNow' },
          scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
        },
      );
    const approved = await ask(demoRoles.globalAdministrator);
    expect(approved.status).toBe(201);
    const firstPage = await list('?$orderby=activityDateTime asc');
    expect(names(firstPage)).toEqual([
      'Add member to role requested (PIM activation)',
      'Add member to role approval requested (PIM activation)',
    ]);

    h.clock.advance(10 * MINUTE);
    const approvalsPath = `/beta/roleManagement/directory/roleAssignmentApprovals/${approved.body.approvalId}`;
    const megansApi = await h.as(megan);
    const approval = await megansApi.get<{ steps: Array<{ id: string }> }>(approvalsPath);
    const step = approval.body.steps[0]?.id ?? '';
    expect(
      (await megansApi.patch(`${approvalsPath}/steps/${step}`, { reviewResult: 'Approve', justification: 'ok' }))
        .status,
    ).toBe(204);
    const afterApproval = await list('?$orderby=activityDateTime desc&$top=2');
    expect(names(afterApproval)).toEqual([
      'Add member to role completed (PIM activation)',
      'Add member to role request approved (PIM activation)',
    ]);
    expect(afterApproval.body.value[0]?.initiatedBy.user?.id).toBe(megan.id);

    h.clock.advance(10 * MINUTE);
    expect(
      (
        await adeleApi.post('/v1.0/roleManagement/directory/roleAssignmentScheduleRequests', {
          action: 'selfDeactivate',
          principalId: adele.id,
          roleDefinitionId: demoRoles.globalAdministrator,
          directoryScopeId: '/',
        })
      ).status,
    ).toBe(201);
    expect(names(await list('?$orderby=activityDateTime desc&$top=2'))).toEqual([
      'Remove member from role completed (PIM deactivate)',
      'Remove member from role requested (PIM deactivate)',
    ]);

    const denied = await ask(demoRoles.globalAdministrator);
    const deniedApproval = await megansApi.get<{ steps: Array<{ id: string }> }>(
      `/beta/roleManagement/directory/roleAssignmentApprovals/${denied.body.approvalId}`,
    );
    await megansApi.patch(
      `/beta/roleManagement/directory/roleAssignmentApprovals/${denied.body.approvalId}/steps/${deniedApproval.body.steps[0]?.id}`,
      { reviewResult: 'Deny', justification: 'no incident' },
    );
    expect(names(await list('?$orderby=activityDateTime desc&$top=1'))).toEqual([
      'Add member to role request denied (PIM activation)',
    ]);

    // An activation that runs its course: PIM writes its end when it ends (written lazily, at its time).
    h.sim.activate({ principalId: megan.id, roleDefinitionId: demoRoles.globalReader, duration: 'PT1H' });
    h.clock.advance(61 * MINUTE);
    const ended = await list(
      `?$filter=${encodeURIComponent("activityDisplayName eq 'Remove member from role (PIM activation expired)'")}`,
    );
    expect(ended.body.value.map((e) => e.targetResources.find((t) => t.type === 'User')?.id)).toEqual([megan.id]);
    expect(ended.body.value[0]?.initiatedBy.user).toBeNull();
  });

  it('an approval nobody decides within 24 h: "PIM activation request expired" at its deadline', async () => {
    const adeleApi = await h.as(adele);
    const made = await adeleApi.post<{ createdDateTime: string }>(
      '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests',
      {
        action: 'selfActivate',
        principalId: adele.id,
        roleDefinitionId: demoRoles.globalAdministrator,
        directoryScopeId: '/',
        justification: 'incident',
        ticketInfo: { ticketNumber: 'INC-1' },
        scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
      },
    );
    h.clock.advance(25 * 3_600_000);
    const res = await list(`?$filter=${encodeURIComponent("activityDisplayName eq 'PIM activation request expired'")}`);
    expect(res.body.value.map((e) => Date.parse(e.activityDateTime) - Date.parse(made.body.createdDateTime))).toEqual([
      24 * 3_600_000,
    ]);
  });
});

describe('directoryAudits: query options', () => {
  it('$filter on activityDateTime ge/le, category eq, activityDisplayName startswith; newest first by default', async () => {
    const t0 = h.clock.now();
    h.sim.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    h.clock.advance(10 * MINUTE);
    const t1 = h.clock.now();
    h.sim.activate({ principalId: megan.id, roleDefinitionId: demoRoles.globalReader, duration: 'PT1H' });
    const since = await list(
      `?$filter=${encodeURIComponent(`category eq 'RoleManagement' and activityDateTime ge ${t1.toISOString()}`)}`,
    );
    expect(since.body.value.map((e) => e.initiatedBy.user?.id)).toEqual([megan.id, megan.id]);
    const until = await list(`?$filter=${encodeURIComponent(`activityDateTime le ${t0.toISOString()}`)}`);
    expect(until.body.value.map((e) => e.initiatedBy.user?.id)).toEqual([adele.id, adele.id]);
    // Default order: newest first (completed after requested at the same instant keeps insertion order reversed).
    const all = await list('');
    expect(all.body.value.map((e) => e.initiatedBy.user?.id)).toEqual([megan.id, megan.id, adele.id, adele.id]);
    const started = await list(
      `?$filter=${encodeURIComponent("startswith(activityDisplayName, 'Add member to role completed')")}`,
    );
    expect(started.body.value).toHaveLength(2);
    expect((await list(`?$filter=${encodeURIComponent("category eq 'GroupManagement'")}`)).body.value).toEqual([]);
  });

  it('refuses what the page does not document: ne, or, contains, not, unknown properties, $orderby on others, $top > 1000', async () => {
    for (const filter of [
      "category ne 'RoleManagement'",
      "category eq 'RoleManagement' or category eq 'GroupManagement'",
      "contains(activityDisplayName, 'PIM')",
      "not (category eq 'RoleManagement')",
      "result eq 'success'",
      `activityDateTime gt ${new Date().toISOString()}`,
    ]) {
      const res = await list(`?$filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(res.error?.code).toBe('BadRequest');
      expect(res.error?.message).toMatch(/^Invalid filter clause/);
    }
    expect((await list('?$orderby=category')).status).toBe(400);
    expect((await list('?$top=1001')).status).toBe(400);
    expect((await list('?$count=true')).status).toBe(400);
  });

  it('pages with $top and an absolute nextLink carrying $skiptoken, oldest first when asked', async () => {
    for (let i = 0; i < 5; i++) {
      h.sim.activate({ principalId: adele.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
      h.clock.advance(61 * MINUTE);
    }
    // 5 × (requested, completed, and the end an hour later) = 15 entries.
    const seen: string[] = [];
    let res = await list('?$orderby=activityDateTime asc&$top=4');
    let pages = 1;
    for (;;) {
      seen.push(...res.body.value.map((e) => e.activityDateTime));
      const next = res.body['@odata.nextLink'];
      if (!next) break;
      expect(next).toMatch(/^https:\/\/.*\$skiptoken=/);
      expect(next).toContain('$top=4');
      res = await list(next.slice(next.indexOf('?')));
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(15);
    expect([...seen].sort()).toEqual(seen);
  });
});
