/**
 * Azure built-in role definitions the deployment may assign, as Microsoft publishes them (the same GUID in every
 * tenant). Source: learn.microsoft.com/azure/role-based-access-control/built-in-roles (Storage: …/built-in-roles/
 * storage; Security: …/built-in-roles/security), cross-checked with Microsoft's own Bicep reference table
 * (github.com/microsoft/azure-skills, skills/azure-app-onboard/scaffold/references/rbac-roles.md). Copied here by
 * hand, never from infra/: a typo in the Bicep must not become the expected value.
 */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
};
