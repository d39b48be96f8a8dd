import type { PimErrorReason } from './pim-error-reason';

/**
 * Every way a PIM call can fail, as the bot needs to tell it: a kind to branch on, Graph's own code for
 * logs and support, a sentence for the user and the fix.
 */
export type PimErrorKind =
  | 'PolicyValidationFailed'
  | 'DurationTooShort'
  | 'AlreadyActive'
  | 'NotActive'
  | 'RequestPending'
  | 'StepUpRequired'
  | 'AlreadyDecided'
  | 'Forbidden'
  | 'NotFound'
  | 'Unauthenticated'
  | 'Throttled'
  | 'Unavailable'
  | 'BadRequest'
  | 'Unknown';

/** PIM rule names as Graph lists them in "The following policy rules failed: [...]". */
export type PolicyRuleName =
  | 'JustificationRule'
  | 'TicketingRule'
  | 'ExpirationRule'
  | 'MfaRule'
  | 'EligibilityRule'
  | string;

export interface PimErrorInit {
  kind: PimErrorKind;
  /** Graph's error.code, e.g. RoleAssignmentRequestPolicyValidationFailed. */
  graphCode: string | null;
  httpStatus: number | null;
  /** What happened, in words for the user. */
  message: string;
  /** What to do about it. */
  fix: string;
  graphMessage?: string | null;
  requestId?: string | null;
  failedRules?: PolicyRuleName[];
  /** For StepUpRequired: the claims challenge to pass to the sign-in (raw JSON). */
  claims?: string | null;
  /** For Throttled/Unavailable: seconds Graph asked us to wait. */
  retryAfterSeconds?: number | null;
  /** The same as message and fix, as codes and values the layers above translate (one per failed rule). */
  reasons?: PimErrorReason[];
}

export class PimError extends Error {
  readonly kind: PimErrorKind;
  readonly graphCode: string | null;
  readonly httpStatus: number | null;
  readonly fix: string;
  readonly graphMessage: string | null;
  readonly requestId: string | null;
  readonly failedRules: PolicyRuleName[];
  readonly claims: string | null;
  readonly retryAfterSeconds: number | null;
  readonly reasons: readonly PimErrorReason[];

  constructor(init: PimErrorInit) {
    super(init.message);
    this.name = 'PimError';
    this.kind = init.kind;
    this.graphCode = init.graphCode;
    this.httpStatus = init.httpStatus;
    this.fix = init.fix;
    this.graphMessage = init.graphMessage ?? null;
    this.requestId = init.requestId ?? null;
    this.failedRules = init.failedRules ?? [];
    this.claims = init.claims ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.reasons = init.reasons ?? [];
  }

  /** "message Fix." in one line, for chat. */
  get userText(): string {
    return `${this.message} ${this.fix}`;
  }
}
