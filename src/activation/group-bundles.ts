import type { AssignmentInstance } from '../pim/pim-types';
import { TtlCache } from '../shared/ttl-cache';

/** What the bundles read, with the bot's own app-only credential (PimActivityReader). */
export interface BundleReader {
  listRoleAssignmentInstances(principalId: string): Promise<AssignmentInstance[]>;
  roleName(roleDefinitionId: string): Promise<string>;
}

/**
 * The Entra roles a role-assignable group grants its members (PIM for Groups "bundles"): the role
 * assignments whose principal is the group, read app-only from roleAssignmentScheduleInstances filtered on
 * `principalId` (RoleAssignmentSchedule.Read.Directory, role names with RoleManagement.Read.Directory:
 * src/pim/graph-permissions.ts; a user may not list others' assignments). Rarely changes and is the same for everyone: cached.
 */
export class GroupBundles {
  private readonly roles: TtlCache<string[]>;
  private readonly names: TtlCache<string>;

  constructor(
    private readonly reader: BundleReader,
    now: () => Date = () => new Date(),
    ttlMs = 10 * 60_000,
  ) {
    const clock = () => now().getTime();
    this.roles = new TtlCache(ttlMs, 1_000, clock);
    this.names = new TtlCache(ttlMs, 1_000, clock);
  }

  /** Role names (with their scope when not tenant-wide), sorted; empty for a group that grants none. */
  rolesOf(groupId: string): Promise<string[]> {
    return this.roles.getOrLoad(groupId.toLowerCase(), async () => {
      const instances = await this.reader.listRoleAssignmentInstances(groupId);
      const roleIds = new Set<string>();
      for (const i of instances) if (i.target.kind === 'role') roleIds.add(i.target.roleDefinitionId.toLowerCase());
      const names = await Promise.all(
        [...roleIds].map((id) => this.names.getOrLoad(id, () => this.reader.roleName(id))),
      );
      return names.sort((a, b) => a.localeCompare(b));
    });
  }
}
