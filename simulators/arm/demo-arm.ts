import { demoTenant, demoUsers } from '../tenant/demo-tenant';
import { type ArmFixture, AzureBuiltInRoles } from './fixture';

/**
 * Contoso (demo) in Azure: two subscriptions with resource groups. Adele is eligible for Contributor on one
 * resource group (no approval), Owner on the development subscription (Megan approves, ticket needed) and
 * User Access Administrator on production behind an authentication context; Megan is eligible for Reader.
 */

export const demoSubscriptions = {
  production: { id: '/subscriptions/1f0e2d3c-4b5a-4968-8776-00000000a001', displayName: 'Contoso Production' },
  development: { id: '/subscriptions/1f0e2d3c-4b5a-4968-8776-00000000a002', displayName: 'Contoso Development' },
} as const;

export const demoResourceGroups = {
  webProd: { id: `${demoSubscriptions.production.id}/resourceGroups/rg-web-prod`, displayName: 'rg-web-prod' },
  dataProd: { id: `${demoSubscriptions.production.id}/resourceGroups/rg-data-prod`, displayName: 'rg-data-prod' },
  sandbox: { id: `${demoSubscriptions.development.id}/resourceGroups/rg-sandbox`, displayName: 'rg-sandbox' },
} as const;

/** Eligibility schedule GUIDs, fixed so tests can name them. */
export const demoArmEligibilities = {
  adeleContributorWeb: '2b7c9d0e-1f3a-4b5c-8d6e-00000000e001',
  adeleOwnerDev: '2b7c9d0e-1f3a-4b5c-8d6e-00000000e002',
  adeleUaaProd: '2b7c9d0e-1f3a-4b5c-8d6e-00000000e003',
  meganReaderDev: '2b7c9d0e-1f3a-4b5c-8d6e-00000000e004',
} as const;

const { requester: adele, approver: megan, secondApprover: nestor, admin: isaiah } = demoUsers;

export const demoArm: ArmFixture = {
  tenantId: demoTenant.tenantId,
  users: [adele, megan, nestor, isaiah].map((u) => ({
    id: u.id,
    displayName: u.displayName,
    mail: u.mail ?? u.userPrincipalName,
  })),
  scopes: [
    { ...demoSubscriptions.production, type: 'subscription' },
    { ...demoSubscriptions.development, type: 'subscription' },
    { ...demoResourceGroups.webProd, type: 'resourcegroup' },
    { ...demoResourceGroups.dataProd, type: 'resourcegroup' },
    { ...demoResourceGroups.sandbox, type: 'resourcegroup' },
  ],
  roleDefinitions: [
    {
      id: AzureBuiltInRoles.owner,
      roleName: 'Owner',
      description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
      type: 'BuiltInRole',
    },
    {
      id: AzureBuiltInRoles.contributor,
      roleName: 'Contributor',
      description:
        'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
      type: 'BuiltInRole',
    },
    {
      id: AzureBuiltInRoles.reader,
      roleName: 'Reader',
      description: 'View all resources, but does not allow you to make any changes.',
      type: 'BuiltInRole',
    },
    {
      id: AzureBuiltInRoles.userAccessAdministrator,
      roleName: 'User Access Administrator',
      description: 'Lets you manage user access to Azure resources.',
      type: 'BuiltInRole',
    },
  ],
  eligibilities: [
    {
      id: demoArmEligibilities.adeleContributorWeb,
      principalId: adele.id,
      roleDefinitionId: AzureBuiltInRoles.contributor,
      scope: demoResourceGroups.webProd.id,
    },
    {
      id: demoArmEligibilities.adeleOwnerDev,
      principalId: adele.id,
      roleDefinitionId: AzureBuiltInRoles.owner,
      scope: demoSubscriptions.development.id,
    },
    {
      id: demoArmEligibilities.adeleUaaProd,
      principalId: adele.id,
      roleDefinitionId: AzureBuiltInRoles.userAccessAdministrator,
      scope: demoSubscriptions.production.id,
    },
    {
      id: demoArmEligibilities.meganReaderDev,
      principalId: megan.id,
      roleDefinitionId: AzureBuiltInRoles.reader,
      scope: demoSubscriptions.development.id,
    },
  ],
  policies: [
    {
      scope: demoResourceGroups.webProd.id,
      roleDefinitionId: AzureBuiltInRoles.contributor,
      maximumDuration: 'PT8H',
      enabledRules: ['Justification'],
    },
    {
      scope: demoSubscriptions.development.id,
      roleDefinitionId: AzureBuiltInRoles.owner,
      maximumDuration: 'PT4H',
      enabledRules: ['Justification', 'Ticketing'],
      approverIds: [megan.id],
    },
    {
      scope: demoSubscriptions.production.id,
      roleDefinitionId: AzureBuiltInRoles.userAccessAdministrator,
      maximumDuration: 'PT2H',
      enabledRules: ['Justification', 'MultiFactorAuthentication'],
      authenticationContext: 'c1',
    },
    {
      scope: demoSubscriptions.development.id,
      roleDefinitionId: AzureBuiltInRoles.reader,
      maximumDuration: 'PT8H',
      enabledRules: [],
    },
  ],
};
