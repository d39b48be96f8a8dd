import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GRAPH_PERMISSIONS, type GraphPermissionType } from '../../src/pim/graph-permissions';
import { BOT_APPLICATION_PERMISSIONS, BOT_DELEGATED_SCOPES } from '../../simulators/demo-app';
import { GRAPH_PERMISSION_IDS, MICROSOFT_GRAPH_APP_ID } from '../support/graph-permission-ids';

/**
 * Issue 21: the one permission table (src/pim/graph-permissions.ts) against Microsoft's ids, and the app
 * registration, the deploy guide, the Bicep file and the demo tenant's registration against the table.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const key = (name: string, type: GraphPermissionType) => `${type} ${name}`;
const tableKeys = (type?: GraphPermissionType) =>
  new Set(GRAPH_PERMISSIONS.filter((p) => !type || p.type === type).map((p) => key(p.name, p.type)));

/**
 * The Toolkit resolves a `resourceAppId` or `resourceAccess` id through its bundled permission list unless
 * validator's isUUID() accepts it, and throws UnknownResourceAccessIdUserError for a name that list lacks
 * (OfficeDev/microsoft-365-agents-toolkit packages/fx-core/src/component/driver/aad/utility/aadManifestHelper.ts,
 * processRequiredResourceAccessInManifest). isUUID's default pattern, from validatorjs/validator.js
 * src/lib/isUUID.js (`all`):
 */
const TOOLKIT_IS_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

describe('the permission table (src/pim/graph-permissions.ts)', () => {
  it("gives every permission Microsoft's id for its type (Graph permissions reference)", () => {
    const wrong = GRAPH_PERMISSIONS.filter((p) => GRAPH_PERMISSION_IDS[p.name]?.[p.type] !== p.id).map((p) =>
      key(p.name, p.type),
    );
    expect(wrong).toEqual([]);
    expect(tableKeys().size, 'a permission listed twice').toBe(GRAPH_PERMISSIONS.length);
  });

  it('names the Graph calls made with each permission, and only OpenID Connect scopes make none', () => {
    const idle = GRAPH_PERMISSIONS.filter((p) => p.calls.length === 0 && !p.openIdConnect).map((p) => p.name);
    expect(idle).toEqual([]);
    expect(GRAPH_PERMISSIONS.filter((p) => p.openIdConnect).map((p) => key(p.name, p.type))).toEqual([
      'Scope openid',
      'Scope profile',
    ]);
  });

  it('no longer asks for what no code uses (issue 21)', () => {
    for (const dropped of [
      key('RoleManagement.Read.Directory', 'Scope'),
      key('RoleManagementPolicy.Read.Directory', 'Role'),
      key('RoleManagementPolicy.Read.AzureADGroup', 'Role'),
    ]) {
      expect(tableKeys().has(dropped), dropped).toBe(false);
    }
  });

  it('is what the demo tenant consents to PIM Bot, so every flow the tests drive runs with it', () => {
    const demo = new Set([
      ...BOT_DELEGATED_SCOPES.map((n) => key(n, 'Scope')),
      ...BOT_APPLICATION_PERMISSIONS.map((n) => key(n, 'Role')),
    ]);
    const graphOnly = GRAPH_PERMISSIONS.filter((p) => !p.openIdConnect).map((p) => key(p.name, p.type));
    expect(demo).toEqual(new Set(graphOnly));
  });
});

describe('appPackage/aad.manifest.json', () => {
  const manifest = JSON.parse(read('appPackage/aad.manifest.json')) as {
    optionalClaims?: { accessToken?: { name: string; source: unknown; essential: boolean }[] };
    requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
  };

  it('asks for Microsoft Graph by its application id, with ids the Toolkit takes as they are', () => {
    expect(manifest.requiredResourceAccess.map((r) => r.resourceAppId)).toEqual([MICROSOFT_GRAPH_APP_ID]);
    const entries = manifest.requiredResourceAccess.flatMap((r) => r.resourceAccess);
    expect(entries.filter((a) => !TOOLKIT_IS_UUID.test(a.id))).toEqual([]);
    expect(entries.filter((a) => a.type !== 'Scope' && a.type !== 'Role')).toEqual([]);
  });

  it("lists exactly the table's permissions, each a reference id of its type", () => {
    const byId = new Map(
      Object.entries(GRAPH_PERMISSION_IDS).flatMap(([name, ids]) =>
        Object.entries(ids).map(([type, id]) => [`${type} ${id}`, key(name, type as GraphPermissionType)] as const),
      ),
    );
    const entries = manifest.requiredResourceAccess.flatMap((r) => r.resourceAccess);
    const unknown = entries.filter((a) => !byId.has(`${a.type} ${a.id}`));
    expect(unknown, 'not an id of the Graph permissions reference for that type').toEqual([]);
    const named = entries.map((a) => byId.get(`${a.type} ${a.id}`));
    expect(named.length, 'an entry listed twice').toBe(new Set(named).size);
    expect(new Set(named)).toEqual(tableKeys());
  });

  it('adds the idtyp access-token claim, so the Toolkit does not warn OptionalClaimsMissingIdtypClaim', () => {
    // aadManifestHelper.ts validateManifest: optionalClaims.accessToken must hold an item named idtyp.
    expect(manifest.optionalClaims?.accessToken).toContainEqual({
      name: 'idtyp',
      source: null,
      essential: false,
      additionalProperties: [],
    });
  });
});

describe('docs/deploy-to-your-tenant.md', () => {
  const docs = read('docs/deploy-to-your-tenant.md');
  const section = (start: string, end: string) => {
    const from = docs.indexOf(start);
    expect(from, start).toBeGreaterThanOrEqual(0);
    return docs.slice(from, docs.indexOf(end, from + start.length));
  };
  /** `name` and `id` of each row of a section's table: | `name` | `id` | … */
  const rows = (text: string) =>
    [...text.matchAll(/^\| `([^`]+)` \| `([0-9a-f-]{36})` \|/gm)].map((m) => ({ name: m[1]!, id: m[2]! }));
  const asKeys = (list: { name: string; id: string }[], type: GraphPermissionType) =>
    new Set(
      list.map((r) => (GRAPH_PERMISSION_IDS[r.name]?.[type] === r.id ? key(r.name, type) : `${r.name} ≠ ${r.id}`)),
    );

  it('section 5 lists exactly the table, delegated and application, with the reference ids', () => {
    const delegated = rows(section('### Delegated (as the user', '### Application'));
    const application = rows(section('### Application (the bot', '## 6. Admin consent'));
    expect(asKeys(delegated, 'Scope')).toEqual(tableKeys('Scope'));
    expect(delegated.length).toBe(tableKeys('Scope').size);
    expect(asKeys(application, 'Role')).toEqual(tableKeys('Role'));
    expect(application.length).toBe(tableKeys('Role').size);
  });

  it('section 10\'s "Permissions the watcher uses" names exactly the watcher\'s permissions', () => {
    const text = section('### Permissions the watcher uses', '## 11.');
    const named = new Set(
      [...text.matchAll(/`([A-Za-z.]+)`/g)].map((m) => m[1]!).filter((n) => n in GRAPH_PERMISSION_IDS),
    );
    expect(named).toEqual(new Set(GRAPH_PERMISSIONS.filter((p) => p.watcher).map((p) => p.name)));
  });
});

describe('infra/azure.bicep', () => {
  it('declares no Graph permission (the app registration alone holds them)', () => {
    // OpenID Connect scopes may appear in an OAuth connection's scopes: they are no Graph permission.
    const bicep = read('infra/azure.bicep');
    const declared = Object.entries(GRAPH_PERMISSION_IDS).filter(
      ([name, ids]) =>
        (name.includes('.') && new RegExp(`\\b${name.replaceAll('.', '\\.')}\\b`).test(bicep)) ||
        Object.values(ids).some((id) => bicep.toLowerCase().includes(id)),
    );
    expect(declared.map(([name]) => name)).toEqual([]);
  });
});
