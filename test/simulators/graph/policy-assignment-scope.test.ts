import type { UnifiedRoleManagementPolicyAssignment } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRoles, demoTenant, demoUsers } from '../../../simulators/tenant/demo-tenant';
import { type Collection, type GraphCaller, type Harness, startHarness } from './support';

/*
 * GET /policies/roleManagementPolicyAssignments: the tenant-wide role scope may be filtered as
 * `Directory` or `DirectoryRole`, and an expanded answer says `DirectoryRole` with an @odata.context
 * that names the expansion. Expected values come from DOCS microsoft-graph-docs-contrib
 * api-reference/v1.0/api/policyroot-list-rolemanagementpolicyassignments.md (query parameters; examples 1 and 2).
 */
const ASSIGNMENTS = '/v1.0/policies/roleManagementPolicyAssignments';
const EXPANDED_CONTEXT = '$metadata#policies/roleManagementPolicyAssignments(policy(rules()))';
const PLAIN_CONTEXT = '$metadata#policies/roleManagementPolicyAssignments';

let h: Harness;
let adele: GraphCaller;
beforeAll(async () => {
  h = await startHarness();
  adele = await h.as(demoUsers.requester);
});
afterAll(() => h.close());

function query(scopeType: string, roleDefinitionId: string | null, expand: boolean): string {
  const role = roleDefinitionId ? ` and roleDefinitionId eq '${roleDefinitionId}'` : '';
  const filter = encodeURIComponent(`scopeId eq '/' and scopeType eq '${scopeType}'${role}`);
  return `${ASSIGNMENTS}?$filter=${filter}${expand ? `&$expand=${encodeURIComponent('policy($expand=rules)')}` : ''}`;
}

describe('policy assignments: the Directory / DirectoryRole scope names', () => {
  it('answers DirectoryRole items for a Directory filter with $expand=policy, without dropping them', async () => {
    const res = await adele.get<Collection<UnifiedRoleManagementPolicyAssignment>>(
      query('Directory', demoRoles.globalAdministrator, true),
    );
    expect(res.status).toBe(200);
    console.log(
      `[shape] Directory filter + $expand=policy: ${res.body.value.length} item(s), scopeType ${res.body.value[0]?.scopeType}, context ...#${res.body['@odata.context'].split('#')[1]}`,
    );
    expect(res.body.value).toHaveLength(1);
    const [a] = res.body.value;
    expect(a?.roleDefinitionId).toBe(demoRoles.globalAdministrator);
    expect(a?.scopeType).toBe('DirectoryRole');
    expect(a?.policy?.scopeType).toBe('DirectoryRole');
    expect(a?.policy?.rules).toHaveLength(17);
    expect(res.body['@odata.context'].endsWith(EXPANDED_CONTEXT)).toBe(true);
  });

  it('answers the docs sample request (DirectoryRole filter + expand) the same way', async () => {
    const res = await adele.get<Collection<UnifiedRoleManagementPolicyAssignment>>(
      query('DirectoryRole', demoRoles.globalAdministrator, true),
    );
    expect(res.body.value.map((a) => a.scopeType)).toEqual(['DirectoryRole']);
    expect(res.body['@odata.context'].endsWith(EXPANDED_CONTEXT)).toBe(true);
  });

  it('echoes the Directory name when nothing is expanded, and lists every role policy', async () => {
    const res = await adele.get<Collection<UnifiedRoleManagementPolicyAssignment>>(query('Directory', null, false));
    expect(res.body.value).toHaveLength(demoTenant.roleDefinitions.length);
    expect(new Set(res.body.value.map((a) => a.scopeType))).toEqual(new Set(['Directory']));
    expect(res.body['@odata.context'].endsWith(PLAIN_CONTEXT)).toBe(true);
  });

  it('still filters by roleDefinitionId after selecting the scope', async () => {
    const res = await adele.get<Collection<UnifiedRoleManagementPolicyAssignment>>(
      query('Directory', '00000000-0000-0000-0000-000000000000', true),
    );
    expect(res.body.value).toEqual([]);
  });
});
