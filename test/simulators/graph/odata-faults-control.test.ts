import type {
  UnifiedRoleAssignmentScheduleInstance,
  UnifiedRoleDefinition,
  UnifiedRoleEligibilityScheduleInstance,
} from '@microsoft/microsoft-graph-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../simulators/graph';
import { demoGroups, demoRoles, demoTenant, demoUsers } from '../../../simulators/tenant/demo-tenant';
import { type Collection, type GraphCaller, type Harness, HOURS, startHarness } from './support';

const DIR = '/v1.0/roleManagement/directory';
const adeleUser = demoUsers.requester;

let h: Harness;
let adele: GraphCaller;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  h.reset();
  adele = await h.as(adeleUser);
});

/** The control API: plain HTTPS JSON, no Graph token. */
async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('OData query options', () => {
  it('pages with $top and an absolute https @odata.nextLink that keeps the other options', async () => {
    const seen: string[] = [];
    let page = await adele.get<Collection<UnifiedRoleDefinition>>(
      `${DIR}/roleDefinitions?$top=5&$select=id,displayName`,
    );
    expect(page.body['@odata.context']).toBe(
      `${h.sim.url}/v1.0/$metadata#roleManagement/directory/roleDefinitions(id,displayName)`,
    );
    for (;;) {
      expect(page.status).toBe(200);
      seen.push(...page.body.value.map((r) => r.id ?? ''));
      const next = page.body['@odata.nextLink'];
      if (!next) break;
      expect(
        next.startsWith(
          `${h.sim.url}/v1.0/roleManagement/directory/roleDefinitions?$top=5&$select=id,displayName&$skiptoken=`,
        ),
      ).toBe(true);
      page = await adele.get<Collection<UnifiedRoleDefinition>>(next);
      expect(page.body.value.length).toBeLessThanOrEqual(5);
    }
    expect(seen).toHaveLength(demoTenant.roleDefinitions.length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('$select returns only the selected properties; $count adds @odata.count', async () => {
    const res = await adele.get<Collection<UnifiedRoleDefinition>>(
      `${DIR}/roleDefinitions?$select=displayName&$count=true&$top=1`,
    );
    expect(res.body['@odata.count']).toBe(demoTenant.roleDefinitions.length);
    expect(Object.keys(res.body.value[0] ?? {})).toEqual(['displayName']);
    const bad = await adele.get(`${DIR}/roleDefinitions?$select=nope`);
    expect(bad.status).toBe(400);
  });

  it('$expand=roleDefinition,principal (principal as a #microsoft.graph.user) and nested $select', async () => {
    const res = await adele.get<
      Collection<UnifiedRoleEligibilityScheduleInstance & { principal: Record<string, unknown> }>
    >(
      `${DIR}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition($select=displayName),principal`,
    );
    const ga = res.body.value.find((e) => e.roleDefinitionId === demoRoles.globalAdministrator);
    expect(ga?.roleDefinition).toEqual({ displayName: 'Global Administrator' });
    expect(ga?.principal).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      id: adeleUser.id,
      displayName: 'Adele Vance',
    });
    expect(res.body['@odata.context']).toBe(
      `${h.sim.url}/v1.0/$metadata#Collection(unifiedRoleEligibilityScheduleInstance)`,
    );
    const bad = await adele.get(`${DIR}/roleEligibilityScheduleInstances?$expand=nope`);
    expect(bad.status).toBe(400);
  });

  it('$filter with eq, ne and and; an unknown property is a 400', async () => {
    const one = await adele.get<Collection<unknown>>(
      `${DIR}/roleEligibilitySchedules?$filter=principalId eq '${adeleUser.id}' and roleDefinitionId eq '${demoRoles.globalAdministrator}'`,
    );
    expect(one.body.value).toHaveLength(1);
    const others = await adele.get<Collection<{ principalId: string }>>(
      `${DIR}/roleEligibilitySchedules?$filter=principalId ne '${adeleUser.id}'`,
    );
    expect(others.body.value.length).toBeGreaterThan(0);
    expect(others.body.value.every((e) => e.principalId !== adeleUser.id)).toBe(true);
    const bad = await adele.get(`${DIR}/roleEligibilitySchedules?$filter=colour eq 'blue'`);
    expect(bad.status).toBe(400);
    expect(bad.error?.message).toBe(
      "Could not find a property named 'colour' on type 'microsoft.graph.unifiedRoleEligibilitySchedule'.",
    );
  });
});

describe('faults', () => {
  it('429 with Retry-After for the next N Graph calls, then normal again', async () => {
    expect(
      (await control('POST', '/_sim/faults', { kind: 'status', status: 429, count: 2, retryAfterSeconds: 7 })).status,
    ).toBe(204);
    for (let i = 0; i < 2; i++) {
      const res = await adele.get('/v1.0/me');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.error?.code).toBe('TooManyRequests');
    }
    expect((await adele.get('/v1.0/me')).status).toBe(200);
  });

  it('503 ServiceUnavailable, and DELETE /_sim/faults clears what is left', async () => {
    h.sim.injectFault({ kind: 'status', status: 503, count: 5 });
    const res = await adele.get('/v1.0/me');
    expect(res.status).toBe(503);
    expect(res.error?.code).toBe('ServiceUnavailable');
    expect((await control('DELETE', '/_sim/faults')).status).toBe(204);
    expect((await adele.get('/v1.0/me')).status).toBe(200);
  });

  it('adds latency to as many Graph calls as asked, then none', async () => {
    await control('POST', '/_sim/faults', { kind: 'latency', ms: 250, count: 1 });
    expect((await control('GET', '/_sim/faults')).body).toEqual({ value: [{ kind: 'latency', ms: 250, count: 1 }] });
    const t0 = performance.now();
    expect((await adele.get('/v1.0/me')).status).toBe(200);
    // A lower bound only (a loaded machine makes calls slower, never faster); 240: timers may fire a ms early.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
    // Used up by that one call: nothing is left to slow the next one down.
    expect((await control('GET', '/_sim/faults')).body).toEqual({ value: [] });
    expect((await adele.get('/v1.0/me')).status).toBe(200);
  });

  it('rejects an invalid fault', async () => {
    expect((await control('POST', '/_sim/faults', { kind: 'status', status: 500, count: 1 })).status).toBe(400);
  });
});

describe('call log', () => {
  it('records Graph calls (method, path with query, status, time, principal), in process and over HTTP', async () => {
    await adele.get('/v1.0/me?$select=id');
    await h.request('GET', '/v1.0/me');
    const calls = h.sim.calls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      method: 'GET',
      path: '/v1.0/me?$select=id',
      status: 200,
      principalId: adeleUser.id,
    });
    expect(calls[1]).toMatchObject({ status: 401 });
    expect(calls[1]?.principalId).toBeUndefined();
    expect(Date.parse(calls[0]?.time ?? '')).not.toBeNaN();

    const overHttp = (await control('GET', '/_sim/calls')).body as { value: CallRecord[] };
    expect(overHttp.value).toHaveLength(2);
    expect((await control('DELETE', '/_sim/calls')).status).toBe(204);
    expect(h.sim.calls()).toEqual([]);
  });
});

describe('control API', () => {
  it('reads and moves the simulated clock', async () => {
    const before = (await control('GET', '/_sim/clock')).body as { now: string };
    const moved = (await control('POST', '/_sim/clock', { advanceSeconds: 3600 })).body as { now: string };
    expect(Date.parse(moved.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(3600_000);
    const target = new Date(Date.parse(moved.now) + 2 * HOURS).toISOString();
    const set = (await control('POST', '/_sim/clock', { set: target })).body as { now: string };
    expect(Date.parse(set.now)).toBeGreaterThanOrEqual(Date.parse(target));
    expect((await control('POST', '/_sim/clock', { set: '2000-01-01T00:00:00Z' })).status).toBe(400);
  });

  it('creates an activation "made in the portal", visible through Graph', async () => {
    const res = await control('POST', '/_sim/activations', {
      principalId: adeleUser.id,
      roleDefinitionId: demoRoles.exchangeAdministrator,
      duration: 'PT2H',
      justification: 'Done in the portal',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'Provisioned', justification: 'Done in the portal' });
    const mine = await adele.get<Collection<UnifiedRoleAssignmentScheduleInstance>>(
      `${DIR}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')`,
    );
    expect(mine.body.value.map((i) => i.roleDefinitionId)).toEqual([demoRoles.exchangeAdministrator]);

    const group = h.sim.activate({
      principalId: adeleUser.id,
      groupId: demoGroups.helpdeskBundle.id,
      duration: 'PT1H',
    });
    expect(group.status).toBe('Provisioned');
    const members = await adele.get<Collection<{ id: string }>>(`/v1.0/groups/${demoGroups.helpdeskBundle.id}/members`);
    expect(members.body.value.map((m) => m.id)).toEqual([adeleUser.id]);
    expect(h.sim.snapshot().activations).toHaveLength(2);

    const notEligible = await control('POST', '/_sim/activations', {
      principalId: demoUsers.noAccess.id,
      roleDefinitionId: demoRoles.exchangeAdministrator,
      duration: 'PT1H',
    });
    expect(notEligible.status).toBe(400);
  });

  it('loads another fixture over HTTP, resetting state', async () => {
    h.sim.activate({ principalId: adeleUser.id, roleDefinitionId: demoRoles.reportsReader, duration: 'PT1H' });
    const renamed = { ...demoTenant, displayName: 'Fabrikam (test)' };
    expect((await control('POST', '/_sim/fixture', renamed)).status).toBe(204);
    expect(h.sim.fixture().displayName).toBe('Fabrikam (test)');
    expect(h.sim.snapshot().activations).toEqual([]);
    expect((await control('POST', '/_sim/fixture', { tenantId: 'nope' })).status).toBe(400);
  });
});
