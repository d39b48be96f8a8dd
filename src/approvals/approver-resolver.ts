import type { DirectoryClient } from '../pim/directory-client';
import type { PolicyApprover } from '../pim/pim-types';
import type { Person } from '../requests/pim-request';

/**
 * The people who approve a request, each once (ids compared without case), in the order they were added;
 * never the requester.
 */
export function approverSet(requesterId: string): { add(id: string, name: string): void; found: Map<string, Person> } {
  const found = new Map<string, Person>();
  const requester = requesterId.toLowerCase();
  return {
    found,
    add(id, name) {
      const key = id.toLowerCase();
      if (key !== requester && !found.has(key)) found.set(key, { aadObjectId: id, name });
    },
  };
}

/**
 * Who may approve, as PIM sees it: single users, members of approver groups (read with the bot's
 * app-only identity; nested groups followed, [3p] UNVERIFIED: DirectoryClient.listGroupUsersTransitive) and
 * the requester's manager. The requester is never their own approver.
 */
export async function resolveApprovers(
  directory: DirectoryClient,
  approvers: readonly PolicyApprover[],
  requesterId: string,
): Promise<Person[]> {
  const { add, found } = approverSet(requesterId);
  for (const approver of approvers) {
    if (approver.type === 'user') {
      const user = await directory.getUser(approver.userId).catch(() => undefined);
      add(approver.userId, user?.displayName ?? approver.description ?? approver.userId);
    } else if (approver.type === 'group') {
      for (const member of await directory.listGroupUsersTransitive(approver.groupId))
        add(member.id, member.displayName);
    } else {
      const manager = await directory.getManager(requesterId);
      if (manager) add(manager.id, manager.displayName);
    }
  }
  return [...found.values()];
}
