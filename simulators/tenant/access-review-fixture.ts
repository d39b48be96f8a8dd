/**
 * Access reviews in a tenant fixture (../shared/graph/FEATURES-API.md §1): a schedule definition reviewing
 * the eligibilities of one directory role, its reviewers, its settings, and its instances with their decision
 * items. Kept apart from tenant-fixture.ts so the review model can grow without crowding the PIM fixture.
 */

/** The definition settings the bot honours (FEATURES-API.md §1.5). Absent: the Graph defaults noted. */
export interface FixtureAccessReviewSettings {
  /** Default false. */
  justificationRequiredOnApproval?: boolean;
  /** Default true: each item carries a recommendation; false: every item says NoInfoAvailable. */
  recommendationsEnabled?: boolean;
  /** Default false. */
  defaultDecisionEnabled?: boolean;
  /** 'Approve' | 'Deny' | 'Recommendation'; default 'None' as the portal writes it (UNVERIFIED). */
  defaultDecision?: 'Approve' | 'Deny' | 'Recommendation';
  /** Default 14. */
  instanceDurationInDays?: number;
  /** Default true. */
  autoApplyDecisionsEnabled?: boolean;
}

export interface FixtureAccessReviewItem {
  id: string;
  /** A fixture user whose access is reviewed. */
  principalId: string;
  /** What Graph recommends from the last sign-in (FEATURES-API.md §1.2). Default NoInfoAvailable. */
  recommendation?: 'Approve' | 'Deny' | 'NoInfoAvailable';
  /** A decision already recorded (e.g. in the portal); default NotReviewed. */
  decision?: 'Approve' | 'Deny' | 'DontKnow';
  justification?: string;
  /** Who recorded `decision`; required with it. */
  reviewedById?: string;
}

export interface FixtureAccessReviewInstance {
  id: string;
  /** 'InProgress' (default) or 'Completed' (no more decisions). */
  status?: 'InProgress' | 'Completed' | 'NotStarted';
  /** ISO date-times; absent: started 7 days before the fixture was loaded, ends instanceDurationInDays later. */
  startDateTime?: string;
  endDateTime?: string;
  items: FixtureAccessReviewItem[];
}

export interface FixtureAccessReview {
  /** The accessReviewScheduleDefinition id. */
  id: string;
  displayName: string;
  descriptionForReviewers?: string;
  /** The directory role whose eligibilities are reviewed (scope on roleEligibilityScheduleInstances). */
  roleDefinitionId: string;
  /** Users asked to review (`/users/{id}` reviewer scopes). */
  reviewerIds: string[];
  /** The review's creator (createdBy). */
  createdById: string;
  settings?: FixtureAccessReviewSettings;
  instances: FixtureAccessReviewInstance[];
}
