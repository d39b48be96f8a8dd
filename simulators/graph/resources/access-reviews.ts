import {
  type AccessReviewStore,
  accessReviewStore,
  type Decision,
  definitionJson,
  instanceJson,
  isReviewer,
  itemJson,
  type ReviewInstance,
  type ReviewItem,
} from '../access-reviews-model';
import type { HandlerContext } from '../context';
import { GraphError, graphErrors } from '../errors';
import { jsonBody, noContent } from '../http';
import { sameId } from '../ids';
import type { JsonObject } from '../json';
import { collectionResponse, type EntityNode } from '../odata/query';
import { hasAnyPermission, type PermissionsByKind } from '../permissions';
import type { Route } from '../router';

/**
 * Access reviews, the reviewer's side (../shared/graph/FEATURES-API.md §1; FIDELITY.md "Access reviews"):
 * filterByCurrentUser(on='reviewer') on definitions, instances and decisions; recording a decision (PATCH),
 * batchRecordDecisions and acceptRecommendations. No error code is documented for access reviews (§1.8), so
 * the refusals below are the statuses §1.8 expects with wording of our own (UNVERIFIED).
 */

const BASE = '/identityGovernance/accessReviews/definitions';

/** FEATURES-API.md §1.7. */
const READ: PermissionsByKind = {
  delegated: ['AccessReview.Read.All', 'AccessReview.ReadWrite.All'],
  application: ['AccessReview.Read.All', 'AccessReview.ReadWrite.All'],
};
/** PATCH a decision and acceptRecommendations: delegated only. batchRecordDecisions also app-only. */
const DECIDE: PermissionsByKind = { delegated: ['AccessReview.ReadWrite.All'], application: [] };
const BATCH: PermissionsByKind = {
  delegated: ['AccessReview.ReadWrite.All'],
  application: ['AccessReview.ReadWrite.All'],
};

const DECISIONS: readonly Decision[] = ['Approve', 'Deny', 'DontKnow'];

export const accessReviewErrors = {
  /** Status per §1.8, code and wording UNVERIFIED. */
  permissionMissing: (accepted: readonly string[]) =>
    new GraphError(
      403,
      'Forbidden',
      `Insufficient privileges to complete the operation. API requires one of '${accepted.join(', ')}'.`,
    ),
  notReviewer: () =>
    new GraphError(403, 'Forbidden', 'The signed-in user is not a reviewer of this access review instance.'),
  notInProgress: (status: string) =>
    new GraphError(400, 'BadRequest', `Decisions cannot be recorded on an access review instance that is ${status}.`),
  justificationRequired: () =>
    new GraphError(400, 'BadRequest', 'Justification is required to approve access in this access review.'),
  notFound: () => new GraphError(404, 'NotFound', 'The requested access review resource was not found.'),
};

function guard(ctx: HandlerContext, accepted: PermissionsByKind): void {
  if (!hasAnyPermission(ctx.caller, accepted)) {
    const list = ctx.caller.kind === 'user' ? accepted.delegated : accepted.application;
    if (list.length === 0) {
      throw graphErrors.forbidden(
        'This operation requires a delegated (user) token; application permissions are not supported.',
      );
    }
    throw accessReviewErrors.permissionMissing(list);
  }
}

/** `on` accepts only 'reviewer' (unknownFutureValue is the metadata's sentinel); app-only has no current user. */
function requireReviewerOn(ctx: HandlerContext, on: string): void {
  if (on.toLowerCase() !== 'reviewer') {
    throw graphErrors.badRequest(`The value '${on}' is not supported for the parameter 'on'.`);
  }
  if (ctx.caller.kind !== 'user') {
    throw graphErrors.badRequest('filterByCurrentUser is only valid with delegated authentication flow.');
  }
}

function node(typeName: string, json: JsonObject): EntityNode {
  return { typeName: `microsoft.graph.${typeName}`, json };
}

function found(store: AccessReviewStore, defId: string, instId: string): ReviewInstance {
  const inst = store.instance(defId, instId);
  if (!inst) throw accessReviewErrors.notFound();
  return inst;
}

/** The instance, when the caller may decide on it: a reviewer, while it is in progress. */
function decidable(ctx: HandlerContext, defId: string, instId: string): ReviewInstance {
  const inst = found(accessReviewStore(ctx.state.tenant), defId, instId);
  if (ctx.caller.kind === 'user' && !isReviewer(inst.definition, ctx.caller.objectId)) {
    throw accessReviewErrors.notReviewer();
  }
  if (inst.status !== 'InProgress') throw accessReviewErrors.notInProgress(inst.status);
  return inst;
}

interface DecisionInput {
  decision: Decision;
  justification: string;
}

/** Only `decision` and `justification` are accepted (FEATURES-API.md §1.3). */
function decisionInput(body: JsonObject, inst: ReviewInstance, extra: readonly string[] = []): DecisionInput {
  for (const k of Object.keys(body)) {
    if (!['decision', 'justification', ...extra].includes(k)) {
      throw graphErrors.badRequest(`The property '${k}' cannot be updated on an accessReviewInstanceDecisionItem.`);
    }
  }
  const decision = DECISIONS.find(
    (d) => typeof body.decision === 'string' && d.toLowerCase() === body.decision.toLowerCase(),
  );
  if (!decision) {
    throw graphErrors.badRequest(
      `Invalid decision '${String(body.decision)}'. Allowed values: ${DECISIONS.join(', ')}.`,
    );
  }
  const justification = typeof body.justification === 'string' ? body.justification : '';
  // "Required if justificationRequiredOnApproval is True" (DOCS accessreviewinstancedecisionitem-update.md);
  // the setting and the portal's "Require reason on approval" name approvals only: Deny/DontKnow go through (UNVERIFIED).
  if (
    decision === 'Approve' &&
    inst.definition.settings?.justificationRequiredOnApproval &&
    justification.trim() === ''
  ) {
    throw accessReviewErrors.justificationRequired();
  }
  return { decision, justification };
}

function record(ctx: HandlerContext, item: ReviewItem, input: DecisionInput): void {
  item.decision = input.decision;
  item.justification = input.justification;
  item.reviewedById = ctx.caller.kind === 'user' ? ctx.caller.objectId : null;
  item.reviewedAt = ctx.now;
}

export function accessReviewRoutes(): Route<HandlerContext>[] {
  const versions = ['v1.0'] as const;
  const instancePath = `${BASE}/{defId}/instances/{instId}`;
  return [
    {
      method: 'GET',
      path: `${BASE}/filterByCurrentUser(on='{on}')`,
      versions,
      handler: (ctx, { on = '' }) => {
        guard(ctx, READ);
        requireReviewerOn(ctx, on);
        const store = accessReviewStore(ctx.state.tenant);
        const mine = store.definitions.filter((d) => isReviewer(d, ctx.caller.objectId));
        const nodes = mine.map((d) => node('accessReviewScheduleDefinition', definitionJson(store, d)));
        return collectionResponse(ctx.req, nodes, 'Collection(accessReviewScheduleDefinition)');
      },
    },
    {
      method: 'GET',
      path: `${BASE}/{defId}/instances/filterByCurrentUser(on='{on}')`,
      versions,
      handler: (ctx, { defId = '', on = '' }) => {
        guard(ctx, READ);
        requireReviewerOn(ctx, on);
        const store = accessReviewStore(ctx.state.tenant);
        const def = store.definition(defId);
        if (!def) throw accessReviewErrors.notFound();
        const mine = isReviewer(def, ctx.caller.objectId) ? store.instancesOf(def) : [];
        const nodes = mine.map((i) => node('accessReviewInstance', instanceJson(i)));
        return collectionResponse(ctx.req, nodes, 'Collection(accessReviewInstance)');
      },
    },
    {
      method: 'GET',
      path: `${instancePath}/decisions/filterByCurrentUser(on='{on}')`,
      versions,
      handler: (ctx, { defId = '', instId = '', on = '' }) => {
        guard(ctx, READ);
        requireReviewerOn(ctx, on);
        const store = accessReviewStore(ctx.state.tenant);
        const inst = found(store, defId, instId);
        const mine = isReviewer(inst.definition, ctx.caller.objectId) ? inst.items : [];
        const nodes = mine.map((i) => node('accessReviewInstanceDecisionItem', itemJson(store, inst, i)));
        return collectionResponse(ctx.req, nodes, 'Collection(accessReviewInstanceDecisionItem)');
      },
    },
    {
      method: 'PATCH',
      path: `${instancePath}/decisions/{itemId}`,
      versions,
      handler: (ctx, { defId = '', instId = '', itemId = '' }) => {
        guard(ctx, DECIDE);
        const inst = decidable(ctx, defId, instId);
        const item = inst.items.find((i) => sameId(i.fixture.id, itemId));
        if (!item) throw accessReviewErrors.notFound();
        // A reviewer may change a decision while the instance is in progress, as in the portal: the last write
        // wins here; the bot reads before writing so a decision made elsewhere is kept (src/reviews).
        record(ctx, item, decisionInput(jsonBody(ctx.req), inst));
        return noContent();
      },
    },
    {
      method: 'POST',
      path: `${instancePath}/batchRecordDecisions`,
      versions,
      handler: (ctx, { defId = '', instId = '' }) => {
        guard(ctx, BATCH);
        const inst = decidable(ctx, defId, instId);
        const body = jsonBody(ctx.req);
        const input = decisionInput(body, inst, ['principalId', 'resourceId']);
        const principalId = typeof body.principalId === 'string' ? body.principalId : undefined;
        // Every item of the instance, or those of one principal (resourceId: items here have no resource).
        for (const item of inst.items) {
          if (principalId && !sameId(item.fixture.principalId, principalId)) continue;
          if (typeof body.resourceId === 'string') continue;
          record(ctx, item, input);
        }
        return noContent();
      },
    },
    {
      method: 'POST',
      path: `${instancePath}/acceptRecommendations`,
      versions,
      handler: (ctx, { defId = '', instId = '' }) => {
        guard(ctx, DECIDE);
        const inst = decidable(ctx, defId, instId);
        const recommendationsOn = inst.definition.settings?.recommendationsEnabled ?? true;
        // Each NotReviewed item takes its recommendation; NoInfoAvailable leaves it NotReviewed (UNVERIFIED).
        for (const item of inst.items) {
          const rec = item.fixture.recommendation;
          if (!recommendationsOn || item.decision !== 'NotReviewed' || (rec !== 'Approve' && rec !== 'Deny')) continue;
          record(ctx, item, { decision: rec, justification: '' });
        }
        return noContent();
      },
    },
  ];
}
