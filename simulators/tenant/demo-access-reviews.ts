import type { FixtureAccessReview } from './access-review-fixture';

/**
 * The demo tenant's access review: a quarterly review of who is eligible for Global Administrator, Megan
 * reviewing, Adele and Isaiah under review. Ids are passed in so this file does not import demo-tenant.ts
 * (which imports it).
 */
export const demoAccessReviewIds = {
  definition: '9a7e0c1b-2d3f-4a5b-8c6d-a00000000001',
  instance: '9a7e0c1b-2d3f-4a5b-8c6d-b00000000001',
  adeleItem: '9a7e0c1b-2d3f-4a5b-8c6d-c00000000001',
  isaiahItem: '9a7e0c1b-2d3f-4a5b-8c6d-c00000000002',
} as const;

export function demoAccessReviews(people: {
  reviewer: string;
  creator: string;
  adele: string;
  isaiah: string;
  globalAdministrator: string;
}): FixtureAccessReview[] {
  return [
    {
      id: demoAccessReviewIds.definition,
      displayName: 'Quarterly review: Global Administrator eligibility',
      descriptionForReviewers: 'Confirm each person still needs to be able to activate Global Administrator.',
      roleDefinitionId: people.globalAdministrator,
      reviewerIds: [people.reviewer],
      createdById: people.creator,
      settings: {
        justificationRequiredOnApproval: true,
        recommendationsEnabled: true,
        defaultDecisionEnabled: true,
        defaultDecision: 'Deny',
        instanceDurationInDays: 14,
      },
      instances: [
        {
          id: demoAccessReviewIds.instance,
          items: [
            // Adele has not signed in for the look-back period; Isaiah signs in daily.
            { id: demoAccessReviewIds.adeleItem, principalId: people.adele, recommendation: 'Deny' },
            { id: demoAccessReviewIds.isaiahItem, principalId: people.isaiah, recommendation: 'Approve' },
          ],
        },
      ],
    },
  ];
}
