import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVER_ROLES, defaultApprovers } from '../../src/approvals/default-approvers';
import type { DirectoryUser, RoleHolder } from '../../src/pim/directory-client';

/**
 * The holders the Graph simulator cannot model: a service principal holding Global Administrator (the
 * simulator's tenant has users and groups only) and a Privileged Role Administrator scoped to an administrative
 * unit. Graph's answers are given as rows of `roleAssignments?$expand=principal` (DOCS
 * rbacapplication-list-roleassignments.md); the HTTP path is covered by test/bot/default-approvers.test.ts.
 */

const PRA = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const GA = '62e90394-69f5-4237-9190-012177145e10';
const user = (id: string, displayName: string): DirectoryUser => ({
  id,
  displayName,
  userPrincipalName: null,
  mail: null,
});
const holder = (principalId: string, kind: RoleHolder['kind'], directoryScopeId = '/'): RoleHolder => ({
  principalId,
  kind,
  directoryScopeId,
  displayName: principalId.toUpperCase(),
});

function directory(holders: Record<string, RoleHolder[]>, members: Record<string, DirectoryUser[]> = {}) {
  const asked: string[] = [];
  return {
    asked,
    listRoleHolders: async (roleId: string) => {
      asked.push(roleId);
      return holders[roleId] ?? [];
    },
    listGroupUsersTransitive: async (groupId: string) => members[groupId] ?? [],
  };
}

describe('defaultApprovers', () => {
  it('asks for both roles the docs name: Privileged Role Administrator and Global Administrator', async () => {
    const d = directory({});
    expect(await defaultApprovers(d, 'requester')).toEqual([]);
    expect(d.asked.sort()).toEqual([PRA, GA].sort());
    expect(DEFAULT_APPROVER_ROLES.map((r) => r.id).sort()).toEqual([PRA, GA].sort());
  });

  it('skips service principals and holders scoped to an administrative unit; a group counts by its users', async () => {
    const d = directory(
      {
        [GA]: [holder('app', 'servicePrincipal'), holder('ga-user', 'user'), holder('tier0', 'group')],
        [PRA]: [holder('au-admin', 'user', '/administrativeUnits/c7d8e9f0'), holder('ga-user', 'user')],
      },
      { tier0: [user('member', 'Member One')] },
    );
    const approvers = await defaultApprovers(d, 'requester');
    expect(approvers.map((a) => a.aadObjectId).sort()).toEqual(['ga-user', 'member']);
    expect(approvers.find((a) => a.aadObjectId === 'member')?.name).toBe('Member One');
  });

  it('never lists the requester, whatever the case of the id', async () => {
    const d = directory({ [GA]: [holder('Requester', 'user'), holder('other', 'user')] });
    expect((await defaultApprovers(d, 'rEqUeStEr')).map((a) => a.aadObjectId)).toEqual(['other']);
  });
});
