import type { GraphFailure } from '../pim/to-pim-error';

/**
 * Every way an access-review call can fail, as the bot needs to tell it: a kind to branch on, Graph's own
 * code for logs and support, a sentence for the user and the fix. Graph documents no access-review error
 * codes (../shared/graph/FEATURES-API.md §1.8), so the kinds follow the statuses §1.8 expects and the call
 * that failed, never a code string alone.
 */
export type ReviewErrorKind =
  | 'PermissionMissing'
  | 'NotReviewer'
  | 'JustificationRequired'
  | 'ReviewClosed'
  | 'NotFound'
  | 'Unauthenticated'
  | 'Throttled'
  | 'Unavailable'
  | 'BadRequest'
  | 'Unknown';

export interface ReviewErrorInit {
  kind: ReviewErrorKind;
  graphCode: string | null;
  httpStatus: number | null;
  message: string;
  fix: string;
  graphMessage?: string | null;
  requestId?: string | null;
  retryAfterSeconds?: number | null;
}

export class ReviewError extends Error {
  readonly kind: ReviewErrorKind;
  readonly graphCode: string | null;
  readonly httpStatus: number | null;
  readonly fix: string;
  readonly graphMessage: string | null;
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(init: ReviewErrorInit) {
    super(init.message);
    this.name = 'ReviewError';
    this.kind = init.kind;
    this.graphCode = init.graphCode;
    this.httpStatus = init.httpStatus;
    this.fix = init.fix;
    this.graphMessage = init.graphMessage ?? null;
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** "message Fix." in one line, for chat. */
  get userText(): string {
    return `${this.message} ${this.fix}`;
  }
}

export type ReviewOperation = 'read' | 'decide' | 'acceptRecommendations';

const PERMISSION_TEXT = /AccessReview\.|permission|privilege|scope/i;

/** Turns a transport failure into a ReviewError for `operation`. */
export function toReviewError(f: GraphFailure, operation: ReviewOperation): ReviewError {
  const base = {
    graphCode: f.code,
    httpStatus: f.httpStatus,
    graphMessage: f.message,
    requestId: f.requestId,
    retryAfterSeconds: f.retryAfterSeconds,
  };
  const text = f.message ?? '';
  if (f.httpStatus === 401) {
    return new ReviewError({
      ...base,
      kind: 'Unauthenticated',
      message: 'Your sign-in has expired.',
      fix: 'Sign in again and retry.',
    });
  }
  if (f.httpStatus === 429) {
    return new ReviewError({
      ...base,
      kind: 'Throttled',
      message: 'Microsoft Graph is busy.',
      fix: 'Try again in a minute.',
    });
  }
  if (f.httpStatus >= 500 || f.httpStatus === 0) {
    return new ReviewError({
      ...base,
      kind: 'Unavailable',
      message: 'Access reviews could not be reached.',
      fix: 'Try again shortly; if it persists, check the Microsoft 365 service health.',
    });
  }
  if (f.httpStatus === 403) {
    // A token without AccessReview.* names the permission; a reviewer check does not (UNVERIFIED wording, §1.8).
    if (PERMISSION_TEXT.test(text) && /AccessReview\./.test(text)) {
      return new ReviewError({
        ...base,
        kind: 'PermissionMissing',
        message: 'PIM Bot is not allowed to work with access reviews in this tenant.',
        fix: 'Ask an administrator to grant PIM Bot the delegated permission AccessReview.ReadWrite.All (deploy guide, section 5).',
      });
    }
    return new ReviewError({
      ...base,
      kind: 'NotReviewer',
      message: 'You are not a reviewer of this access review.',
      fix: 'Only the reviewers the review names can decide; ask its owner to add you if you should.',
    });
  }
  if (f.httpStatus === 404) {
    return new ReviewError({
      ...base,
      kind: 'NotFound',
      message: 'This access review item no longer exists.',
      fix: 'List your pending reviews again.',
    });
  }
  if (f.httpStatus === 400 && operation !== 'read') {
    if (/justification|reason/i.test(text)) {
      return new ReviewError({
        ...base,
        kind: 'JustificationRequired',
        message: 'This review needs a reason for each approval.',
        fix: 'Give a reason and approve again.',
      });
    }
    if (/complete|not in progress|ended|InProgress/i.test(text)) {
      return new ReviewError({
        ...base,
        kind: 'ReviewClosed',
        message: 'This access review has ended; decisions can no longer be recorded.',
        fix: 'Ask the review owner if a decision is still needed.',
      });
    }
  }
  if (f.httpStatus === 400) {
    return new ReviewError({
      ...base,
      kind: 'BadRequest',
      message: 'Microsoft Graph refused the request.',
      fix: 'Try again; if it persists, report it with the request id.',
    });
  }
  return new ReviewError({
    ...base,
    kind: 'Unknown',
    message: 'The access review call failed.',
    fix: 'Try again; if it persists, report it with the request id.',
  });
}
