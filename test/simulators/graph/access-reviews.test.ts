import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoAccessReviewIds as ids } from '../../../simulators/tenant/demo-access-reviews';
import { demoTenant, demoUsers } from '../../../simulators/tenant/demo-tenant';
import type { TenantFixture } from '../../../simulators/tenant/tenant-fixture';
import { GraphContract } from '../../contract/graph-contract';
import { bigReview } from '../../support/access-review-fixtures';
import { type Collection, type GraphResult, type Harness, startHarness } from './support';

/**
 * Issue 18, access reviews as the reviewer sees them (FEATURES-API.md §1, FIDELITY.md "Access reviews"). Every
 * exchange is held to features-openapi-v1.0.yaml; expected values are the demo fixture's (Megan reviews
 * Adele's and Isaiah's Global Administrator eligibility) and the docs' (decision values, 204 on writes).
 */

let h: Harness;
const contract = GraphContract.load({ family: 'features' });
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const { requester: adele, approver: megan } = demoUsers;
const RW = ['AccessReview.ReadWrite.All'];
const DEFS = '/v1.0/identityGovernance/accessReviews/definitions';
const INST = `${DEFS}/${ids.definition}/instances/${ids.instance}`;
const MY_ITEMS = `${INST}/decisions/filterByCurrentUser(on='reviewer')`;
type Item = Record<string, unknown>;

async function call<T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<GraphResult<T>> {
  const res = await h.request<T>(method, path, { token, body });
  const violations = contract.check({
    method,
    url: path,
    requestBody: body,
    status: res.status,
    responseBody: res.body,
  });
  expect(violations, JSON.stringify(violations)).toEqual([]);
  return res;
}
const tokenFor = (user = megan, scopes = RW) => h.userToken(user, { scopes });

async function items(token?: string): Promise<Map<string, Item>> {
  const res = await call<Collection<Item>>('GET', MY_ITEMS, token ?? (await tokenFor()));
  expect(res.status).toBe(200);
  return new Map(res.body.value.map((i) => [String(i.id), i]));
}

describe("finding the reviewer's pending items (§1.1)", () => {
  it('definitions, their in-progress instances and the items, for the reviewer', async () => {
    const token = await tokenFor(megan, ['AccessReview.Read.All']);
    const defs = await call<Collection<Item>>('GET', `${DEFS}/filterByCurrentUser(on='reviewer')`, token);
    expect(defs.status).toBe(200);
    expect(defs.body.value.map((d) => d.id)).toEqual([ids.definition]);
    expect(defs.body.value[0]?.settings).toMatchObject({
      justificationRequiredOnApproval: true,
      recommendationsEnabled: true,
      defaultDecision: 'Deny',
    });
    const inst = await call<Collection<Item>>(
      'GET',
      `${DEFS}/${ids.definition}/instances/filterByCurrentUser(on='reviewer')?$filter=status eq 'InProgress'`,
      token,
    );
    expect(inst.body.value.map((i) => i.id)).toEqual([ids.instance]);
    const pending = await call<Collection<Item>>('GET', `${MY_ITEMS}?$filter=decision eq 'NotReviewed'`, token);
    const byPrincipal = new Map(pending.body.value.map((i) => [(i.principal as Item).id, i]));
    expect([...byPrincipal.keys()].sort()).toEqual([adele.id, demoUsers.admin.id].sort());
    expect(byPrincipal.get(adele.id)).toMatchObject({
      recommendation: 'Deny',
      decision: 'NotReviewed',
      accessReviewId: ids.instance,
    });
    expect(byPrincipal.get(adele.id)?.reviewedBy).toMatchObject({ id: '00000000-0000-0000-0000-000000000000' });
  });

  it('someone who reviews nothing gets empty lists; on= other than reviewer is refused', async () => {
    const token = await tokenFor(adele);
    const defs = await call<Collection<Item>>('GET', `${DEFS}/filterByCurrentUser(on='reviewer')`, token);
    expect(defs.body.value).toEqual([]);
    expect((await call<Collection<Item>>('GET', MY_ITEMS, token)).body.value).toEqual([]);
    // Not a value of the function's enum: the contract refuses the request too, so it is sent unchecked.
    const bad = await h.request('GET', `${DEFS}/filterByCurrentUser(on='principal')`, { token });
    expect(bad.status).toBe(400);
  });

  it('a token without AccessReview.* is refused with 403', async () => {
    const res = await call('GET', `${DEFS}/filterByCurrentUser(on='reviewer')`, await tokenFor(megan, ['User.Read']));
    expect(res.status).toBe(403);
    expect(res.error?.message).toContain('AccessReview.Read.All');
  });
});

describe('recording decisions (§1.3)', () => {
  for (const [decision, justification] of [
    ['Approve', 'Still on the on-call rota'],
    ['Deny', 'Left the team'],
    ['DontKnow', ''],
  ] as const) {
    it(`PATCH ${decision}: 204, then the item reads back the decision, the reviewer and the time`, async () => {
      const token = await tokenFor();
      const before = h.clock.now().getTime();
      const res = await call('PATCH', `${INST}/decisions/${ids.isaiahItem}`, token, { decision, justification });
      expect(res.status).toBe(204);
      const item = (await items(token)).get(ids.isaiahItem);
      expect(item).toMatchObject({ decision, justification });
      expect(item?.reviewedBy).toMatchObject({ id: megan.id });
      const reviewedAt = Date.parse(String(item?.reviewedDateTime));
      expect(reviewedAt).toBeGreaterThanOrEqual(before);
      expect(reviewedAt).toBeLessThanOrEqual(h.clock.now().getTime());
    });
  }

  it('Approve without a justification is refused when justificationRequiredOnApproval; Deny is not', async () => {
    const token = await tokenFor();
    const res = await call('PATCH', `${INST}/decisions/${ids.adeleItem}`, token, { decision: 'Approve' });
    expect(res.status).toBe(400);
    expect((await items(token)).get(ids.adeleItem)?.decision).toBe('NotReviewed');
    const deny = await call('PATCH', `${INST}/decisions/${ids.adeleItem}`, token, { decision: 'Deny' });
    expect(deny.status).toBe(204);
  });

  it('a non-reviewer is refused with 403 and nothing changes; app-only tokens are refused', async () => {
    const res = await call('PATCH', `${INST}/decisions/${ids.adeleItem}`, await tokenFor(adele), {
      decision: 'Approve',
      justification: 'me',
    });
    expect(res.status).toBe(403);
    const app = await h.appToken(RW);
    expect((await call('PATCH', `${INST}/decisions/${ids.adeleItem}`, app, { decision: 'Deny' })).status).toBe(403);
    expect((await items()).get(ids.adeleItem)?.decision).toBe('NotReviewed');
  });

  it('Read.All cannot write; an unknown decision value and other properties are 400', async () => {
    const read = await tokenFor(megan, ['AccessReview.Read.All']);
    expect((await call('PATCH', `${INST}/decisions/${ids.adeleItem}`, read, { decision: 'Deny' })).status).toBe(403);
    const token = await tokenFor();
    expect((await call('PATCH', `${INST}/decisions/${ids.adeleItem}`, token, { decision: 'Maybe' })).status).toBe(400);
    expect(
      (
        await h.request('PATCH', `${INST}/decisions/${ids.adeleItem}`, {
          token,
          body: { decision: 'Deny', recommendation: 'Approve' },
        })
      ).status,
    ).toBe(400);
  });

  it('a completed instance refuses decisions', async () => {
    const fixture: TenantFixture = structuredClone(demoTenant);
    const review = fixture.accessReviews?.[0];
    if (!review?.instances[0]) throw new Error('demo review missing');
    review.instances[0].status = 'Completed';
    h.reset(fixture);
    const res = await call('PATCH', `${INST}/decisions/${ids.adeleItem}`, await tokenFor(), { decision: 'Deny' });
    expect(res.status).toBe(400);
  });

  it('acceptRecommendations: each NotReviewed item takes its recommendation, decided items are kept', async () => {
    const token = await tokenFor();
    await call('PATCH', `${INST}/decisions/${ids.isaiahItem}`, token, { decision: 'DontKnow' });
    const res = await call('POST', `${INST}/acceptRecommendations`, token);
    expect(res.status).toBe(204);
    const after = await items(token);
    expect(after.get(ids.adeleItem)?.decision).toBe('Deny');
    expect(after.get(ids.isaiahItem)?.decision).toBe('DontKnow');
  });

  it('batchRecordDecisions narrowed to one principal decides only their items', async () => {
    const token = await tokenFor();
    const res = await call('POST', `${INST}/batchRecordDecisions`, token, {
      decision: 'Deny',
      justification: 'Rotation ended',
      principalId: adele.id,
    });
    expect(res.status).toBe(204);
    const after = await items(token);
    expect(after.get(ids.adeleItem)).toMatchObject({ decision: 'Deny', justification: 'Rotation ended' });
    expect(after.get(ids.isaiahItem)?.decision).toBe('NotReviewed');
  });
});

describe('paging (§1.1: default page 100, $top/$skip, @odata.nextLink)', () => {
  it('a 500-item review comes in five pages of 100 by nextLink', async () => {
    const fixture = bigReview(500);
    h.reset(fixture);
    const token = await tokenFor();
    const seen = new Set<string>();
    let url: string | undefined = MY_ITEMS;
    let pages = 0;
    while (url) {
      const res: GraphResult<Collection<Item>> = await call<Collection<Item>>('GET', url.replace(h.sim.url, ''), token);
      pages++;
      expect(res.body.value.length).toBe(100);
      for (const i of res.body.value) seen.add(String(i.id));
      url = res.body['@odata.nextLink'];
    }
    expect(pages).toBe(5);
    expect(seen.size).toBe(500);
  });
});

describe('review fixtures', () => {
  it('a review naming a user the tenant lacks is refused when loaded', () => {
    const fixture: TenantFixture = structuredClone(demoTenant);
    const review = fixture.accessReviews?.[0];
    if (!review) throw new Error('demo review missing');
    review.reviewerIds = ['0d0d0d0d-0000-4000-8000-000000000001'];
    expect(() => h.reset(fixture)).toThrow(/accessReview .*unknown user 0d0d0d0d-0000-4000-8000-000000000001/);
  });
});
