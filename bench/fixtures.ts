import type {
  FixtureActivationPolicy,
  FixtureRoleDefinition,
  FixtureRoleEligibility,
  FixtureRolePolicy,
  FixtureUser,
  TenantFixture,
} from '../simulators/tenant/tenant-fixture';
import { demoRoles } from '../simulators/tenant/demo-tenant';

/**
 * The benchmark tenant "Fabrikam (bench)": 10,000 users with ids derived from their index (so the wrk
 * Lua script can build them without a list), one approver, and PIM set-ups over the same users:
 *
 * - `round`: only the users of one bench round are eligible, for some of three built-in roles: Reports
 *   Reader needs nothing (the activation bench), Billing Administrator needs the approver's approval (the
 *   approval-delivery bench), Global Reader needs a justification.
 * - `scale`: 60 roles and 100,000 eligibilities; HEAVY_USERS users (from HEAVY_BASE) have 50 each, the others 8-9.
 * - `heavyRound`: a few users with 50 eligibilities each, nobody else (the same users' shape, small tenant).
 *
 * Every fixture holds all users, so the Entra authority (whose directory is fixed at start) signs in
 * everyone whichever fixture the Graph simulator has loaded.
 */

export const USER_COUNT = 10_000;
export const SCALE_ELIGIBILITIES = 100_000;
export const HEAVY_USERS = 400;
/** The heavy users of the scale fixture: users HEAVY_BASE..HEAVY_BASE+HEAVY_USERS-1. */
export const HEAVY_BASE = 9_000;
export const HEAVY_ELIGIBILITIES = 50;
export const ROLE_COUNT = 60;

export const BENCH_TENANT_ID = 'b0000000-0000-4000-8000-7e4a47000000';
/**
 * The bot's public URL (PUBLIC_BASE_URL, the step-up redirect URI's base): a front door's name, not the bot's
 * address. The bot listens on a port the system picks (PORT=0) and reports it once it listens.
 */
export const PUBLIC_BASE_URL = 'https://pimbot.bench.example';
const DOMAIN = 'fabrikam-bench.example';

/** Bench user i: the Lua script builds the same string (string.format('%012d', i)). */
export function userId(i: number): string {
  return `b0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

export const APPROVER: FixtureUser = {
  id: 'b0000000-0000-4000-8000-a00000000001',
  displayName: 'Bench Approver',
  userPrincipalName: `approver@${DOMAIN}`,
  mail: `approver@${DOMAIN}`,
};

export const ROLES = {
  /** No approval, no MFA, no justification: active as soon as it is confirmed. */
  noApproval: { id: demoRoles.reportsReader, name: 'Reports Reader' },
  /** Approval by APPROVER, nothing else. */
  approval: { id: demoRoles.billingAdministrator, name: 'Billing Administrator' },
  justification: { id: demoRoles.globalReader, name: 'Global Reader' },
} as const;

/** The confirmation card's Action.Submit data carries this key (src/activation/target-key.ts). */
export function roleKey(roleDefinitionId: string): string {
  return `role:${roleDefinitionId}:/`;
}

function users(): FixtureUser[] {
  const list: FixtureUser[] = [APPROVER];
  for (let i = 0; i < USER_COUNT; i++) {
    list.push({ id: userId(i), displayName: `Bench User ${i}`, userPrincipalName: `user${i}@${DOMAIN}` });
  }
  return list;
}

const BUILT_IN_NAMES: Record<string, string> = {
  [demoRoles.globalAdministrator]: 'Global Administrator',
  [demoRoles.privilegedRoleAdministrator]: 'Privileged Role Administrator',
  [demoRoles.securityAdministrator]: 'Security Administrator',
  [demoRoles.exchangeAdministrator]: 'Exchange Administrator',
  [demoRoles.userAdministrator]: 'User Administrator',
  [demoRoles.helpdeskAdministrator]: 'Helpdesk Administrator',
  [demoRoles.sharePointAdministrator]: 'SharePoint Administrator',
  [demoRoles.globalReader]: 'Global Reader',
  [demoRoles.securityReader]: 'Security Reader',
  [demoRoles.reportsReader]: 'Reports Reader',
  [demoRoles.teamsAdministrator]: 'Teams Administrator',
  [demoRoles.authenticationAdministrator]: 'Authentication Administrator',
  [demoRoles.applicationAdministrator]: 'Application Administrator',
  [demoRoles.billingAdministrator]: 'Billing Administrator',
};

const BUILT_IN_COUNT = Object.keys(BUILT_IN_NAMES).length;

/** The 14 built-in roles of the demo tenant, then custom roles up to `count`. */
function roleDefinitions(count: number): FixtureRoleDefinition[] {
  const defs: FixtureRoleDefinition[] = Object.entries(BUILT_IN_NAMES).map(([id, displayName]) => ({
    id,
    displayName,
    description: `${displayName} (bench).`,
    isBuiltIn: true,
    templateId: id,
  }));
  for (let i = defs.length; i < count; i++) {
    const id = `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    defs.push({
      id,
      displayName: `Bench Custom Role ${i}`,
      description: 'Custom role (bench).',
      isBuiltIn: false,
      templateId: id,
    });
  }
  return defs;
}

const NOTHING: FixtureActivationPolicy = { maximumDuration: 'PT8H', enabledRules: [] };
const APPROVAL: FixtureActivationPolicy = {
  maximumDuration: 'PT8H',
  enabledRules: [],
  approvers: [{ type: 'singleUser', userId: APPROVER.id, description: APPROVER.displayName }],
  approverJustificationRequired: false,
};
const JUSTIFICATION: FixtureActivationPolicy = { maximumDuration: 'PT8H', enabledRules: ['Justification'] };

function policyGuid(i: number): string {
  return `d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

function policies(defs: FixtureRoleDefinition[]): FixtureRolePolicy[] {
  return defs.map((d, i) => ({
    roleDefinitionId: d.id,
    policyGuid: policyGuid(i),
    activation:
      d.id === ROLES.noApproval.id
        ? NOTHING
        : d.id === ROLES.approval.id
          ? APPROVAL
          : d.id === ROLES.justification.id || i % 3 === 0
            ? JUSTIFICATION
            : NOTHING,
  }));
}

function tenant(defs: FixtureRoleDefinition[], eligibilities: FixtureRoleEligibility[]): TenantFixture {
  return {
    tenantId: BENCH_TENANT_ID,
    domain: DOMAIN,
    displayName: 'Fabrikam (bench)',
    users: users(),
    groups: [],
    roleDefinitions: defs,
    rolePolicies: policies(defs),
    groupPolicies: [],
    roleEligibilities: eligibilities,
    groupEligibilities: [],
    roleAssignments: [],
  };
}

const eligible = (principalId: string, roleDefinitionId: string): FixtureRoleEligibility => ({
  principalId,
  roleDefinitionId,
  directoryScopeId: '/',
});

/** 10,000 users, 100,000 eligibilities; users HEAVY_BASE.. (HEAVY_USERS of them) have HEAVY_ELIGIBILITIES each. */
export function scaleFixture(): TenantFixture {
  const defs = roleDefinitions(ROLE_COUNT);
  const list: FixtureRoleEligibility[] = [];
  const rest = USER_COUNT - HEAVY_USERS;
  const remaining = SCALE_ELIGIBILITIES - HEAVY_USERS * HEAVY_ELIGIBILITIES;
  const perUser = Math.floor(remaining / rest);
  let extra = remaining - perUser * rest;
  for (let i = 0; i < USER_COUNT; i++) {
    if (i >= HEAVY_BASE && i < HEAVY_BASE + HEAVY_USERS) {
      for (let r = 0; r < HEAVY_ELIGIBILITIES; r++) list.push(eligible(userId(i), defs[(i + r) % ROLE_COUNT]!.id));
      continue;
    }
    const n = perUser + (extra-- > 0 ? 1 : 0);
    for (let r = 0; r < n; r++) list.push(eligible(userId(i), defs[(i * 7 + r) % ROLE_COUNT]!.id));
  }
  return tenant(defs, list);
}

export type RoleName = keyof typeof ROLES;

/**
 * Users base..base+count-1 eligible for `roles` (the built-in roles of the latency fixture), nobody else.
 * The simulator's eligibility endpoints cost time in proportion to all eligibilities of the tenant, so a
 * latency round loads only the users it will use (see README, "The simulator's cost").
 */
export function roundFixture(base: number, count: number, roles: readonly RoleName[]): TenantFixture {
  const defs = roleDefinitions(BUILT_IN_COUNT);
  const list: FixtureRoleEligibility[] = [];
  for (let i = base; i < base + count; i++) for (const r of roles) list.push(eligible(userId(i), ROLES[r].id));
  return tenant(defs, list);
}

/** Users base..base+count-1 with HEAVY_ELIGIBILITIES each over the 60 roles of the scale fixture, nobody else. */
export function heavyRoundFixture(base: number, count: number): TenantFixture {
  const defs = roleDefinitions(ROLE_COUNT);
  const list: FixtureRoleEligibility[] = [];
  for (let i = base; i < base + count; i++) {
    for (let r = 0; r < HEAVY_ELIGIBILITIES; r++) list.push(eligible(userId(i), defs[(i + r) % ROLE_COUNT]!.id));
  }
  return tenant(defs, list);
}

export type FixtureSpec =
  | { fixture: 'scale' }
  | { fixture: 'round'; base: number; count: number; roles: RoleName[] }
  | { fixture: 'heavyRound'; base: number; count: number };

export function fixtureFor(spec: FixtureSpec): TenantFixture {
  if (spec.fixture === 'scale') return scaleFixture();
  if (spec.fixture === 'round') return roundFixture(spec.base, spec.count, spec.roles);
  return heavyRoundFixture(spec.base, spec.count);
}
