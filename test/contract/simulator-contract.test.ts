import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auScope, demoAdministrativeUnits, demoRoles, demoUsers } from '../../simulators/tenant/demo-tenant';
import {
  activateRole,
  type Collection,
  type GraphResult,
  type Harness,
  ROLE_REQUESTS,
  startHarness,
} from '../simulators/graph/support';
import { FEATURES_PATHS } from '../support/contract-observer';
import { GraphContract } from './graph-contract';

/**
 * The Graph simulator's answers on the endpoints added for administrative-unit scopes (issue 15), held to
 * Microsoft's PIM description (PIM-API.md, pim-openapi-*.yaml): requests and responses both, through the real
 * simulator. Expected values are the fixture's (the unit the eligibility names) and the docs' (`directoryScope`
 * is the directoryObject `directoryScopeId` names, null for the tenant-wide `/`: PIM-API.md §1, §5). The Teams
 * app endpoints are held to the features description by test/simulators/graph/teams-apps.test.ts and, for the
 * bot's own calls, by every bot harness (test/support/bot-harness.ts).
 */

const pim = GraphContract.load();
const features = GraphContract.load({ family: 'features' });
const { requester: adele } = demoUsers;
const SALES = demoAdministrativeUnits.sales;
const ROLES = '/v1.0/roleManagement/directory';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

type Item = Record<string, unknown>;

/** Sends as Adele and holds request and response to the PIM description. */
async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<GraphResult<T>> {
  const res = await h.request<T>(method, path, { token: await h.userToken(adele), body });
  const violations = pim.check({ method, url: path, requestBody: body, status: res.status, responseBody: res.body });
  expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
  return res;
}

/** Authentication Administrator items of a page, by scope. */
function authAdminByScope(page: Collection<Item>): Map<string, Item> {
  return new Map(
    page.value
      .filter((i) => i.roleDefinitionId === demoRoles.authenticationAdministrator)
      .map((i) => [String(i.directoryScopeId), i]),
  );
}

const salesUnit = {
  '@odata.type': '#microsoft.graph.administrativeUnit',
  id: SALES.id,
  displayName: SALES.displayName,
  description: SALES.description,
};

describe('$expand=directoryScope (administrative units)', () => {
  for (const collection of ['roleEligibilityScheduleInstances', 'roleEligibilitySchedules']) {
    it(`${collection}/filterByCurrentUser: the unit for an AU-scoped eligibility, null tenant-wide`, async () => {
      const res = await call<Collection<Item>>(
        'GET',
        `${ROLES}/${collection}/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope`,
      );
      expect(res.status).toBe(200);
      const byScope = authAdminByScope(res.body);
      expect([...byScope.keys()].sort()).toEqual(['/', auScope(SALES.id)]);
      expect(byScope.get(auScope(SALES.id))?.directoryScope).toMatchObject(salesUnit);
      expect(byScope.get('/')?.directoryScope).toBeNull();
    });
  }

  it('an activation at the unit: the request names the scope, and its instance expands to the unit', async () => {
    const body = {
      ...activateRole(adele.id, demoRoles.authenticationAdministrator),
      directoryScopeId: auScope(SALES.id),
    };
    const created = await call<Item>('POST', ROLE_REQUESTS, body);
    expect(created.status).toBe(201);
    expect(created.body.directoryScopeId).toBe(auScope(SALES.id));
    const instances = await call<Collection<Item>>(
      'GET',
      `${ROLES}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=directoryScope`,
    );
    const active = authAdminByScope(instances.body);
    expect([...active.keys()]).toEqual([auScope(SALES.id)]);
    expect(active.get(auScope(SALES.id))?.directoryScope).toMatchObject(salesUnit);
    const schedules = await call<Collection<Item>>(
      'GET',
      `${ROLES}/roleAssignmentSchedules/filterByCurrentUser(on='principal')?$expand=directoryScope`,
    );
    expect(authAdminByScope(schedules.body).get(auScope(SALES.id))?.directoryScope).toMatchObject(salesUnit);
    const requests = await call<Collection<Item>>(
      'GET',
      `${ROLES}/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$expand=directoryScope`,
    );
    expect(authAdminByScope(requests.body).get(auScope(SALES.id))?.directoryScope).toMatchObject(salesUnit);
  });
});

describe('Teams app installations are held to the features description', () => {
  // The calls src/teams/teams-app-installations.ts and the approver installer make (FEATURES-API.md §3).
  const USER = '/v1.0/users/6e7b768e-07e2-4810-8459-485f84f8f204/teamwork/installedApps';
  const calls = [
    ['GET', "/v1.0/appCatalogs/teamsApps?$filter=externalId eq '8f0c6a2e-1b3d-4e5f-9a7b-0c1d2e3f4a5b'"],
    ['GET', `${USER}?$expand=teamsApp&$filter=teamsApp/externalId eq '8f0c6a2e-1b3d-4e5f-9a7b-0c1d2e3f4a5b'`],
    ['POST', USER],
    ['GET', `${USER}/NmU3Yjc2OGUtMDdlMi00ODEwLTg0NTktNDg1Zjg0ZjhmMjA0IyM3ZDVlMmYxMA==/chat?$select=id`],
  ] as const;

  it('each call the bot makes is in the features description, and the contract observer checks it there', () => {
    for (const [method, url] of calls) {
      expect(features.match(method, url), `${method} ${url}`).toBeDefined();
      expect(pim.match(method, url), `${method} ${url}`).toBeUndefined();
      expect(FEATURES_PATHS.some((p) => p.test(new URL(url, 'https://graph.microsoft.com').pathname))).toBe(true);
    }
  });
});
