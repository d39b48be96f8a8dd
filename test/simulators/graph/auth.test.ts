import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { User } from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraphSimulator } from '../../../simulators/graph';
import { demoRoles, demoTenant, demoUsers } from '../../../simulators/tenant/demo-tenant';
import { issueServerCertificate } from '../../../simulators/tls/certificate-authority';
import { testCertificateAuthority } from '../../support/local-ca';
import { activateRole, type Collection, forgedToken, type Harness, ROLE_REQUESTS, startHarness } from './support';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const adele = demoUsers.requester;

describe('Graph simulator: tokens', () => {
  it('refuses a call without a token: 401 InvalidAuthenticationToken "Access token is empty."', async () => {
    const res = await h.request('GET', '/v1.0/me');
    expect(res.status).toBe(401);
    expect(res.error?.code).toBe('InvalidAuthenticationToken');
    expect(res.error?.message).toBe('Access token is empty.');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=""/);
  });

  it("uses Graph's error envelope with request ids and an offset-less innerError.date", async () => {
    const res = await h.request('GET', '/v1.0/me', { headers: { 'client-request-id': 'my-correlation-id' } });
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('client-request-id')).toBe('my-correlation-id');
    expect(res.error?.innerError['client-request-id']).toBe('my-correlation-id');
    expect(res.error?.innerError['request-id']).toBe(res.headers.get('request-id'));
    expect(res.error?.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('refuses an expired token (checked against real time, not the simulated clock)', async () => {
    const token = await h.userToken(adele, { expiresIn: -3600 });
    const res = await h.request('GET', '/v1.0/me', { token });
    expect(res.status).toBe(401);
    expect(res.error?.message).toBe('Lifetime validation failed, the token is expired.');

    // Moving the simulated clock does not expire a valid token.
    h.clock.advance(48 * 3_600_000);
    const fresh = await h.userToken(adele);
    expect((await h.request('GET', '/v1.0/me', { token: fresh })).status).toBe(200);
  });

  it('refuses a token signed by an untrusted key', async () => {
    const res = await h.request('GET', '/v1.0/me', { token: await forgedToken(h.tenantId, adele.id) });
    expect(res.status).toBe(401);
    expect(res.error?.code).toBe('InvalidAuthenticationToken');
    expect(res.error?.message).toMatch(/^Signature validation failed/);
  });

  it('refuses a token for another audience, another issuer or another tenant, and garbage', async () => {
    const wrongAud = await h.userToken(adele, { audience: 'api://pim-bot' });
    expect((await h.request('GET', '/v1.0/me', { token: wrongAud })).error?.message).toBe(
      'Access token validation failure. Invalid audience.',
    );
    const wrongIss = await h.userToken(adele, { issuer: 'https://sts.windows.net/other/' });
    expect((await h.request('GET', '/v1.0/me', { token: wrongIss })).error?.message).toBe(
      'Access token validation failure. Invalid issuer.',
    );
    const wrongTenant = await h.userToken(adele, { tenantId: '00000000-0000-4000-8000-000000000000' });
    expect((await h.request('GET', '/v1.0/me', { token: wrongTenant })).status).toBe(401);
    const garbage = await h.request('GET', '/v1.0/me', { token: 'not-a-jwt' });
    expect(garbage.error?.message).toBe('CompactToken parsing failed with error code: 80049217');
  });

  it("can fetch the issuer's keys from a JWKS URI (as the local Entra authority publishes them)", async () => {
    const cert = issueServerCertificate(testCertificateAuthority());
    const jwksServer = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(h.issuer.jwks));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    const sim = await startGraphSimulator({
      ca: testCertificateAuthority(),
      fixture: demoTenant,
      trust: { issuer: h.issuer.issuer, jwksUri: `https://127.0.0.1:${port}/discovery/v2.0/keys` },
    });
    try {
      const res = await fetch(`${sim.url}/v1.0/me`, {
        headers: { Authorization: `Bearer ${await h.userToken(adele)}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await sim.close();
      jwksServer.close();
    }
  });

  it('accepts the Graph application id as audience', async () => {
    const token = await h.userToken(adele, { audience: '00000003-0000-0000-c000-000000000000' });
    const res = await h.request<User>('GET', '/v1.0/me', { token });
    expect(res.status).toBe(200);
    expect(res.body.userPrincipalName).toBe('adele@contoso.example');
  });
});

describe('Graph simulator: permissions', () => {
  it("answers 403 with the PIM service's PermissionScopeNotGranted error when a scope is missing", async () => {
    const token = await h.userToken(adele, { scopes: ['User.Read'] });
    const res = await h.request('GET', `${ROLE_REQUESTS}/filterByCurrentUser(on='principal')`, { token });
    expect(res.status).toBe(403);
    expect(res.error?.code).toBe('UnknownError');
    expect(JSON.parse(res.error?.message ?? '{}')).toEqual({
      errorCode: 'PermissionScopeNotGranted',
      message:
        'Authorization failed due to missing permission scope RoleAssignmentSchedule.ReadWrite.Directory,RoleManagement.Read.Directory,RoleManagement.ReadWrite.Directory.',
      instanceAnnotations: [],
    });
  });

  it('accepts a documented higher-privileged alternative scope', async () => {
    const token = await h.userToken(adele, { scopes: ['RoleManagement.ReadWrite.Directory'] });
    const res = await h.request('GET', `${ROLE_REQUESTS}/filterByCurrentUser(on='principal')`, { token });
    expect(res.status).toBe(200);
  });

  it('answers 403 Authorization_RequestDenied for directory reads without a directory scope', async () => {
    const token = await h.userToken(adele, { scopes: ['RoleManagement.Read.Directory'] });
    const res = await h.request('GET', `/v1.0/users/${demoUsers.approver.id}`, { token });
    expect(res.status).toBe(403);
    expect(res.error).toMatchObject({
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
  });

  it('lets an app-only token read but never self-activate', async () => {
    const app = await h.asApp(['RoleManagement.ReadWrite.Directory', 'User.Read.All']);
    const list = await app.get<Collection<unknown>>('/v1.0/roleManagement/directory/roleEligibilitySchedules');
    expect(list.status).toBe(200);
    expect(list.body.value.length).toBeGreaterThan(0);
    const post = await app.post(ROLE_REQUESTS, activateRole(adele.id, demoRoles.reportsReader));
    expect(post.status).toBe(403);
    expect(post.error?.code).toBe('Authorization_RequestDenied');
    const me = await app.get('/v1.0/me');
    expect(me.status).toBe(400);
    expect(me.error?.message).toBe('/me request is only valid with delegated authentication flow.');
  });

  it('refuses a self action for somebody else', async () => {
    const megan = await h.as(demoUsers.approver);
    const res = await megan.post(ROLE_REQUESTS, activateRole(adele.id, demoRoles.reportsReader));
    expect(res.status).toBe(403);
  });
});

describe('Graph simulator: paths', () => {
  it('answers an unknown segment like Graph', async () => {
    const adeleCaller = await h.as(adele);
    const res = await adeleCaller.get('/v1.0/roleManagement/directory/roleAssignmentApprovals/abc');
    expect(res.status).toBe(400);
    expect(res.error).toMatchObject({
      code: 'BadRequest',
      message: "Resource not found for the segment 'roleAssignmentApprovals'.",
    });
  });

  it("answers unknown ids with the resource family's 404 code", async () => {
    const adeleCaller = await h.as(adele);
    const user = await adeleCaller.get('/v1.0/users/00000000-0000-4000-8000-000000000000');
    expect(user.status).toBe(404);
    expect(user.error?.code).toBe('Request_ResourceNotFound');
    const request = await adeleCaller.get(`${ROLE_REQUESTS}/00000000-0000-4000-8000-000000000000`);
    expect(request.status).toBe(404);
    expect(request.error?.code).toBe('ResourceNotFound');
  });

  it('accepts filterByCurrentUser with URL-encoded quotes', async () => {
    const adeleCaller = await h.as(adele);
    const res = await adeleCaller.get<Collection<unknown>>(
      '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on=%27principal%27)',
    );
    expect(res.status).toBe(200);
    expect(res.body.value.length).toBe(demoTenant.roleEligibilities.filter((e) => e.principalId === adele.id).length);
  });

  it('serves users by id or UPN', async () => {
    const caller = await h.as(adele);
    const byUpn = await caller.get<User>('/v1.0/users/megan@contoso.example');
    expect(byUpn.body).toMatchObject({ id: demoUsers.approver.id, displayName: 'Megan Bowen' });
  });
});
