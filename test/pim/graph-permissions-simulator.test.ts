import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GRAPH_PERMISSIONS, type GraphCall, type GraphPermission } from '../../src/pim/graph-permissions';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { type GraphResult, type Harness, startHarness } from '../simulators/graph/support';

/**
 * Issue 21: each Graph request the bot sends (src/pim/graph-permissions.ts) goes to the Graph simulator,
 * whose per-endpoint permission lists follow the Graph reference (simulators/graph/FIDELITY.md), once with
 * a token holding only the permission the table names for it, and once with an unrelated permission. The
 * first must get past the permission check (any answer but 401/403: ids here are made up, so 404 or 400
 * are fine), the second must be refused: the simulator requires a permission there, and the table's
 * permission, of the table's type (delegated `scp` or application `roles`), is one it accepts.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

/** A permission no endpoint of the bot accepts, so the token is valid but grants nothing relevant. */
const UNRELATED = 'Calendars.Read';
const SOME_ID = '3f0c9d2e-5b7a-4c1d-9e8f-0a1b2c3d4e5f';

async function send(call: GraphCall, type: GraphPermission['type'], permission: string): Promise<GraphResult> {
  const token =
    type === 'Scope'
      ? await h.userToken(demoUsers.requester, { scopes: [permission] })
      : await h.appToken([permission]);
  return h.request(call.method, `/${call.version}${call.path.replaceAll('{id}', SOME_ID)}`, {
    token,
    ...(call.method === 'GET' ? {} : { body: {} }),
  });
}

const cases = GRAPH_PERMISSIONS.flatMap((p) =>
  p.calls.map((call) => ({ permission: p, call, label: `${call.method} /${call.version}${call.path.split('?')[0]}` })),
);

describe('every Graph call of the bot, against the simulator', () => {
  it('covers every call in the table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)(
    '$label: $permission.name ($permission.type) alone is enough, nothing else is',
    async ({ permission, call }) => {
      const granted = await send(call, permission.type, permission.name);
      const refused = await send(call, permission.type, UNRELATED);
      expect([401, 403], JSON.stringify(granted.error)).not.toContain(granted.status);
      expect(refused.status).toBe(403);
    },
  );
});

describe('the simulator follows the reference where the bot chose the permission (FIDELITY.md)', () => {
  it('app-only, User.ReadBasic.All does not read a user: the bot needs User.Read.All', async () => {
    const path = `/v1.0/users/${demoUsers.requester.id}?$select=id,displayName`;
    const basic = await h.request('GET', path, { token: await h.appToken(['User.ReadBasic.All']) });
    const all = await h.request('GET', path, { token: await h.appToken(['User.Read.All']) });
    console.log(`app-only GET /users/{id}: User.ReadBasic.All → ${basic.status}, User.Read.All → ${all.status}`);
    expect(basic.status).toBe(403);
    expect(basic.error?.code).toBe('Authorization_RequestDenied');
    expect(all.status).toBe(200);
  });

  it('delegated, User.ReadBasic.All still reads another user (DOCS user-get.md)', async () => {
    const res = await h.request('GET', `/v1.0/users/${demoUsers.approver.id}?$select=id,displayName`, {
      token: await h.userToken(demoUsers.requester, { scopes: ['User.ReadBasic.All'] }),
    });
    expect(res.status).toBe(200);
  });

  it('a role request by id wants a ReadWrite permission, delegated or app-only (beta unifiedroleassignmentschedulerequest-get.md)', async () => {
    const path = `/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/${SOME_ID}`;
    const read = await h.request('GET', path, {
      token: await h.userToken(demoUsers.requester, { scopes: ['RoleAssignmentSchedule.Read.Directory'] }),
    });
    const appReadWrite = await h.request('GET', path, {
      token: await h.appToken(['RoleAssignmentSchedule.ReadWrite.Directory']),
    });
    expect(read.status).toBe(403);
    expect(appReadWrite.status).toBe(404);
  });
});
