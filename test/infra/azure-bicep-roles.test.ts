import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from './built-in-roles';

/**
 * Issue 21: every role the Bicep assigns is a real built-in role. A wrong GUID (it was `974c5e8b-45b6-…` for
 * Storage Queue Data Contributor) makes the role assignment, and with it the whole `arm/deploy` step, fail.
 */

const bicep = readFileSync(new URL('../../infra/azure.bicep', import.meta.url), 'utf8');

/** `var <name> = '<guid>'` lines: the role ids the Bicep's role assignments use. */
function roleVariables(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(/^var (\w+) = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/gim)) {
    found.set(m[1]!, m[2]!.toLowerCase());
  }
  return found;
}

/** The variables passed to `roleDefinitions` in role assignments. */
function assignedVariables(text: string): string[] {
  return [...text.matchAll(/'Microsoft\.Authorization\/roleDefinitions', (\w+)\)/g)].map((m) => m[1]!);
}

describe('infra/azure.bicep role assignments', () => {
  it('assign only built-in roles, by their published ids', () => {
    const variables = roleVariables(bicep);
    const assigned = assignedVariables(bicep);
    expect(assigned.length).toBeGreaterThan(0);
    const known = new Set(Object.values(BUILT_IN_ROLES));
    for (const name of assigned) {
      const id = variables.get(name);
      expect(id, `${name}: not a GUID variable in the Bicep`).toBeDefined();
      expect(
        known.has(id!),
        `${name} = ${id}: not one of Microsoft's built-in role ids (test/infra/built-in-roles.ts)`,
      ).toBe(true);
    }
  });

  it('names each role variable after the role it holds', () => {
    const variables = roleVariables(bicep);
    const byVariable: Record<string, string> = {
      storageBlobDataContributor: 'Storage Blob Data Contributor',
      storageQueueDataContributor: 'Storage Queue Data Contributor',
      keyVaultSecretsUser: 'Key Vault Secrets User',
    };
    for (const [variable, role] of Object.entries(byVariable))
      expect(variables.get(variable)).toBe(BUILT_IN_ROLES[role]);
  });

  it('catches a one-character typo in a role id (the check itself)', () => {
    const typo = bicep.replace(
      BUILT_IN_ROLES['Storage Queue Data Contributor']!,
      '974c5e8b-45b6-4653-ba55-5f855dd0fb88',
    );
    const variables = roleVariables(typo);
    const known = new Set(Object.values(BUILT_IN_ROLES));
    expect(assignedVariables(typo).filter((v) => !known.has(variables.get(v) ?? ''))).toEqual([
      'storageQueueDataContributor',
    ]);
  });
});

/** The text of `resource <name> ... {` up to its closing brace at column 0. */
function resourceBlock(text: string, name: string): string {
  const start = text.indexOf(`resource ${name} `);
  expect(start, `resource ${name}`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start);
  return rest.slice(0, rest.indexOf('\n}\n') + 2);
}

/**
 * Issue 21: the bot uses its managed identity (src/azure/storage-account.ts, token mode: the Bicep gives it
 * STORAGE_ACCOUNT_NAME and AZURE_CLIENT_ID, and Key Vault references), so the roles are needed; writing them needs
 * Microsoft.Authorization/roleAssignments/write, which Contributor lacks (its notActions hold every
 * Microsoft.Authorization write) and Owner, User Access Administrator and Role Based Access Control Administrator
 * have (learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged).
 * assignRoles='false' leaves them to someone who has that right.
 */
describe('infra/azure.bicep: role assignments are optional (assignRoles)', () => {
  const roleAssignments = [
    ...bicep.matchAll(/^resource (\w+) 'Microsoft\.Authorization\/roleAssignments@[^']+' = (.*)$/gm),
  ];

  it("declares assignRoles, 'true' by default, and passes it from PIMBOT_ASSIGN_ROLES", () => {
    expect(bicep).toMatch(/@allowed\(\[\n {2}'true'\n {2}'false'\n\]\)\nparam assignRoles string = 'true'$/m);
    expect(bicep).toMatch(/^var createRoleAssignments = deployApp && assignRoles == 'true'$/m);
    const parameters = JSON.parse(readFileSync(new URL('../../infra/azure.parameters.json', import.meta.url), 'utf8'));
    expect(parameters.parameters.assignRoles).toEqual({ value: `${'$'}{{PIMBOT_ASSIGN_ROLES}}` });
    for (const env of ['dev', 'local']) {
      const text = readFileSync(new URL(`../../env/.env.${env}`, import.meta.url), 'utf8');
      expect(text, `env/.env.${env}`).toMatch(/^PIMBOT_ASSIGN_ROLES=(true|false)$/m);
    }
  });

  it('creates every role assignment only when assignRoles is true; the storage ones only for managed-identity storage', () => {
    expect(roleAssignments.map((m) => m[1]).sort()).toEqual(['blobRole', 'queueRole', 'vaultSecretsRole']);
    const condition = Object.fromEntries(roleAssignments.map((m) => [m[1], m[2]]));
    expect(condition.vaultSecretsRole).toBe('if (createRoleAssignments) {');
    expect(condition.blobRole).toBe('if (createStorageRoleAssignments) {');
    expect(condition.queueRole).toBe('if (createStorageRoleAssignments) {');
    expect(bicep).toMatch(/^var createStorageRoleAssignments = createRoleAssignments && !useConnectionString$/m);
  });

  it('the app uses the identity the roles are for: token storage and Key Vault references through it', () => {
    const settings = resourceBlock(bicep, 'appSettings');
    expect(settings).toMatch(/^ {4}STORAGE_ACCOUNT_NAME: useConnectionString \? '' : storage\.name$/m);
    expect(settings).toMatch(/^ {4}AZURE_CLIENT_ID: identity\.properties\.clientId$/m);
    expect(resourceBlock(bicep, 'webApp')).toContain('keyVaultReferenceIdentity: identity.id');
    // The settings wait for the roles when this deployment creates them.
    expect(settings).toMatch(/dependsOn: \[\n\s+vaultSecretsRole\n\s+blobRole\n\s+queueRole\n\s+\]/);
  });

  it('outputs what someone else needs to assign them: the principal id and the two scopes', () => {
    expect(bicep).toMatch(
      /^output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = deployApp \? identity\.properties\.principalId : ''$/m,
    );
    expect(bicep).toMatch(/^output AZURE_STORAGE_ACCOUNT_RESOURCE_ID string = deployApp \? storage\.id : ''$/m);
    expect(bicep).toMatch(/^output AZURE_KEY_VAULT_RESOURCE_ID string = deployApp \? vault\.id : ''$/m);
  });

  it('the deploy guide (section 4.2) names the three roles, who may assign them, and how to skip them', () => {
    const guide = readFileSync(new URL('../../docs/deploy-to-your-tenant.md', import.meta.url), 'utf8');
    // Whitespace folded: the guide wraps its lines anywhere.
    const section = guide.slice(guide.indexOf('### 4.2 Azure'), guide.indexOf('### 4.3')).replace(/\s+/g, ' ');
    for (const [role, id] of Object.entries(BUILT_IN_ROLES)) {
      expect(section).toContain(role);
      expect(section).toContain(id);
    }
    for (const who of ['Owner', 'User Access Administrator', 'Role Based Access Control Administrator']) {
      expect(section).toContain(who);
    }
    expect(section).toContain('assignRoles=false');
    expect(section).toContain('PIMBOT_ASSIGN_ROLES=false');
    expect(section).toContain('AZURE_MANAGED_IDENTITY_PRINCIPAL_ID');
  });
});
