/**
 * Every Microsoft Graph permission PIM Bot asks for, and nothing else: the one source of truth that the
 * app registration (appPackage/aad.manifest.json), the deploy guide (docs/deploy-to-your-tenant.md
 * sections 5 and 10) and the demo tenant's registration (simulators/demo-app.ts) are held to by
 * test/pim/graph-permissions.test.ts; test/pim/graph-permission-calls.test.ts sends each call below to the
 * Graph simulator with that permission alone.
 *
 * It lives here, beside the Graph clients whose requests it lists (pim-client.ts delegated; pim-reader.ts,
 * directory-client.ts, approvals/pim-request-states.ts, teams/teams-app-installations.ts app-only), so a
 * new Graph call and its permission change in one place; typed, so the tests and the demo registration
 * read it without parsing. Each permission is the least privileged one the Graph reference lists for its
 * calls (sources per row: DOCS = microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0).
 * Ids: https://learn.microsoft.com/graph/permissions-reference (checked against test/support).
 */
import { APPLICATION_GRAPH_PERMISSIONS } from './graph-application-permissions';
import { DELEGATED_GRAPH_PERMISSIONS } from './graph-delegated-permissions';
import type { GraphPermission, GraphPermissionType } from './graph-permission-types';

export type { GraphCall, GraphPermission, GraphPermissionType } from './graph-permission-types';

/** Delegated first, then application: the order of the guide's tables and the manifest. */
export const GRAPH_PERMISSIONS: readonly GraphPermission[] = [
  ...DELEGATED_GRAPH_PERMISSIONS,
  ...APPLICATION_GRAPH_PERMISSIONS,
];

/** The permissions of one type, in table order. */
export function graphPermissionsOfType(type: GraphPermissionType): GraphPermission[] {
  return GRAPH_PERMISSIONS.filter((p) => p.type === type);
}
