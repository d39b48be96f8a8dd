import { describe, expect, it } from 'vitest';
import { resolveApprovers } from '../../src/approvals/approver-resolver';
import type { DirectoryClient, DirectoryUser } from '../../src/pim/directory-client';
import type { PolicyApprover } from '../../src/pim/pim-types';

/**
 * Who may approve, as PIM's policy names them (unifiedRoleManagementPolicyApprovalRule's primaryApprovers:
 * singleUser, groupMembers, requestorManager): each person once, and never the requester themself.
 */

const REQUESTER = '0f1e2d3c-0000-4000-8000-00000000ade1';
const MEGAN = '0f1e2d3c-0000-4000-8000-0000000a3e6a';
const NESTOR = '0f1e2d3c-0000-4000-8000-0000000e5704';
const LIDIA = '0f1e2d3c-0000-4000-8000-0000000001d1';
const GROUP = '9a9a9a9a-0000-4000-8000-00000000a9a9';

/** A directory of a few people: users by id, one group, and the requester's manager (when set). */
function directory(options: { manager?: DirectoryUser; missingUsers?: string[] } = {}) {
  const users = new Map<string, DirectoryUser>([
    [MEGAN, { id: MEGAN, displayName: 'Megan Bowen' } as DirectoryUser],
    [NESTOR, { id: NESTOR, displayName: 'Nestor Wilke' } as DirectoryUser],
  ]);
  const calls: string[] = [];
  const client = {
    async getUser(id: string) {
      calls.push(`user ${id}`);
      const user = users.get(id);
      if (!user || options.missingUsers?.includes(id)) throw new Error('Request_ResourceNotFound');
      return user;
    },
    async listGroupUsersTransitive(groupId: string) {
      calls.push(`group ${groupId}`);
      return groupId === GROUP
        ? [
            { id: NESTOR, displayName: 'Nestor Wilke' },
            { id: LIDIA, displayName: 'Lidia Holloway' },
            { id: REQUESTER.toUpperCase(), displayName: 'Adele Vance' },
          ]
        : [];
    },
    async getManager(userId: string) {
      calls.push(`manager ${userId}`);
      return options.manager;
    },
  };
  return { client: client as unknown as DirectoryClient, calls };
}

const user = (userId: string, description: string | null = null): PolicyApprover => ({
  type: 'user',
  userId,
  description,
});

describe('resolveApprovers', () => {
  it('a single user, named as the directory names them', async () => {
    const { client } = directory();
    expect(await resolveApprovers(client, [user(MEGAN, 'Megan')], REQUESTER)).toEqual([
      { aadObjectId: MEGAN, name: 'Megan Bowen' },
    ]);
  });

  it('a user the directory cannot read is still an approver, named by the policy, else by id', async () => {
    const { client } = directory({ missingUsers: [MEGAN, NESTOR] });
    expect(await resolveApprovers(client, [user(MEGAN, 'Megan (policy)'), user(NESTOR)], REQUESTER)).toEqual([
      { aadObjectId: MEGAN, name: 'Megan (policy)' },
      { aadObjectId: NESTOR, name: NESTOR },
    ]);
  });

  it('every member of an approver group, but not the requester among them', async () => {
    const { client, calls } = directory();
    const approvers = await resolveApprovers(client, [{ type: 'group', groupId: GROUP, description: null }], REQUESTER);
    expect(approvers).toEqual([
      { aadObjectId: NESTOR, name: 'Nestor Wilke' },
      { aadObjectId: LIDIA, name: 'Lidia Holloway' },
    ]);
    expect(calls).toEqual([`group ${GROUP}`]);
  });

  it("the requester's manager, when the policy names requestorManager and a manager is set", async () => {
    const manager = { id: LIDIA, displayName: 'Lidia Holloway' } as DirectoryUser;
    const withManager = directory({ manager });
    expect(
      await resolveApprovers(withManager.client, [{ type: 'requestorManager', managerLevel: 1 }], REQUESTER),
    ).toEqual([{ aadObjectId: LIDIA, name: 'Lidia Holloway' }]);
    expect(withManager.calls).toEqual([`manager ${REQUESTER}`]);
    const without = directory();
    expect(await resolveApprovers(without.client, [{ type: 'requestorManager', managerLevel: 1 }], REQUESTER)).toEqual(
      [],
    );
  });

  it('each person once, in the order the policy gives them, whatever the letter case of the ids', async () => {
    const { client } = directory({ manager: { id: MEGAN.toUpperCase(), displayName: 'Megan B.' } as DirectoryUser });
    const approvers = await resolveApprovers(
      client,
      [
        user(MEGAN),
        { type: 'group', groupId: GROUP, description: null },
        user(NESTOR),
        { type: 'requestorManager', managerLevel: 1 },
      ],
      REQUESTER,
    );
    expect(approvers.map((a) => a.aadObjectId)).toEqual([MEGAN, NESTOR, LIDIA]);
    expect(approvers[0]).toEqual({ aadObjectId: MEGAN, name: 'Megan Bowen' });
  });

  it('the requester named as a single approver, or as their own manager, is left out', async () => {
    const { client } = directory({ manager: { id: REQUESTER, displayName: 'Adele Vance' } as DirectoryUser });
    expect(
      await resolveApprovers(
        client,
        [user(REQUESTER.toUpperCase(), 'Adele'), { type: 'requestorManager', managerLevel: 1 }],
        REQUESTER,
      ),
    ).toEqual([]);
  });
});
