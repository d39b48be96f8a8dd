/**
 * Microsoft's ids of the Graph permissions PIM Bot uses, copied by hand from the Graph permissions
 * reference, so tests compare the bot's table and app registration with the reference, never with
 * themselves. Delegated ids are the `Scope` ids, application ids the `Role` (app role) ids.
 *
 * Source: https://learn.microsoft.com/graph/permissions-reference ("All permissions", Identifier row per
 * permission). The page is generated from microsoftgraph/microsoft-graph-devx-content
 * permissions/new/ProvisioningInfo.json; every id below except openid and profile was read in that file
 * at commit 440aa84d8a08fe202b8435fece6cf90f9911d9ea ("DelegatedWork" = Scope, "Application" = Role).
 * openid and profile are OpenID Connect scopes, absent from that file: their ids are the permissions
 * reference's OpenID Connect entries as quoted by many public app registrations (UNVERIFIED against a
 * Microsoft file in this repository's research).
 *
 * Also listed: the permissions the bot asked for before issue 21 and dropped, so a test can tell a
 * dropped permission from a typo.
 */
export const GRAPH_PERMISSION_IDS: Readonly<Record<string, { Scope?: string; Role?: string }>> = {
  'User.Read': { Scope: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d' },
  // FEATURES-API.md §1.7; ProvisioningInfo.json ids as the permissions reference lists them.
  'AccessReview.ReadWrite.All': {
    Scope: 'e4aa47b9-9a69-4109-82ed-36ec70d85ff1',
    Role: 'ef5f7d5c-338f-44b0-86c3-351f46c8bb5f',
  },
  openid: { Scope: '37f7f235-527c-4136-accd-4a02d197296e' },
  profile: { Scope: '14dad69e-099b-42c9-810b-d002981feec1' },
  'User.Read.All': { Scope: 'a154be20-db9c-4678-8ab7-66f6cc099a59', Role: 'df021288-bdef-4463-88db-98f22de89214' },
  'GroupMember.Read.All': {
    Scope: 'bc024368-1153-4739-b217-4326f2e966d0',
    Role: '98830695-27a2-44f7-8c18-0c3ebc9698f6',
  },
  'RoleEligibilitySchedule.Read.Directory': {
    Scope: 'eb0788c2-6d4e-4658-8c9e-c0fb8053f03d',
    Role: 'ff278e11-4a33-4d0c-83d2-d01dc58929a5',
  },
  'RoleAssignmentSchedule.Read.Directory': {
    Scope: '344a729c-0285-42c6-9014-f12b9b8d6129',
    Role: 'd5fe8ce8-684c-4c83-a52c-46e882ce4be1',
  },
  'RoleAssignmentSchedule.ReadWrite.Directory': {
    Scope: '8c026be3-8e26-4774-9372-8d5d6f21daff',
    Role: 'dd199f4a-f148-40a4-a2ec-f0069cc799ec',
  },
  'RoleManagement.Read.Directory': {
    Scope: '741c54c3-0c1e-44a1-818b-3f97ab4e8c83',
    Role: '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
  },
  'RoleManagement.ReadWrite.Directory': {
    Scope: 'd01b97e9-cbc0-49fe-810a-750afd5527a3',
    Role: '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
  },
  'RoleManagementPolicy.Read.Directory': {
    Scope: '3de2cdbe-0ff5-47d5-bdee-7f45b4749ead',
    Role: 'fdc4c997-9942-4479-bfcb-75a36d1138df',
  },
  'RoleManagementPolicy.Read.AzureADGroup': {
    Scope: '7e26fdff-9cb1-4e56-bede-211fe0e420e8',
    Role: '69e67828-780e-47fd-b28c-7b27d14864e6',
  },
  'PrivilegedEligibilitySchedule.Read.AzureADGroup': {
    Scope: '8f44f93d-ecef-46ae-a9bf-338508d44d6b',
    Role: 'edb419d6-7edc-42a3-9345-509bfdf5d87c',
  },
  'PrivilegedAssignmentSchedule.Read.AzureADGroup': {
    Scope: '02a32cc4-7ab5-4b58-879a-0586e0f7c495',
    Role: 'cd4161cb-f098-48f8-a884-1eda9a42434c',
  },
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup': {
    Scope: '06dbc45d-6708-4ef0-a797-f797ee68bf4b',
    Role: '41202f2c-f7ab-45be-b001-85c9728b9d69',
  },
  'TeamsAppInstallation.ReadWriteSelfForUser.All': { Role: '908de74d-f8b2-4d6b-a9ed-2a17b3b78179' },
  'AuditLog.Read.All': { Scope: 'e4c9e354-4dc5-45b8-9e7c-e1393b0b1a20', Role: 'b0afded3-3588-46d8-8b3d-9842eff778da' },
};

/** Microsoft Graph's application id: the `resourceAppId` of its permissions in an app registration. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
