import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoAccessReviewIds as ids } from '../../simulators/tenant/demo-access-reviews';
import { demoTenant, demoUsers } from '../../simulators/tenant/demo-tenant';
import type { FixtureUser } from '../../simulators/tenant/tenant-fixture';
import type { GraphExchangeRecord } from '../../src/pim/graph-middleware';
import { GraphCallFailed, GraphTransport } from '../../src/pim/graph-transport';
import { AccessReviewClient, type ReviewSettings } from '../../src/reviews/access-review-client';
import { ReviewError, toReviewError } from '../../src/reviews/review-error';
import type { ContractViolation } from '../contract/graph-contract';
import { bigReview } from '../support/access-review-fixtures';
import { contractObserver } from '../support/contract-observer';
import { type PimTestStack, startPimTestStack, TEST_RETRY } from '../support/pim-stack';

/**
 * Issue 18: the access-review client against the Graph simulator through a real on-behalf-of token, every
 * exchange held to features-openapi-v1.0.yaml (contract observer). Expected values are the demo review's
 * (Megan reviews Adele's and Isaiah's Global Administrator eligibility; reasons required on approval) and
 * the docs' (FEATURES-API.md §1: decisions, recommendations, paging).
 */

let s: PimTestStack;
const exchanges: GraphExchangeRecord[] = [];
const violations: ContractViolation[] = [];
beforeAll(async () => {
  s = await startPimTestStack();
});
afterAll(() => s.close());
beforeEach(() => {
  s.stack.graph.loadFixture(demoTenant);
  exchanges.length = 0;
  violations.length = 0;
});
afterEach(() => {
  expect(violations, JSON.stringify(violations, null, 1)).toEqual([]);
});

const { requester: adele, approver: megan, admin: isaiah } = demoUsers;
const DEF = ids.definition;
const INST = ids.instance;
const REQUIRED: ReviewSettings = {
  justificationRequiredOnApproval: true,
  recommendationsEnabled: true,
  defaultDecision: 'Deny',
};

async function transportFor(user: FixtureUser): Promise<GraphTransport> {
  const credential = await s.credentialFor(user);
  return new GraphTransport({
    credential,
    graphBaseUrl: s.stack.graph.url,
    observer: contractObserver(exchanges, violations),
    retry: TEST_RETRY,
  });
}
const clientFor = async (user: FixtureUser) => new AccessReviewClient(await transportFor(user));
const patches = () => exchanges.filter((e) => e.method === 'PATCH');

async function caught(p: Promise<unknown>): Promise<ReviewError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReviewError);
  return err as ReviewError;
}

describe('listing', () => {
  it("Megan's pending review: the definition's name, settings and the instance's due date", async () => {
    const reviews = await (await clientFor(megan)).listMyPendingReviews();
    expect(reviews).toHaveLength(1);
    const [r] = reviews;
    expect(r).toMatchObject({
      definitionId: DEF,
      definitionName: 'Quarterly review: Global Administrator eligibility',
      instanceId: INST,
      settings: REQUIRED,
    });
    // The demo instance started 7 days before the fixture loaded and lasts 14 days: due in about a week.
    const due = Date.parse(r?.dueDateTime ?? '');
    const now = s.stack.clock.now().getTime();
    expect(due - now).toBeGreaterThan(6 * 86_400_000);
    expect(due - now).toBeLessThan(8 * 86_400_000);
  });

  it('someone who reviews nothing has no pending reviews', async () => {
    expect(await (await clientFor(adele)).listMyPendingReviews()).toEqual([]);
  });

  it('the items: who, the recommendation, not reviewed yet', async () => {
    const page = await (await clientFor(megan)).listItems(DEF, INST);
    expect(page.nextSkip).toBeNull();
    const byName = new Map(page.items.map((i) => [i.principalName, i]));
    expect([...byName.keys()].sort()).toEqual([adele.displayName, isaiah.displayName]);
    expect(byName.get(adele.displayName)).toMatchObject({
      principalId: adele.id,
      recommendation: 'Deny',
      decision: 'NotReviewed',
      reviewedBy: null,
    });
    expect(byName.get(isaiah.displayName)?.recommendation).toBe('Approve');
  });

  it('a 500-item review, 100 at a time: five pages, every item once', async () => {
    s.stack.graph.loadFixture(bigReview(500));
    const client = await clientFor(megan);
    const seen = new Set<string>();
    let skip: number | null = 0;
    let pages = 0;
    while (skip !== null) {
      const page = await client.listItems(DEF, INST, { top: 100, skip, pendingOnly: true });
      pages++;
      for (const i of page.items) seen.add(i.id);
      skip = page.nextSkip;
    }
    expect(pages).toBe(5);
    expect(seen.size).toBe(500);
  });
});

describe('recording decisions', () => {
  for (const [decision, justification] of [
    ['Approve', 'Runs the on-call rota'],
    ['Deny', 'No longer an admin'],
    ['DontKnow', ''],
  ] as const) {
    it(`${decision}: recorded, read back with Megan as reviewer`, async () => {
      const result = await (await clientFor(megan)).recordDecision(
        DEF,
        INST,
        ids.isaiahItem,
        decision,
        justification,
        REQUIRED,
      );
      expect(result.outcome).toBe('recorded');
      expect(result.item).toMatchObject({
        decision,
        justification,
        reviewedBy: { id: megan.id, displayName: megan.displayName },
      });
      expect(patches()).toHaveLength(1);
    });
  }

  it('an approval without a reason is refused before calling Graph when the settings require one', async () => {
    const err = await caught(
      (await clientFor(megan)).recordDecision(DEF, INST, ids.adeleItem, 'Approve', ' ', REQUIRED),
    );
    expect(err.kind).toBe('JustificationRequired');
    expect(patches()).toHaveLength(0);
  });

  it("without the settings, Graph's 400 becomes JustificationRequired", async () => {
    const err = await caught((await clientFor(megan)).recordDecision(DEF, INST, ids.adeleItem, 'Approve', ''));
    expect(err).toMatchObject({ kind: 'JustificationRequired', httpStatus: 400 });
    expect(err.fix).toMatch(/reason/);
  });

  it("a non-reviewer's decision is refused and nothing is written", async () => {
    const err = await caught(
      (await clientFor(adele)).recordDecision(DEF, INST, ids.adeleItem, 'Approve', 'I still need it'),
    );
    expect(err.kind).toBe('NotReviewer');
    expect(patches()).toHaveLength(0);
    // Straight to Graph, the PATCH is refused too (403), and reads as NotReviewer.
    const raw = await (await transportFor(adele))
      .patch(`/identityGovernance/accessReviews/definitions/${DEF}/instances/${INST}/decisions/${ids.adeleItem}`, {
        decision: 'Approve',
        justification: 'I still need it',
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(raw).toBeInstanceOf(GraphCallFailed);
    const failure = (raw as GraphCallFailed).failure;
    expect(failure.httpStatus).toBe(403);
    expect(toReviewError(failure, 'decide').kind).toBe('NotReviewer');
    const items = (await (await clientFor(megan)).listItems(DEF, INST)).items;
    expect(items.map((i) => i.decision)).toEqual(['NotReviewed', 'NotReviewed']);
  });

  it('a decision already made in the portal is read back, not overwritten (first write wins)', async () => {
    const client = await clientFor(megan);
    const before = await client.listItems(DEF, INST);
    expect(before.items.find((i) => i.id === ids.adeleItem)?.decision).toBe('NotReviewed');
    // Meanwhile Megan denies Adele in the My Access portal (a PATCH of its own).
    await (await transportFor(megan)).patch(
      `/identityGovernance/accessReviews/definitions/${DEF}/instances/${INST}/decisions/${ids.adeleItem}`,
      {
        decision: 'Deny',
        justification: 'Decided in My Access',
      },
    );
    exchanges.length = 0;
    const result = await client.recordDecision(DEF, INST, ids.adeleItem, 'Approve', 'From the Teams card', REQUIRED);
    expect(result.outcome).toBe('alreadyDecided');
    expect(result.item).toMatchObject({ decision: 'Deny', justification: 'Decided in My Access' });
    expect(patches()).toHaveLength(0);
    const after = await client.listItems(DEF, INST);
    expect(after.items.find((i) => i.id === ids.adeleItem)?.decision).toBe('Deny');
  });

  it('acceptRecommendations: Adele denied, Isaiah approved, as recommended', async () => {
    const client = await clientFor(megan);
    await client.acceptRecommendations(DEF, INST);
    const items = new Map((await client.listItems(DEF, INST)).items.map((i) => [i.id, i.decision]));
    expect(items.get(ids.adeleItem)).toBe('Deny');
    expect(items.get(ids.isaiahItem)).toBe('Approve');
  });

  it('a completed review refuses a decision with ReviewClosed', async () => {
    const fixture = structuredClone(demoTenant);
    const inst = fixture.accessReviews?.[0]?.instances[0];
    if (!inst) throw new Error('demo review missing');
    inst.status = 'Completed';
    s.stack.graph.loadFixture(fixture);
    const err = await caught((await clientFor(megan)).recordDecision(DEF, INST, ids.isaiahItem, 'Deny', 'Too late'));
    expect(err.kind).toBe('ReviewClosed');
  });

  it('an id that is not a GUID never reaches Graph', async () => {
    const err = await caught((await clientFor(megan)).recordDecision(DEF, INST, "x' or id ne '", 'Deny', ''));
    expect(err.kind).toBe('BadRequest');
    expect(exchanges).toHaveLength(0);
  });
});
