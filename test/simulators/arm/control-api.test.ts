import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoArm } from '../../../simulators/arm/demo-arm';
import { demoUsers } from '../../../simulators/tenant/demo-tenant';
import { type ArmHarness, AUTHZ, PIM_API, startArmHarness } from './support';

/** The /_sim control API of the ARM simulator (simulators/arm/control.ts): what tests and the demo drive it with. */

let h: ArmHarness;
beforeAll(async () => {
  h = await startArmHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${h.sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('/_sim', () => {
  it('clock: moves forward only, by seconds or to a time', async () => {
    const before = Date.parse(h.sim.snapshot().now);
    const moved = await control('POST', '/_sim/clock', { advanceSeconds: 3600 });
    expect(moved.status).toBe(200);
    expect(Date.parse((moved.body as { now: string }).now) - before).toBeGreaterThanOrEqual(3600_000);
    expect((await control('POST', '/_sim/clock', { advanceSeconds: -1 })).status).toBe(400);
  });

  it('faults: a queued 503 answers the next ARM call with Retry-After, then ARM answers normally', async () => {
    expect(
      (await control('POST', '/_sim/faults', { kind: 'status', status: 503, count: 1, retryAfterSeconds: 3 })).status,
    ).toBe(204);
    const token = await h.token(demoUsers.requester);
    const path = `${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()&${PIM_API}`;
    const first = await h.call('GET', path, { token });
    expect([first.status, first.headers.get('Retry-After')]).toEqual([503, '3']);
    expect((await h.call('GET', path, { token })).status).toBe(200);
    expect((await control('POST', '/_sim/faults', { kind: 'status', status: 500, count: 1 })).status).toBe(400);
  });

  it('fixture: a valid one replaces the state, an invalid one is refused with the field named', async () => {
    const lonely = { ...demoArm, eligibilities: [] };
    expect((await control('POST', '/_sim/fixture', lonely)).status).toBe(204);
    const token = await h.token(demoUsers.requester);
    const res = await h.call<{ value: unknown[] }>(
      'GET',
      `${AUTHZ}/roleEligibilityScheduleInstances?$filter=asTarget()&${PIM_API}`,
      { token },
    );
    expect(res.body.value).toEqual([]);
    const bad = await control('POST', '/_sim/fixture', {
      ...demoArm,
      scopes: [{ id: '/x', displayName: 'x', type: 'tenant' }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('scopes.0.type');
  });

  it('state, calls, mfa-for-writes, stage-body-form; unknown endpoints 404', async () => {
    expect((await control('GET', '/_sim/state')).body).toMatchObject({ requests: [], active: [], approvals: [] });
    expect((await control('POST', '/_sim/mfa-for-writes', { enabled: true })).status).toBe(204);
    expect((await control('POST', '/_sim/stage-body-form', { form: 'wrapped' })).status).toBe(204);
    expect((await control('POST', '/_sim/stage-body-form', { form: 'xml' })).status).toBe(400);
    expect((await control('GET', '/_sim/calls')).body).toEqual([]);
    expect((await control('GET', '/_sim/nothing')).status).toBe(404);
  });
});
