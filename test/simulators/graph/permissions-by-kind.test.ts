import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUsers } from '../../../simulators/tenant/demo-tenant';
import { type Harness, ROLE_REQUESTS, startHarness } from './support';

/**
 * Issue 12: permissions per endpoint as the Graph permissions reference lists them (FIDELITY.md), not
 * one list for delegated and application alike. Expected values are the reference's, written out here.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const ROLE_INSTANCES = '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances';
const { requester: adele, admin: isaiah } = demoUsers;

describe('role assignment schedule requests: application vs delegated', () => {
  it('app-only listing takes RoleManagement.ReadWrite.Directory; RoleManagement.Read.Directory gets 403', async () => {
    const readOnly = await h.request('GET', ROLE_REQUESTS, {
      token: await h.appToken(['RoleManagement.Read.Directory']),
    });
    const readWrite = await h.request('GET', ROLE_REQUESTS, {
      token: await h.appToken(['RoleManagement.ReadWrite.Directory']),
    });
    console.log(
      `app-only list of role requests: Read.Directory → ${readOnly.status}, ReadWrite.Directory → ${readWrite.status}`,
    );
    expect(readOnly.status).toBe(403);
    expect(JSON.parse(readOnly.error?.message ?? '{}')).toMatchObject({
      errorCode: 'PermissionScopeNotGranted',
      message: 'Authorization failed due to missing permission scope RoleManagement.ReadWrite.Directory.',
    });
    expect(readWrite.status).toBe(200);
  });

  it('app-only instances need only RoleAssignmentSchedule.Read.Directory', async () => {
    const res = await h.request('GET', ROLE_INSTANCES, {
      token: await h.appToken(['RoleAssignmentSchedule.Read.Directory']),
    });
    expect(res.status).toBe(200);
  });

  it('a delegated tenant-wide listing needs a reader role: Adele (none) 403, Isaiah (Privileged Role Administrator) 200', async () => {
    const scopes = ['RoleAssignmentSchedule.Read.Directory'];
    const plain = await h.request('GET', ROLE_REQUESTS, { token: await h.userToken(adele, { scopes }) });
    const reader = await h.request('GET', ROLE_REQUESTS, { token: await h.userToken(isaiah, { scopes }) });
    console.log(
      `delegated list of role requests: no reader role → ${plain.status}, Privileged Role Administrator → ${reader.status}`,
    );
    expect(plain.status).toBe(403);
    expect(plain.error?.code).toBe('Authorization_RequestDenied');
    expect(reader.status).toBe(200);
  });

  it('filterByCurrentUser reads the caller’s own requests without a reader role', async () => {
    const res = await h.request('GET', `${ROLE_REQUESTS}/filterByCurrentUser(on='principal')`, {
      token: await h.userToken(adele, { scopes: ['RoleAssignmentSchedule.ReadWrite.Directory'] }),
    });
    expect(res.status).toBe(200);
  });
});
