import { z } from 'zod';
import type { FixtureAccessReview } from '../tenant/access-review-fixture';

/**
 * The access reviews part of a tenant fixture, checked when it is loaded (fixture-loader.ts): its shape and its
 * references to users and roles. Apart from the store (access-reviews-model.ts), which needs the loaded tenant,
 * so the loader and the store do not import each other.
 */

const guid = z.string().uuid();
const decision = z.enum(['Approve', 'Deny', 'DontKnow']);

/** Validation of `accessReviews` in a tenant fixture (fixture-loader.ts). */
export const accessReviewsFixtureSchema = z.array(
  z.object({
    id: guid,
    displayName: z.string(),
    descriptionForReviewers: z.string().optional(),
    roleDefinitionId: guid,
    reviewerIds: z.array(guid).min(1),
    createdById: guid,
    settings: z
      .object({
        justificationRequiredOnApproval: z.boolean().optional(),
        recommendationsEnabled: z.boolean().optional(),
        defaultDecisionEnabled: z.boolean().optional(),
        defaultDecision: z.enum(['Approve', 'Deny', 'Recommendation']).optional(),
        instanceDurationInDays: z.number().int().positive().optional(),
        autoApplyDecisionsEnabled: z.boolean().optional(),
      })
      .optional(),
    instances: z.array(
      z.object({
        id: guid,
        status: z.enum(['InProgress', 'Completed', 'NotStarted']).optional(),
        startDateTime: z.string().datetime({ offset: true }).optional(),
        endDateTime: z.string().datetime({ offset: true }).optional(),
        items: z.array(
          z.object({
            id: guid,
            principalId: guid,
            recommendation: z.enum(['Approve', 'Deny', 'NoInfoAvailable']).optional(),
            decision: decision.optional(),
            justification: z.string().optional(),
            reviewedById: guid.optional(),
          }),
        ),
      }),
    ),
  }),
);

/** References a review fixture makes to users and roles that the tenant does not have. */
export function accessReviewProblems(
  reviews: readonly FixtureAccessReview[],
  isUser: (id: string) => boolean,
  isRole: (id: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const r of reviews) {
    const where = `accessReview ${r.id}`;
    if (!isRole(r.roleDefinitionId)) problems.push(`${where}: unknown role ${r.roleDefinitionId}`);
    for (const id of [...r.reviewerIds, r.createdById]) if (!isUser(id)) problems.push(`${where}: unknown user ${id}`);
    for (const inst of r.instances) {
      for (const item of inst.items) {
        if (!isUser(item.principalId))
          problems.push(`${where}: item ${item.id}: unknown principal ${item.principalId}`);
        if (item.decision && !item.reviewedById)
          problems.push(`${where}: item ${item.id}: a decision needs reviewedById`);
        if (item.reviewedById && !isUser(item.reviewedById)) {
          problems.push(`${where}: item ${item.id}: unknown reviewer ${item.reviewedById}`);
        }
      }
    }
  }
  return problems;
}
