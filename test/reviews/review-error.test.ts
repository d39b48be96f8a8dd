import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccessReviewIds as ids } from '../../simulators/tenant/demo-access-reviews';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import type { GraphFailure } from '../../src/pim/to-pim-error';
import { toReviewError } from '../../src/reviews/review-error';
import { type Harness, startHarness } from '../simulators/graph/support';

/**
 * The refusals the client cannot reach through the bot's own token (it always carries
 * AccessReview.ReadWrite.All), taken from the simulator's real answers (FEATURES-API.md §1.7, §1.8) and
 * read as the bot must tell them: a missing permission is the admin's to fix, not the reviewer's.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ITEMS = `/v1.0/identityGovernance/accessReviews/definitions/${ids.definition}/instances/${ids.instance}/decisions`;

async function failureOf(path: string, scopes: string[], method = 'GET', body?: unknown): Promise<GraphFailure> {
  const res = await h.request(method, path, { token: await h.userToken(demoUsers.approver, { scopes }), body });
  return {
    httpStatus: res.status,
    code: res.error?.code ?? null,
    message: res.error?.message ?? null,
    requestId: null,
    retryAfterSeconds: null,
  };
}

describe('toReviewError on the simulator answers', () => {
  it('a token without AccessReview.* → PermissionMissing, naming the permission to grant', async () => {
    const f = await failureOf(`${ITEMS}/filterByCurrentUser(on='reviewer')`, ['User.Read']);
    expect(f.httpStatus).toBe(403);
    const err = toReviewError(f, 'read');
    expect(err.kind).toBe('PermissionMissing');
    expect(err.fix).toContain('AccessReview.ReadWrite.All');
  });

  it('read-only consent cannot decide → PermissionMissing', async () => {
    const f = await failureOf(`${ITEMS}/${ids.adeleItem}`, ['AccessReview.Read.All'], 'PATCH', { decision: 'Deny' });
    expect(toReviewError(f, 'decide').kind).toBe('PermissionMissing');
  });

  it('an unknown instance → NotFound', async () => {
    const path = `/v1.0/identityGovernance/accessReviews/definitions/${ids.definition}/instances/${ids.adeleItem}/acceptRecommendations`;
    const f = await failureOf(path, ['AccessReview.ReadWrite.All'], 'POST');
    expect(toReviewError(f, 'acceptRecommendations').kind).toBe('NotFound');
  });

  it('throttling and outages keep Retry-After and read as Throttled / Unavailable', () => {
    const base = { code: null, message: null, requestId: 'r-1', retryAfterSeconds: 7 };
    expect(toReviewError({ ...base, httpStatus: 429 }, 'read')).toMatchObject({
      kind: 'Throttled',
      retryAfterSeconds: 7,
    });
    expect(toReviewError({ ...base, httpStatus: 503 }, 'decide').kind).toBe('Unavailable');
  });
});
