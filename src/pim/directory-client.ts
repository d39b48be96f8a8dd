import type { Group, User } from '@microsoft/microsoft-graph-types';
import { GraphCallFailed, type GraphTransport } from './graph-transport';
import { toPimError } from './pim-error';

export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string | null;
  mail: string | null;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
}

function toUser(u: User): DirectoryUser {
  return {
    id: u.id ?? '',
    displayName: u.displayName ?? u.userPrincipalName ?? u.id ?? 'Unknown user',
    userPrincipalName: u.userPrincipalName ?? null,
    mail: u.mail ?? null,
  };
}

/**
 * Directory reads with the bot's own app-only credential: who the approvers in a group are, a user's
 * name and manager. Never used for PIM actions, which Graph only accepts on behalf of a user.
 */
export class DirectoryClient {
  constructor(private readonly graph: GraphTransport) {}

  async getUser(idOrUpn: string): Promise<DirectoryUser> {
    return this.run(async () =>
      toUser(
        await this.graph.get<User>(
          `/users/${encodeURIComponent(idOrUpn)}?$select=id,displayName,userPrincipalName,mail`,
        ),
      ),
    );
  }

  /** The user's manager (for requestorManager approvers), or undefined when none is set. */
  async getManager(userId: string): Promise<DirectoryUser | undefined> {
    try {
      return await this.run(async () =>
        toUser(
          await this.graph.get<User>(
            `/users/${encodeURIComponent(userId)}/manager?$select=id,displayName,userPrincipalName,mail`,
          ),
        ),
      );
    } catch (err) {
      if (err instanceof Error && 'kind' in err && (err as { kind: string }).kind === 'NotFound') return undefined;
      throw err;
    }
  }

  /** A group's id and display name (e.g. to name a PIM for Groups activation). */
  async getGroup(groupId: string): Promise<DirectoryGroup> {
    return this.run(async () => {
      const g = await this.graph.get<Group>(`/groups/${encodeURIComponent(groupId)}?$select=id,displayName`);
      return { id: g.id ?? groupId, displayName: g.displayName ?? g.id ?? groupId };
    });
  }

  /** Transitive members are not needed: PIM expands groupMembers approvers one level. */
  async listGroupMembers(groupId: string): Promise<DirectoryUser[]> {
    return this.run(async () =>
      (
        await this.graph.list<User & { '@odata.type'?: string }>(
          `/groups/${encodeURIComponent(groupId)}/members?$select=id,displayName,userPrincipalName,mail`,
        )
      )
        .filter((m) => !m['@odata.type'] || m['@odata.type'] === '#microsoft.graph.user')
        .map(toUser),
    );
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof GraphCallFailed) throw toPimError(err.failure, { operation: 'read' });
      throw err;
    }
  }
}
