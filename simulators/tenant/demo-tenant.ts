import {
  BuiltInRoles,
  type FixtureActivationPolicy,
  type FixtureApprover,
  type FixtureGroup,
  type FixtureRoleDefinition,
  type FixtureTeamsApp,
  type FixtureUser,
  type TenantFixture,
} from './tenant-fixture';
import { demoAccessReviews } from './demo-access-reviews';

/**
 * "Contoso (demo)": the tenant every simulator test and the local demo run against. Fixed GUIDs, real
 * built-in role ids and texts, and PIM settings like a real rollout: high-privilege roles need approval,
 * MFA, justification and a ticket; medium roles need MFA and justification; two role-assignable groups
 * bundle roles through PIM for Groups.
 */

const DOMAIN = 'contoso.example';

function user(id: string, displayName: string, alias: string, jobTitle: string, managerId?: string): FixtureUser {
  return {
    id,
    displayName,
    userPrincipalName: `${alias}@${DOMAIN}`,
    mail: `${alias}@${DOMAIN}`,
    jobTitle,
    ...(managerId ? { managerId } : {}),
  };
}

const ids = {
  isaiah: '5a1c2d3e-4f6b-4c8d-8e9f-0000000000d4',
  megan: '3e9a0b1c-2d4f-4a6b-8c7d-0000000000b2',
  nestor: '4f0b1c2d-3e5a-4b7c-9d8e-0000000000c3',
  adele: 'a1d3e1e0-7a4c-4b8e-9f10-0000000000a1',
  breakGlass: '6b2d3e4f-5a7c-4d9e-9f0a-0000000000e5',
  lee: '7c3e4f5a-6b8d-4e0f-8a1b-0000000000f6',
};

export const demoUsers = {
  /** Adele Vance: eligible for many roles and both PIM groups; her manager is Nestor. */
  requester: user(ids.adele, 'Adele Vance', 'adele', 'Systems Engineer', ids.nestor),
  /** Megan Bowen: approver (single user and member of "PIM Approvers"); eligible for two roles herself. */
  approver: user(ids.megan, 'Megan Bowen', 'megan', 'IT Operations Manager', ids.isaiah),
  /** Nestor Wilke: approver through "PIM Approvers", Adele's manager, eligible for two roles. */
  secondApprover: user(ids.nestor, 'Nestor Wilke', 'nestor', 'Director of IT', ids.isaiah),
  /** Isaiah Langer: PIM administrator (permanent Privileged Role Administrator). */
  admin: user(ids.isaiah, 'Isaiah Langer', 'isaiah', 'Identity Administrator'),
  /** Emergency access account: permanent Global Administrator, never activates. */
  breakGlass: user(ids.breakGlass, 'Break Glass', 'breakglass', 'Emergency access account'),
  /** Lee Gu: a user with no eligibility at all. */
  noAccess: user(ids.lee, 'Lee Gu', 'lee', 'Sales Representative', ids.megan),
} as const;

/** Built-in role template ids used by the demo tenant (BuiltInRoles plus a few more real ones). */
export const demoRoles = {
  ...BuiltInRoles,
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
  teamsAdministrator: '69091246-20e8-4a56-aa4d-066075b2a7a8',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  billingAdministrator: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
} as const;

export const demoGroups = {
  /** Security group of approvers (Megan, Nestor), used as a groupMembers approver. */
  pimApprovers: {
    id: '8d4f5a6b-7c9e-4f1a-9b2c-000000000101',
    displayName: 'PIM Approvers',
    description: 'Approves privileged role activations.',
    isAssignableToRole: false,
    memberIds: [ids.megan, ids.nestor],
  },
  /** Role-assignable group bundling Helpdesk, User and Authentication Administrator; Adele is eligible member. */
  helpdeskBundle: {
    id: '9e5a6b7c-8d0f-4a2b-8c3d-000000000102',
    displayName: 'RAG - Helpdesk Admins',
    description: 'Role-assignable group: Helpdesk, User and Authentication Administrator.',
    isAssignableToRole: true,
    memberIds: [],
  },
  /** Role-assignable group bundling Security Reader and Reports Reader; membership needs Megan's approval. */
  securityOperators: {
    id: 'af6b7c8d-9e1a-4b3c-9d4e-000000000103',
    displayName: 'RAG - Security Operators',
    description: 'Role-assignable group: Security Reader and Reports Reader.',
    isAssignableToRole: true,
    memberIds: [],
  },
} as const satisfies Record<string, FixtureGroup>;

/** Administrative units: role eligibilities scoped to one (`/administrativeUnits/{id}`). */
export const demoAdministrativeUnits = {
  /** Sales: Adele may reset its users' sign-in methods as Authentication Administrator, as she may tenant-wide. */
  sales: {
    id: 'c7d8e9f0-1a2b-4c3d-8e4f-000000000201',
    displayName: 'Sales AU',
    description: 'Sales department users.',
  },
} as const;

/** The directory scope of an administrative unit, as PIM names it. */
export const auScope = (unitId: string): string => `/administrativeUnits/${unitId}`;

const roleTexts: Array<[string, string, string]> = [
  [
    demoRoles.globalAdministrator,
    'Global Administrator',
    'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
  ],
  [
    demoRoles.privilegedRoleAdministrator,
    'Privileged Role Administrator',
    'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
  ],
  [
    demoRoles.securityAdministrator,
    'Security Administrator',
    'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
  ],
  [demoRoles.exchangeAdministrator, 'Exchange Administrator', 'Can manage all aspects of the Exchange product.'],
  [
    demoRoles.userAdministrator,
    'User Administrator',
    'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
  ],
  [
    demoRoles.helpdeskAdministrator,
    'Helpdesk Administrator',
    'Can reset passwords for non-administrators and Helpdesk Administrators.',
  ],
  [demoRoles.sharePointAdministrator, 'SharePoint Administrator', 'Can manage all aspects of the SharePoint service.'],
  [
    demoRoles.globalReader,
    'Global Reader',
    'Can read everything that a Global Administrator can, but not update anything.',
  ],
  [
    demoRoles.securityReader,
    'Security Reader',
    'Can read security information and reports in Microsoft Entra ID and Office 365.',
  ],
  [demoRoles.reportsReader, 'Reports Reader', 'Can read sign-in and audit reports.'],
  [demoRoles.teamsAdministrator, 'Teams Administrator', 'Can manage the Microsoft Teams service.'],
  [
    demoRoles.authenticationAdministrator,
    'Authentication Administrator',
    'Can access to view, set and reset authentication method information for any non-admin user.',
  ],
  [
    demoRoles.applicationAdministrator,
    'Application Administrator',
    'Can create and manage all aspects of app registrations and enterprise apps.',
  ],
  [
    demoRoles.billingAdministrator,
    'Billing Administrator',
    'Can perform common billing related tasks like updating payment information.',
  ],
];

const roleDefinitions: FixtureRoleDefinition[] = roleTexts.map(([id, displayName, description]) => ({
  id,
  displayName,
  description,
  isBuiltIn: true,
  templateId: id,
}));

const highPrivilegeApprovers: FixtureApprover[] = [
  { type: 'singleUser', userId: ids.megan, description: 'Megan Bowen' },
  { type: 'groupMembers', groupId: demoGroups.pimApprovers.id, description: 'PIM Approvers' },
];

/** Global Administrator and Security Administrator: approval, MFA, justification, ticket, 4 hours. */
const highPrivilege: FixtureActivationPolicy = {
  maximumDuration: 'PT4H',
  enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
  approvers: highPrivilegeApprovers,
};

/**
 * Privileged Role Administrator: like the other high-privilege roles, but the portal's "Microsoft Entra
 * Conditional Access authentication context" (c1) replaces "Azure MFA" (the two are mutually exclusive).
 */
const highPrivilegeWithAuthContext: FixtureActivationPolicy = {
  maximumDuration: 'PT4H',
  enabledRules: ['Justification', 'Ticketing'],
  approvers: highPrivilegeApprovers,
  authenticationContext: 'c1',
};

/** Exchange, SharePoint, User and Helpdesk Administrator: MFA and justification, 8 hours, no approval. */
const mediumPrivilege: FixtureActivationPolicy = {
  maximumDuration: 'PT8H',
  enabledRules: ['MultiFactorAuthentication', 'Justification'],
};

const rolePolicy = (roleDefinitionId: string, policyGuid: string, activation: FixtureActivationPolicy) => ({
  roleDefinitionId,
  policyGuid,
  activation,
});

const eligible = (principalId: string, roleDefinitionId: string, endDateTime?: string, directoryScopeId = '/') => ({
  principalId,
  roleDefinitionId,
  directoryScopeId,
  ...(endDateTime ? { endDateTime } : {}),
});

/**
 * PIM Bot in the demo tenant's Teams app catalog, published to the organisation: its manifest id is the
 * playground's TEAMS_APP_ID (env/.env.playground), its webApplicationInfo.id the demo app registration
 * (simulators/demo-app.ts, DEMO_BOT_CLIENT_ID). Adele has it (she chats with the bot); the approvers do not,
 * so the bot installs itself for them before their first approval card.
 */
export const demoTeamsApp: FixtureTeamsApp = {
  id: '9b1f0c2a-7e3d-4c5b-8a6f-0000000a0b07',
  externalId: '00000000-0000-4000-8000-0000000a0b07',
  displayName: 'PIM Bot',
  distributionMethod: 'organization',
  version: '1.0.0',
  azureADAppId: 'b07b0700-0000-4000-8000-00000000b075',
  installedFor: [ids.adele],
};

/** Another app of the catalog (Megan has it): a *Self* permission must neither see nor install it. */
export const otherTeamsApp: FixtureTeamsApp = {
  id: '2c8d4e6f-1a3b-4c5d-9e7f-00000000a11c',
  externalId: 'f31b1263-ba99-435a-a679-911d24850d7c',
  displayName: 'Contoso Helpdesk',
  distributionMethod: 'organization',
  version: '2.3.0',
  azureADAppId: '0e5c1d2a-3b4f-4e6a-8c7d-00000000a11c',
  installedFor: [ids.megan],
};

export const demoTenant: TenantFixture = {
  tenantId: 'f3b2a1c0-5d4e-4c3b-9a8f-7e6d5c4b3a21',
  domain: DOMAIN,
  displayName: 'Contoso (demo)',
  users: Object.values(demoUsers),
  groups: Object.values(demoGroups).map((g) => ({ ...g, memberIds: [...g.memberIds] })),
  roleDefinitions,
  rolePolicies: [
    rolePolicy(demoRoles.globalAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-100000000001', highPrivilege),
    rolePolicy(
      demoRoles.privilegedRoleAdministrator,
      '0d5e8c2a-1b3f-4a6e-9c7d-100000000002',
      highPrivilegeWithAuthContext,
    ),
    rolePolicy(demoRoles.securityAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-100000000003', highPrivilege),
    rolePolicy(demoRoles.exchangeAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-100000000004', mediumPrivilege),
    rolePolicy(demoRoles.sharePointAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-100000000005', mediumPrivilege),
    rolePolicy(demoRoles.userAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-100000000006', mediumPrivilege),
    rolePolicy(demoRoles.authenticationAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-10000000000b', mediumPrivilege),
    rolePolicy(demoRoles.helpdeskAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-100000000007', mediumPrivilege),
    // Teams Administrator: approval by the requester's manager.
    rolePolicy(demoRoles.teamsAdministrator, '0d5e8c2a-1b3f-4a6e-9c7d-100000000008', {
      maximumDuration: 'PT2H',
      enabledRules: ['Justification'],
      approvers: [{ type: 'requestorManager', managerLevel: 1 }],
    }),
    // Global Reader: justification only. Reports Reader: no requirement at all.
    rolePolicy(demoRoles.globalReader, '0d5e8c2a-1b3f-4a6e-9c7d-100000000009', {
      maximumDuration: 'PT8H',
      enabledRules: ['Justification'],
    }),
    rolePolicy(demoRoles.reportsReader, '0d5e8c2a-1b3f-4a6e-9c7d-10000000000a', {
      maximumDuration: 'PT8H',
      enabledRules: [],
    }),
  ],
  groupPolicies: [
    {
      groupId: demoGroups.helpdeskBundle.id,
      accessId: 'member',
      policyGuid: '1e6f9d3b-2c4a-4b7f-8d8e-200000000001',
      activation: { maximumDuration: 'PT4H', enabledRules: ['Justification'] },
    },
    {
      groupId: demoGroups.securityOperators.id,
      accessId: 'member',
      policyGuid: '1e6f9d3b-2c4a-4b7f-8d8e-200000000002',
      activation: {
        maximumDuration: 'PT2H',
        enabledRules: ['Justification'],
        approvers: [{ type: 'singleUser', userId: ids.megan, description: 'Megan Bowen' }],
      },
    },
  ],
  roleEligibilities: [
    eligible(ids.adele, demoRoles.globalAdministrator),
    eligible(ids.adele, demoRoles.privilegedRoleAdministrator),
    eligible(ids.adele, demoRoles.securityAdministrator),
    eligible(ids.adele, demoRoles.exchangeAdministrator),
    eligible(ids.adele, demoRoles.sharePointAdministrator),
    eligible(ids.adele, demoRoles.userAdministrator),
    // One role tenant-wide and at an administrative unit: two eligibilities that only their scope tells apart.
    eligible(ids.adele, demoRoles.authenticationAdministrator),
    eligible(ids.adele, demoRoles.authenticationAdministrator, undefined, auScope(demoAdministrativeUnits.sales.id)),
    eligible(ids.adele, demoRoles.helpdeskAdministrator),
    eligible(ids.adele, demoRoles.globalReader),
    eligible(ids.adele, demoRoles.securityReader),
    eligible(ids.adele, demoRoles.reportsReader),
    eligible(ids.adele, demoRoles.teamsAdministrator),
    eligible(ids.adele, demoRoles.applicationAdministrator, '2030-12-31T00:00:00Z'),
    eligible(ids.megan, demoRoles.exchangeAdministrator),
    eligible(ids.megan, demoRoles.globalReader),
    eligible(ids.nestor, demoRoles.sharePointAdministrator),
    eligible(ids.nestor, demoRoles.securityReader),
    eligible(ids.isaiah, demoRoles.globalAdministrator),
  ],
  groupEligibilities: [
    { principalId: ids.adele, groupId: demoGroups.helpdeskBundle.id, accessId: 'member' },
    { principalId: ids.adele, groupId: demoGroups.securityOperators.id, accessId: 'member' },
    { principalId: ids.nestor, groupId: demoGroups.securityOperators.id, accessId: 'owner' },
  ],
  administrativeUnits: Object.values(demoAdministrativeUnits).map((u) => ({ ...u })),
  roleAssignments: [
    { principalId: ids.isaiah, roleDefinitionId: demoRoles.privilegedRoleAdministrator, directoryScopeId: '/' },
    { principalId: ids.breakGlass, roleDefinitionId: demoRoles.globalAdministrator, directoryScopeId: '/' },
    {
      principalId: demoGroups.helpdeskBundle.id,
      roleDefinitionId: demoRoles.helpdeskAdministrator,
      directoryScopeId: '/',
    },
    { principalId: demoGroups.helpdeskBundle.id, roleDefinitionId: demoRoles.userAdministrator, directoryScopeId: '/' },
    {
      principalId: demoGroups.helpdeskBundle.id,
      roleDefinitionId: demoRoles.authenticationAdministrator,
      directoryScopeId: '/',
    },
    { principalId: demoGroups.securityOperators.id, roleDefinitionId: demoRoles.securityReader, directoryScopeId: '/' },
    { principalId: demoGroups.securityOperators.id, roleDefinitionId: demoRoles.reportsReader, directoryScopeId: '/' },
  ],
  teamsApps: [demoTeamsApp, otherTeamsApp],
  accessReviews: demoAccessReviews({
    reviewer: ids.megan,
    creator: ids.isaiah,
    adele: ids.adele,
    isaiah: ids.isaiah,
    globalAdministrator: demoRoles.globalAdministrator,
  }),
};
