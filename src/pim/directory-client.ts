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

const USER_SELECT = '$select=id,displayName,userPrincipalName,mail';

/** The holder of a role assignment, by the type Graph names in the expanded principal's `@odata.type`. */
export interface RoleHolder {
  principalId: string;
  /** '/' for tenant-wide. */
  directoryScopeId: string;
  kind: 'user' | 'group' | 'servicePrincipal' | 'other';
  displayName: string | null;
}

interface WireRoleAssignment {
  principalId?: string | null;
  directoryScopeId?: string | null;
  principal?: { '@odata.type'?: string; id?: string; displayName?: string | null } | null;
}

const HOLDER_KINDS = ['user', 'group', 'servicePrincipal'] as const;

function toRoleHolder(a: WireRoleAssignment): RoleHolder {
  const type = (a.principal?.['@odata.type'] ?? '').replace(/^#?microsoft\.graph\./i, '');
  return {
    principalId: a.principalId ?? a.principal?.id ?? '',
    directoryScopeId: a.directoryScopeId ?? '/',
    kind: HOLDER_KINDS.find((k) => k.toLowerCase() === type.toLowerCase()) ?? 'other',
    displayName: a.principal?.displayName ?? null,
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

  /**
   * The users in a group, nested groups followed (approver groups: "Groups for approvers can be nested", [3p]
   * SpecterOps BloodHound, UNVERIFIED by Microsoft). The OData cast to users is an advanced query: Graph wants
   * `ConsistencyLevel: eventual` and `$count=true` with it (DOCS group-list-transitivemembers.md,
   * concepts/aad-advanced-queries.md), so a member added moments ago may be missing for a short while.
   */
  async listGroupUsersTransitive(groupId: string): Promise<DirectoryUser[]> {
    return this.run(async () =>
      (
        await this.graph.list<User>(
          `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$count=true&${USER_SELECT}`,
          'v1.0',
          { ConsistencyLevel: 'eventual' },
        )
      ).map(toUser),
    );
  }

  /**
   * Who holds a directory role now (permanent or activated), each with the principal Graph expanded: users,
   * role-assignable groups and service principals, as Graph lists them (no member of a group one by one).
   * `roleAssignments?$filter=roleDefinitionId eq '…'&$expand=principal` is the docs' own example
   * (DOCS rbacapplication-list-roleassignments.md, RoleManagement.Read.Directory).
   */
  async listRoleHolders(roleDefinitionId: string): Promise<RoleHolder[]> {
    const filter = encodeURIComponent(`roleDefinitionId eq '${roleDefinitionId.replaceAll("'", "''")}'`);
    return this.run(async () =>
      (
        await this.graph.list<WireRoleAssignment>(
          `/roleManagement/directory/roleAssignments?$filter=${filter}&$expand=principal`,
        )
      ).map(toRoleHolder),
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
