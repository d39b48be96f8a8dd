import type { DirectoryObject, UnifiedRoleAssignment, User } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoRoles, demoUsers } from '../../../simulators/tenant/demo-tenant';
import {
  activateHolders,
  changeApprovers,
  defaultApproverTenant,
  emeaApprovers,
  tier0Admins,
} from '../../support/default-approver-tenant';
import { GraphContract } from '../../contract/graph-contract';
import { activateRole, type Collection, type Harness, ROLE_REQUESTS, startHarness } from './support';

/**
 * The Graph reads behind default approvers and nested approver groups (FIDELITY.md): who holds a role now
 * (`roleAssignments`, DOCS rbacapplication-list-roleassignments.md), a group's members with nested groups
 * followed (`transitiveMembers`, DOCS group-list-transitivemembers.md), and a policy requiring approval with no
 * approver named (Entra docs, pim-how-to-change-default-settings). Expected people are the fixture's
 * (test/support/default-approver-tenant.ts).
 */

const {
  requester: adele,
  approver: megan,
  secondApprover: nestor,
  noAccess: lee,
  admin: isaiah,
  breakGlass,
} = demoUsers;
const ROLES = '/v1.0/roleManagement/directory';
const features = GraphContract.load({ family: 'features' });
const holdersOf = (roleId: string) =>
  `${ROLES}/roleAssignments?$filter=roleDefinitionId eq '${roleId}'&$expand=principal`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness(defaultApproverTenant);
});
afterAll(() => h.close());
beforeEach(() => h.reset());

describe('GET roleManagement/directory/roleAssignments', () => {
  it("lists the role's holders now, each principal once, with $expand=principal (held to Microsoft's description)", async () => {
    activateHolders(h.sim);
    const app = await h.asApp(['RoleManagement.Read.Directory']);
    const pra = await app.get<Collection<UnifiedRoleAssignment>>(holdersOf(demoRoles.privilegedRoleAdministrator));
    expect(pra.status).toBe(200);
    expect(
      features.check({
        method: 'GET',
        url: holdersOf(demoRoles.privilegedRoleAdministrator),
        status: 200,
        responseBody: pra.body,
      }),
    ).toEqual([]);
    expect(pra.body.value.map((a) => a.principalId).sort()).toEqual([isaiah.id, lee.id, adele.id].sort());
    expect(pra.body.value.every((a) => a.roleDefinitionId === demoRoles.privilegedRoleAdministrator)).toBe(true);
    const lees = pra.body.value.find((a) => a.principalId === lee.id);
    expect(lees?.principal).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      id: lee.id,
      displayName: lee.displayName,
    });

    const ga = await app.get<Collection<UnifiedRoleAssignment>>(holdersOf(demoRoles.globalAdministrator));
    // The group is the principal; its members are not listed one by one. Megan is only eligible.
    expect(ga.body.value.map((a) => a.principalId).sort()).toEqual([breakGlass.id, tier0Admins.id].sort());
    expect(
      (ga.body.value.find((a) => a.principalId === tier0Admins.id)?.principal as Record<string, unknown> | undefined)?.[
        '@odata.type'
      ],
    ).toBe('#microsoft.graph.group');
  });

  it('an activation ends: its holder is gone', async () => {
    activateHolders(h.sim);
    h.clock.advance(2 * 3_600_000 + 1_000);
    const app = await h.asApp(['RoleManagement.Read.Directory']);
    const pra = await app.get<Collection<UnifiedRoleAssignment>>(holdersOf(demoRoles.privilegedRoleAdministrator));
    expect(pra.body.value.map((a) => a.principalId)).toEqual([isaiah.id]);
  });

  it('needs a role-management read permission (RoleAssignmentSchedule.Read.Directory is not one)', async () => {
    const res = await (await h.asApp(['RoleAssignmentSchedule.Read.Directory'])).get(
      holdersOf(demoRoles.globalAdministrator),
    );
    expect(res.status).toBe(403);
  });
});

describe('GET /groups/{id}/transitiveMembers', () => {
  it('follows nested groups; the cast to users keeps the users', async () => {
    const app = await h.asApp(['GroupMember.Read.All']);
    const all = await app.get<Collection<DirectoryObject>>(`/v1.0/groups/${changeApprovers.id}/transitiveMembers`);
    expect(all.body.value.map((m) => m.id).sort()).toEqual([emeaApprovers.id, lee.id].sort());
    const users = await h.request<Collection<User>>(
      'GET',
      `/v1.0/groups/${changeApprovers.id}/transitiveMembers/microsoft.graph.user?$count=true&$select=id,displayName`,
      { token: app.token, headers: { ConsistencyLevel: 'eventual' } },
    );
    expect(users.status).toBe(200);
    expect(users.body.value).toEqual([{ id: lee.id, displayName: lee.displayName }]);
    expect((users.body as unknown as Record<string, unknown>)['@odata.context']).toMatch(/\$metadata#users/);
  });

  it('the cast is an advanced query: without ConsistencyLevel or $count=true it is refused', async () => {
    const app = await h.asApp(['GroupMember.Read.All']);
    const path = `/v1.0/groups/${changeApprovers.id}/transitiveMembers/microsoft.graph.user`;
    const noHeader = await app.get(`${path}?$count=true`);
    const noCount = await h.request('GET', path, { token: app.token, headers: { ConsistencyLevel: 'eventual' } });
    for (const res of [noHeader, noCount]) {
      expect(res.status).toBe(400);
      expect(res.error?.code).toBe('Request_UnsupportedQuery');
    }
  });
});

describe('approval required, no approver named', () => {
  it("the policy's approval rule says so; the request waits, and only active PRA/GA holders may decide", async () => {
    activateHolders(h.sim);
    const adeleApi = await h.as(adele);
    const policy = await adeleApi.get<Collection<{ policy: { rules: Array<Record<string, unknown>> } }>>(
      `/v1.0/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${demoRoles.globalAdministrator}'&$expand=policy($expand=rules)`,
    );
    const rule = policy.body.value[0]?.policy.rules.find((r) => r.id === 'Approval_EndUser_Assignment') as
      | { setting: { isApprovalRequired: boolean; approvalStages: Array<{ primaryApprovers: unknown[] }> } }
      | undefined;
    expect(rule?.setting.isApprovalRequired).toBe(true);
    expect(rule?.setting.approvalStages[0]?.primaryApprovers).toEqual([]);
    const created = await adeleApi.post<{ id: string; status: string; approvalId: string }>(
      ROLE_REQUESTS,
      activateRole(adele.id, demoRoles.globalAdministrator, { justification: 'migration', duration: 'PT1H' }),
    );
    expect(created.status, JSON.stringify(created.error)).toBe(201);
    expect(created.body.status).toBe('PendingApproval');
    const approver = async (user: typeof adele) =>
      (
        await (
          await h.as(user)
        ).get<Collection<{ id: string }>>(`${ROLES}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')`)
      ).body.value.map((r) => r.id);
    for (const holder of [isaiah, breakGlass, lee, nestor]) expect(await approver(holder)).toEqual([created.body.id]);
    for (const outsider of [adele, megan]) expect(await approver(outsider)).toEqual([]);
  });
});
