import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureActivationPolicy, TenantFixture } from '../../../simulators/tenant/tenant-fixture';
import {
  activateGroup,
  activateRole,
  type Collection,
  deactivateRole,
  GROUP_REQUESTS,
  type GraphCaller,
  type Harness,
  HOURS,
  MINUTES,
  ROLE_REQUESTS,
  startHarness,
} from './support';

/**
 * Reads that name one principal (filterByCurrentUser(on='principal'), `$filter=principalId eq '…'`,
 * `groupId eq '…'`, GET by id) are served from the simulator's indexes. They must answer exactly what the
 * whole collection holds for that principal, in the collection's order, page by page, whatever happened
 * in the tenant: activations, scheduled ones, approvals, denials, time-outs, cancellations,
 * deactivations, fixture reloads. The reference is the same collection read without an index: the whole
 * listing, or a filter that pins nobody (`(principalId eq 'x' or principalId eq 'x')`).
 */

const id = (n: number) => `5c0e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [u1, u2, u3, u4, u5, approver, g1, g2, r1, r2, r3, nobody] = Array.from({ length: 12 }, (_, i) => id(i + 1)) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const user = (uid: string, name: string) => ({ id: uid, displayName: name, userPrincipalName: `${name}@idx.example` });
const open: FixtureActivationPolicy = { maximumDuration: 'PT8H', enabledRules: [] };
const approved: FixtureActivationPolicy = {
  ...open,
  approvers: [{ type: 'singleUser', userId: approver }],
  approverJustificationRequired: false,
};
const past = new Date(Date.now() - 2 * HOURS).toISOString();
const later = new Date(Date.now() + 30 * 24 * HOURS).toISOString();

function fixture(withU1: boolean): TenantFixture {
  const role = (rid: string, name: string) => ({
    id: rid,
    displayName: name,
    description: name,
    isBuiltIn: false,
    templateId: rid,
  });
  const eligible = (principalId: string, roleDefinitionId: string, extra = {}) => ({
    principalId,
    roleDefinitionId,
    directoryScopeId: '/',
    ...extra,
  });
  return {
    tenantId: '5c0e0000-0000-4000-8000-00000000ffff',
    domain: 'idx.example',
    displayName: 'Index agreement',
    users: [user(u1, 'u1'), user(u2, 'u2'), user(u3, 'u3'), user(u4, 'u4'), user(u5, 'u5'), user(approver, 'ap')],
    groups: [
      { id: g1, displayName: 'Role holders', isAssignableToRole: true, memberIds: [u1] },
      { id: g2, displayName: 'Helpdesk', memberIds: [u2] },
    ],
    roleDefinitions: [role(r1, 'R1'), role(r2, 'R2'), role(r3, 'R3')],
    rolePolicies: [
      { roleDefinitionId: r1, policyGuid: id(101), activation: open },
      { roleDefinitionId: r2, policyGuid: id(102), activation: approved },
      { roleDefinitionId: r3, policyGuid: id(103), activation: open },
    ],
    groupPolicies: [
      { groupId: g1, accessId: 'member', policyGuid: id(104), activation: open },
      { groupId: g2, accessId: 'member', policyGuid: id(105), activation: open },
      { groupId: g2, accessId: 'owner', policyGuid: id(106), activation: approved },
    ],
    roleEligibilities: [
      ...(withU1 ? [eligible(u1, r1), eligible(u1, r2)] : []),
      eligible(u2, r1),
      eligible(u2, r2),
      eligible(u3, r1, { startDateTime: later }), // a schedule, not yet an instance
      eligible(u3, r3, { endDateTime: past }), // ended: neither
      eligible(u4, r1),
      eligible(u4, r1), // listed twice: two entries with one id
      eligible(u5.toUpperCase(), r1), // ids compare case-insensitively
    ],
    groupEligibilities: [
      ...(withU1 ? [{ principalId: u1, groupId: g2, accessId: 'member' as const }] : []),
      { principalId: u2, groupId: g1, accessId: 'member' },
      { principalId: u3, groupId: g2, accessId: 'member' },
      { principalId: u3, groupId: g2, accessId: 'owner' },
      { principalId: u4, groupId: g2, accessId: 'member' },
    ],
    roleAssignments: [
      { principalId: g1, roleDefinitionId: r3, directoryScopeId: '/' },
      { principalId: u4, roleDefinitionId: r3, directoryScopeId: '/' },
    ],
  };
}

const ROLES = '/v1.0/roleManagement/directory';
const GROUPS = '/v1.0/identityGovernance/privilegedAccess/group';
const ROLE_SETS = [
  'roleEligibilitySchedules',
  'roleEligibilityScheduleInstances',
  'roleAssignmentSchedules',
  'roleAssignmentScheduleInstances',
  'roleAssignmentScheduleRequests',
].map((s) => `${ROLES}/${s}`);
const GROUP_SETS = [
  'eligibilitySchedules',
  'eligibilityScheduleInstances',
  'assignmentSchedules',
  'assignmentScheduleInstances',
  'assignmentScheduleRequests',
].map((s) => `${GROUPS}/${s}`);
const BY_ID = [
  ...ROLE_SETS.filter((s) => /Eligibility|Requests/.test(s)),
  ...GROUP_SETS.filter((s) => /eligibility|Requests/.test(s)),
];
const PRINCIPALS = [u1, u2, u3, u4, u5, approver, g1, nobody, u1.toUpperCase(), u5.toUpperCase()];

type Item = Record<string, unknown>;

let h: Harness;
let app: GraphCaller;
const as: Record<string, GraphCaller> = {};
beforeAll(async () => {
  h = await startHarness(fixture(true));
  app = await h.asApp([
    'RoleManagement.ReadWrite.Directory',
    'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    'PrivilegedAssignmentSchedule.Read.AzureADGroup',
  ]);
  for (const u of [u1, u2, u3, u4, u5, approver]) as[u] = await h.as(user(u, u));
});
afterAll(() => h.close());

/** Every page of a read (2 items a page, so paging is compared too). */
async function pages(caller: GraphCaller, path: string): Promise<Item[][]> {
  const out: Item[][] = [];
  let res = await caller.get<Collection<Item>>(`${path}${path.includes('?') ? '&' : '?'}$top=2`);
  for (;;) {
    expect(res.status, `${path}: ${JSON.stringify(res.error)}`).toBe(200);
    out.push(res.body.value);
    const next = res.body['@odata.nextLink'];
    if (!next) return out;
    res = await caller.get<Collection<Item>>(next);
  }
}

const filtered = (set: string, text: string) => `${set}?$filter=${encodeURIComponent(text)}`;
const untyped = (items: Item[]) => items.map(({ '@odata.type': _, ...rest }) => rest);
const sameId = (a: unknown, b: string) => String(a).toLowerCase() === b.toLowerCase();

async function expectAgreement(): Promise<void> {
  for (const set of [...ROLE_SETS, ...GROUP_SETS]) {
    const isGroupSet = set.startsWith(GROUPS);
    // Group collections answer nothing without a principal or group filter: the reference pins nobody.
    const everything = isGroupSet
      ? (await pages(app, filtered(set, `groupId eq '${g1}' or groupId eq '${g2}'`))).flat()
      : (await pages(app, set)).flat();
    for (const p of PRINCIPALS) {
      const pinned = await pages(app, filtered(set, `principalId eq '${p}'`));
      expect(pinned, `${set} for ${p}`).toEqual(
        await pages(app, filtered(set, `(principalId eq '${p}' or principalId eq '${p}')`)),
      );
      expect(pinned.flat(), `${set} for ${p}`).toEqual(everything.filter((i) => sameId(i.principalId, p)));
    }
    if (isGroupSet) {
      for (const g of [g1, g2.toUpperCase()]) {
        const pinned = await pages(app, filtered(set, `groupId eq '${g}'`));
        expect(pinned, `${set} of ${g}`).toEqual(
          await pages(app, filtered(set, `(groupId eq '${g}' or groupId eq '${g}')`)),
        );
      }
    }
    for (const [u, caller] of Object.entries(as)) {
      const mine = untyped((await pages(caller, `${set}/filterByCurrentUser(on='principal')`)).flat());
      // "This API doesn't return active role assignments through group memberships" (PIM-API.md §1.5).
      const throughGroups = set === `${ROLES}/roleAssignmentScheduleInstances`;
      const expected = everything.filter(
        (i) => sameId(i.principalId, u) && !(throughGroups && i.memberType === 'Group'),
      );
      expect(mine, `${set}/filterByCurrentUser for ${u}`).toEqual(expected);
      if (set === `${GROUPS}/assignmentScheduleRequests`) {
        const made = untyped((await pages(caller, `${set}/filterByCurrentUser(on='createdBy')`)).flat());
        expect(made).toEqual(everything.filter((i) => sameId((i.createdBy as { user: { id: string } }).user.id, u)));
      }
    }
    if (BY_ID.includes(set)) {
      for (const item of everything) {
        const res = await app.get<Item>(`${set}/${String(item.id).toUpperCase()}`);
        expect(res.status).toBe(200);
        const { '@odata.context': _, ...body } = res.body;
        expect(body).toEqual(item);
      }
      expect((await app.get(`${set}/${nobody}`)).status).toBe(404);
    }
  }
}

async function post(caller: GraphCaller, path: string, body: Record<string, unknown>): Promise<string> {
  const res = await caller.post<{ id: string }>(path, body);
  expect(res.status, JSON.stringify(res.error)).toBe(201);
  return res.body.id;
}

const decide = async (requestId: string, reviewResult: 'Approve' | 'Deny') =>
  expect(
    (
      await h.request('POST', `/_sim/requests/${requestId}/decision`, {
        body: { approverId: approver, reviewResult, justification: 'ok' },
      })
    ).status,
  ).toBe(204);

describe('indexed reads agree with the whole collection', () => {
  it('on a fresh tenant, through activations, approvals, time-outs, cancellations, deactivations and reloads', async () => {
    h.sim.loadFixture(fixture(true));
    await expectAgreement();

    await post(as[u1]!, ROLE_REQUESTS, activateRole(u1, r1));
    const scheduled = new Date(h.clock.now().getTime() + 2 * HOURS).toISOString();
    const u2Later = await post(as[u2]!, ROLE_REQUESTS, activateRole(u2, r1, { startDateTime: scheduled }));
    const u1Asks = await post(as[u1]!, ROLE_REQUESTS, activateRole(u1, r2));
    await post(as[u2]!, ROLE_REQUESTS, activateRole(u2, r2)); // left waiting: it times out
    await post(as[u2]!, GROUP_REQUESTS, activateGroup(u2, g1)); // u2 holds R3 through g1 (memberType Group)
    await post(as[u3]!, GROUP_REQUESTS, activateGroup(u3, g2));
    const ownerAsk = await post(as[u3]!, GROUP_REQUESTS, activateGroup(u3, g2, { accessId: 'owner' }));
    await post(as[u5]!, ROLE_REQUESTS, activateRole(u5, r1));
    await expectAgreement();

    await decide(u1Asks, 'Approve');
    await decide(ownerAsk, 'Deny');
    h.clock.advance(10 * MINUTES);
    await post(as[u1]!, ROLE_REQUESTS, deactivateRole(u1, r1));
    expect((await as[u2]!.post(`${ROLE_REQUESTS}/${u2Later}/cancel`)).status).toBe(204);
    await expectAgreement();

    h.clock.advance(25 * HOURS); // u2's approval times out; every activation has ended
    await post(as[u1]!, ROLE_REQUESTS, activateRole(u1, r1));
    await expectAgreement();

    h.sim.loadFixture(fixture(true));
    await expectAgreement();
    h.sim.loadFixture(fixture(false));
    await post(as[u4]!, ROLE_REQUESTS, activateRole(u4, r1));
    await expectAgreement();
  });

  it('refuses a filter naming an unknown property as the whole collection would, principal or not', async () => {
    h.sim.loadFixture(fixture(true));
    const set = `${ROLES}/roleEligibilitySchedules`;
    // Evaluated against the other principals' eligibilities first, the unknown name is refused (400).
    const res = await app.get(filtered(set, `nosuch eq 1 and principalId eq '${nobody}'`));
    expect(res.status).toBe(400);
    expect(res.error?.message).toContain("Could not find a property named 'nosuch'");
    expect((await app.get(filtered(set, `principalId eq '${u2}' and nosuch eq 1`))).status).toBe(400);
  });
});
