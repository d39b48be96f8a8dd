import { z } from 'zod';
import type {
  FixtureActivationPolicy,
  FixtureAdministrativeUnit,
  FixtureGroup,
  FixtureRoleDefinition,
  FixtureUser,
  TenantFixture,
} from '../tenant/tenant-fixture';
import { accessReviewProblems, accessReviewsFixtureSchema } from './access-review-fixture-checks';
import { parseDuration } from './duration';
import { sameId, stableGuid } from './ids';
import type {
  GroupEligibility,
  PermanentGroupAssignment,
  PermanentRoleAssignment,
  RoleEligibility,
} from './tenant-entities';
import { indexTenant, type TenantIndex } from './tenant-index';

export type {
  GroupEligibility,
  PermanentGroupAssignment,
  PermanentRoleAssignment,
  RoleEligibility,
} from './tenant-entities';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time');
const duration = z.string().refine((s) => (parseDuration(s) ?? -1) > 0, 'must be a positive ISO 8601 duration');

const approverSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('singleUser'), userId: guid, description: z.string().optional() }),
  z.object({ type: z.literal('groupMembers'), groupId: guid, description: z.string().optional() }),
  z.object({ type: z.literal('requestorManager'), managerLevel: z.number().int().min(1) }),
]);

const activationSchema = z.object({
  maximumDuration: duration,
  enabledRules: z.array(z.enum(['MultiFactorAuthentication', 'Justification', 'Ticketing'])),
  approvers: z.array(approverSchema).optional(),
  requiresApproval: z.boolean().optional(),
  authenticationContext: z
    .string()
    .regex(/^c([1-9]|[1-9]\d)$/)
    .optional(),
  approverJustificationRequired: z.boolean().optional(),
});

const accessId = z.enum(['member', 'owner']);

export const tenantFixtureSchema = z.object({
  tenantId: guid,
  domain: z.string().min(1),
  displayName: z.string().min(1),
  users: z.array(
    z.object({
      id: guid,
      displayName: z.string(),
      userPrincipalName: z.string().min(3),
      mail: z.string().optional(),
      jobTitle: z.string().optional(),
      managerId: guid.optional(),
    }),
  ),
  groups: z.array(
    z.object({
      id: guid,
      displayName: z.string(),
      description: z.string().optional(),
      isAssignableToRole: z.boolean().optional(),
      memberIds: z.array(guid),
    }),
  ),
  roleDefinitions: z.array(
    z.object({
      id: guid,
      displayName: z.string(),
      description: z.string(),
      isBuiltIn: z.boolean(),
      templateId: guid,
    }),
  ),
  rolePolicies: z.array(z.object({ roleDefinitionId: guid, policyGuid: guid, activation: activationSchema })),
  groupPolicies: z.array(z.object({ groupId: guid, accessId, policyGuid: guid, activation: activationSchema })),
  roleEligibilities: z.array(
    z.object({
      principalId: guid,
      roleDefinitionId: guid,
      directoryScopeId: z.string(),
      startDateTime: isoDate.optional(),
      endDateTime: isoDate.optional(),
    }),
  ),
  groupEligibilities: z.array(
    z.object({
      principalId: guid,
      groupId: guid,
      accessId,
      startDateTime: isoDate.optional(),
      endDateTime: isoDate.optional(),
    }),
  ),
  roleAssignments: z.array(z.object({ principalId: guid, roleDefinitionId: guid, directoryScopeId: z.string() })),
  teamsApps: z
    .array(
      z.object({
        id: z.string().min(1),
        externalId: z.string().min(1),
        displayName: z.string(),
        distributionMethod: z.enum(['store', 'organization', 'sideloaded']),
        version: z.string().min(1),
        azureADAppId: guid.optional(),
        installedFor: z.array(guid).optional(),
      }),
    )
    .optional(),
  administrativeUnits: z
    .array(z.object({ id: guid, displayName: z.string(), description: z.string().optional() }))
    .optional(),
  accessReviews: accessReviewsFixtureSchema.optional(),
});

export class FixtureError extends Error {}

/** Validates a fixture received as JSON (control API) or in process. */
export function parseFixture(input: unknown): TenantFixture {
  const result = tenantFixtureSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new FixtureError(`Invalid tenant fixture: ${issues}`);
  }
  return result.data;
}

export interface ResolvedPolicy {
  /** 'DirectoryRole_{tenantId}_{guid}' or 'Group_{groupId}_{guid}' */
  id: string;
  kind: 'role' | 'group';
  roleDefinitionId: string | null;
  groupId: string | null;
  accessId: 'member' | 'owner' | null;
  activation: FixtureActivationPolicy;
  /** True when the fixture has no policy for this role/group and Entra's defaults apply. */
  isDefault: boolean;
  /** Policy assignment id: '{policyId}_{roleDefinitionId}' or '{policyId}_{accessId}'. */
  assignmentId: string;
  maximumDurationMs: number;
}

/** Entra's defaults for a role or group nobody configured. */
export const DEFAULT_ACTIVATION: FixtureActivationPolicy = {
  maximumDuration: 'PT8H',
  enabledRules: ['MultiFactorAuthentication', 'Justification'],
};

const key = (s: string): string => s.toLowerCase();

/** The fixture plus the lookups and derived objects (ids, defaults) the simulator works with. */
export class LoadedTenant {
  readonly fixture: TenantFixture;
  readonly tenantId: string;
  readonly loadedAt: Date;
  readonly users = new Map<string, FixtureUser>();
  readonly usersByUpn = new Map<string, FixtureUser>();
  readonly groups = new Map<string, FixtureGroup>();
  readonly roles = new Map<string, FixtureRoleDefinition>();
  readonly policiesById = new Map<string, ResolvedPolicy>();
  readonly roleEligibilities: RoleEligibility[];
  readonly groupEligibilities: GroupEligibility[];
  readonly roleAssignments: PermanentRoleAssignment[];
  readonly groupAssignments: PermanentGroupAssignment[];
  /** Groups onboarded to PIM for Groups (they have a policy or an eligibility). */
  readonly pimGroupIds: string[];
  /** The lists above by principal, id and group (key-index.ts), each in the list's own order. */
  readonly index: TenantIndex;
  private readonly rolePolicies = new Map<string, ResolvedPolicy>();
  private readonly groupPolicies = new Map<string, ResolvedPolicy>();

  constructor(fixture: TenantFixture, now: Date) {
    this.fixture = fixture;
    this.tenantId = fixture.tenantId;
    this.loadedAt = now;
    const defaultStart = new Date(now.getTime() - 30 * 86_400_000);
    for (const u of fixture.users) {
      this.users.set(key(u.id), u);
      this.usersByUpn.set(key(u.userPrincipalName), u);
    }
    for (const g of fixture.groups) this.groups.set(key(g.id), g);
    for (const r of fixture.roleDefinitions) this.roles.set(key(r.id), r);
    this.checkReferences();

    for (const p of fixture.rolePolicies) {
      this.addPolicy(this.rolePolicy(p.roleDefinitionId, p.policyGuid, p.activation, false));
    }
    for (const r of fixture.roleDefinitions) {
      if (!this.rolePolicies.has(key(r.id))) {
        this.addPolicy(
          this.rolePolicy(r.id, stableGuid('default-role-policy', this.tenantId, r.id), DEFAULT_ACTIVATION, true),
        );
      }
    }
    for (const p of fixture.groupPolicies) {
      this.addPolicy(this.groupPolicy(p.groupId, p.accessId, p.policyGuid, p.activation, false));
    }
    const pimGroups = new Set<string>([
      ...fixture.groupPolicies.map((p) => key(p.groupId)),
      ...fixture.groupEligibilities.map((e) => key(e.groupId)),
    ]);
    this.pimGroupIds = [...pimGroups].map((id) => this.groups.get(id)?.id ?? id);
    for (const groupId of this.pimGroupIds) {
      for (const access of ['member', 'owner'] as const) {
        if (!this.groupPolicies.has(`${key(groupId)}_${access}`)) {
          const policyGuid = stableGuid('default-group-policy', groupId, access);
          this.addPolicy(this.groupPolicy(groupId, access, policyGuid, DEFAULT_ACTIVATION, true));
        }
      }
    }

    this.roleEligibilities = fixture.roleEligibilities.map((e) => ({
      id: stableGuid('role-eligibility', e.principalId, e.roleDefinitionId, e.directoryScopeId),
      instanceId: stableGuid('role-eligibility-instance', e.principalId, e.roleDefinitionId, e.directoryScopeId),
      principalId: e.principalId,
      roleDefinitionId: e.roleDefinitionId,
      directoryScopeId: e.directoryScopeId,
      start: e.startDateTime ? new Date(e.startDateTime) : defaultStart,
      end: e.endDateTime ? new Date(e.endDateTime) : null,
    }));
    this.groupEligibilities = fixture.groupEligibilities.map((e) => ({
      id: stableGuid('group-eligibility', e.principalId, e.groupId, e.accessId),
      instanceId: stableGuid('group-eligibility-instance', e.principalId, e.groupId, e.accessId),
      principalId: e.principalId,
      groupId: e.groupId,
      accessId: e.accessId,
      start: e.startDateTime ? new Date(e.startDateTime) : defaultStart,
      end: e.endDateTime ? new Date(e.endDateTime) : null,
    }));
    this.roleAssignments = fixture.roleAssignments.map((a) => ({
      id: stableGuid('role-assignment', a.principalId, a.roleDefinitionId, a.directoryScopeId),
      // Not a GUID: instances of permanent assignments carry the role assignment's own id (base64url with
      // a "-1-e" suffix in real tenants; FIDELITY.md).
      instanceId: `${Buffer.from(stableGuid('role-assignment-instance', a.principalId, a.roleDefinitionId, a.directoryScopeId).replace(/-/g, ''), 'hex').toString('base64url')}-1-e`,
      principalId: a.principalId,
      roleDefinitionId: a.roleDefinitionId,
      directoryScopeId: a.directoryScopeId,
      start: defaultStart,
    }));
    this.groupAssignments = this.pimGroupIds.flatMap((groupId) =>
      (this.group(groupId)?.memberIds ?? []).map((principalId) => ({
        id: `${groupId}_member_${stableGuid('group-assignment', groupId, principalId)}`,
        instanceId: stableGuid('group-assignment-instance', groupId, principalId),
        principalId,
        groupId,
        accessId: 'member' as const,
        start: defaultStart,
      })),
    );
    this.index = indexTenant(this);
  }

  user(id: string): FixtureUser | undefined {
    return this.users.get(key(id));
  }

  userByIdOrUpn(idOrUpn: string): FixtureUser | undefined {
    return this.users.get(key(idOrUpn)) ?? this.usersByUpn.get(key(idOrUpn));
  }

  group(id: string): FixtureGroup | undefined {
    return this.groups.get(key(id));
  }

  /** The administrative unit a directory scope names (`/administrativeUnits/{id}`), if the fixture has it. */
  administrativeUnitOfScope(directoryScopeId: string | null): FixtureAdministrativeUnit | undefined {
    const id = /^\/administrativeUnits\/([^/]+)$/i.exec(directoryScopeId ?? '')?.[1];
    return id ? (this.fixture.administrativeUnits ?? []).find((u) => sameId(u.id, id)) : undefined;
  }

  role(id: string): FixtureRoleDefinition | undefined {
    return this.roles.get(key(id));
  }

  policyForRole(roleDefinitionId: string): ResolvedPolicy | undefined {
    return this.rolePolicies.get(key(roleDefinitionId));
  }

  policyForGroup(groupId: string, accessId: 'member' | 'owner'): ResolvedPolicy | undefined {
    return this.groupPolicies.get(`${key(groupId)}_${accessId}`);
  }

  policy(id: string): ResolvedPolicy | undefined {
    return this.policiesById.get(key(id));
  }

  allRolePolicies(): ResolvedPolicy[] {
    return [...this.rolePolicies.values()];
  }

  allGroupPolicies(): ResolvedPolicy[] {
    return [...this.groupPolicies.values()];
  }

  private rolePolicy(
    roleDefinitionId: string,
    policyGuid: string,
    activation: FixtureActivationPolicy,
    isDefault: boolean,
  ): ResolvedPolicy {
    const id = `DirectoryRole_${this.tenantId}_${policyGuid}`;
    return {
      id,
      kind: 'role',
      roleDefinitionId,
      groupId: null,
      accessId: null,
      activation,
      isDefault,
      assignmentId: `${id}_${roleDefinitionId}`,
      maximumDurationMs: parseDuration(activation.maximumDuration) ?? 8 * 3_600_000,
    };
  }

  private groupPolicy(
    groupId: string,
    accessId: 'member' | 'owner',
    policyGuid: string,
    activation: FixtureActivationPolicy,
    isDefault: boolean,
  ): ResolvedPolicy {
    const id = `Group_${groupId}_${policyGuid}`;
    return {
      id,
      kind: 'group',
      roleDefinitionId: null,
      groupId,
      accessId,
      activation,
      isDefault,
      assignmentId: `${id}_${accessId}`,
      maximumDurationMs: parseDuration(activation.maximumDuration) ?? 8 * 3_600_000,
    };
  }

  private addPolicy(p: ResolvedPolicy): void {
    this.policiesById.set(key(p.id), p);
    if (p.kind === 'role' && p.roleDefinitionId) this.rolePolicies.set(key(p.roleDefinitionId), p);
    if (p.kind === 'group' && p.groupId && p.accessId) this.groupPolicies.set(`${key(p.groupId)}_${p.accessId}`, p);
  }

  private checkReferences(): void {
    const f = this.fixture;
    const problems: string[] = [];
    const principal = (id: string): boolean => this.users.has(key(id)) || this.groups.has(key(id));
    for (const u of f.users) {
      if (u.managerId && !this.users.has(key(u.managerId))) problems.push(`user ${u.id}: unknown managerId`);
    }
    for (const g of f.groups) {
      for (const m of g.memberIds) if (!principal(m)) problems.push(`group ${g.id}: unknown member ${m}`);
    }
    const policies = [...f.rolePolicies.map((p) => p.activation), ...f.groupPolicies.map((p) => p.activation)];
    for (const a of policies) {
      for (const ap of a.approvers ?? []) {
        if (ap.type === 'singleUser' && !this.users.has(key(ap.userId)))
          problems.push(`approver: unknown user ${ap.userId}`);
        if (ap.type === 'groupMembers' && !this.groups.has(key(ap.groupId))) {
          problems.push(`approver: unknown group ${ap.groupId}`);
        }
      }
    }
    for (const p of f.rolePolicies) {
      if (!this.roles.has(key(p.roleDefinitionId))) problems.push(`rolePolicy: unknown role ${p.roleDefinitionId}`);
    }
    for (const p of f.groupPolicies) {
      if (!this.groups.has(key(p.groupId))) problems.push(`groupPolicy: unknown group ${p.groupId}`);
    }
    for (const e of f.roleEligibilities) {
      if (!principal(e.principalId)) problems.push(`roleEligibility: unknown principal ${e.principalId}`);
      if (!this.roles.has(key(e.roleDefinitionId)))
        problems.push(`roleEligibility: unknown role ${e.roleDefinitionId}`);
    }
    for (const e of f.groupEligibilities) {
      if (!principal(e.principalId)) problems.push(`groupEligibility: unknown principal ${e.principalId}`);
      if (!this.groups.has(key(e.groupId))) problems.push(`groupEligibility: unknown group ${e.groupId}`);
    }
    for (const a of f.roleAssignments) {
      if (!principal(a.principalId)) problems.push(`roleAssignment: unknown principal ${a.principalId}`);
      if (!this.roles.has(key(a.roleDefinitionId))) problems.push(`roleAssignment: unknown role ${a.roleDefinitionId}`);
    }
    problems.push(
      ...accessReviewProblems(
        f.accessReviews ?? [],
        (id) => this.users.has(key(id)),
        (id) => this.roles.has(key(id)),
      ),
    );
    if (problems.length) throw new FixtureError(`Invalid tenant fixture: ${problems.join('; ')}`);
  }
}
