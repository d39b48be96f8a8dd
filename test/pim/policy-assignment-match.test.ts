import type { UnifiedRoleManagementPolicyAssignment } from '@microsoft/microsoft-graph-types';
import { describe, expect, it } from 'vitest';
import { matchPolicyAssignment } from '../../src/pim/policy-assignment-match';

/*
 * Items shaped as DOCS microsoft-graph-docs-contrib api-reference/v1.0/api/policyroot-list-rolemanagementpolicyassignments.md
 * shows them: example 1 (Directory filter, not expanded) answers scopeType `Directory`, example 2
 * (expanded) answers `DirectoryRole`. The client must take either for a tenant-wide role.
 */
const TENANT = 'cab01047-8ad9-4792-8e42-569340767f1b';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const OTHER_ROLE = '2af84b1e-32c8-42b7-82bc-daa82404023b';

function item(scopeType: string, roleDefinitionId: string, scopeId = '/'): UnifiedRoleManagementPolicyAssignment {
  const policyId = `${scopeType}_${TENANT}_70c808b5-0d35-4863-a0ba-07888e99d448`;
  return { id: `${policyId}_${roleDefinitionId}`, policyId, scopeId, scopeType, roleDefinitionId };
}

describe('matchPolicyAssignment', () => {
  it('accepts both documented names of the tenant-wide role scope', () => {
    const role = { kind: 'role', roleDefinitionId: GLOBAL_ADMIN } as const;
    for (const scopeType of ['Directory', 'DirectoryRole']) {
      expect(matchPolicyAssignment([item(scopeType, GLOBAL_ADMIN)], role)?.scopeType).toBe(scopeType);
    }
  });

  it("never applies another role's policy when the answer is wider than the filter", () => {
    const answer = [item('DirectoryRole', OTHER_ROLE), item('DirectoryRole', GLOBAL_ADMIN.toUpperCase())];
    const picked = matchPolicyAssignment(answer, { kind: 'role', roleDefinitionId: GLOBAL_ADMIN });
    expect(picked?.roleDefinitionId).toBe(GLOBAL_ADMIN.toUpperCase());
    expect(
      matchPolicyAssignment([item('DirectoryRole', OTHER_ROLE)], { kind: 'role', roleDefinitionId: GLOBAL_ADMIN }),
    ).toBeUndefined();
  });

  it('matches a group policy by group id, member/owner and the Group scope type only', () => {
    const groupId = 'd5f0ad2e-6b34-401b-b6da-0c8fc2c5a3fc';
    const target = { kind: 'group', groupId, accessId: 'member' } as const;
    expect(
      matchPolicyAssignment([item('Group', 'owner', groupId), item('Group', 'member', groupId)], target)
        ?.roleDefinitionId,
    ).toBe('member');
    expect(matchPolicyAssignment([item('Directory', 'member', groupId)], target)).toBeUndefined();
  });
});
