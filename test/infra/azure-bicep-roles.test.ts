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
