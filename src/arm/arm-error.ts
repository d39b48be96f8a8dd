import { parseClaimsChallenge, parseFailedRules } from '../pim/graph-error-message';
import { describeMinutes } from '../pim/iso-duration';

/**
 * How an ARM PIM call failed, as the bot needs to tell it: a kind to branch on, ARM's own code for logs and
 * support, a sentence for the user and the fix. Codes and their meaning: ARM-PIM.md §5, §6.
 */
export type ArmErrorKind =
  | 'PolicyValidationFailed'
  | 'DurationTooShort'
  | 'AlreadyActive'
  | 'NotActive'
  | 'StepUpRequired'
  | 'AlreadyDecided'
  | 'Forbidden'
  | 'NotFound'
  | 'Unauthenticated'
  | 'Throttled'
  | 'Unavailable'
  | 'BadRequest'
  | 'Unknown';

/** The raw failure of one ARM call, before it is given meaning. */
export interface ArmFailure {
  /** 0 when no HTTP answer came (network, or the token source failed). */
  httpStatus: number;
  code: string | null;
  message: string | null;
  /** `x-ms-request-id`: what Azure support asks for. */
  requestId: string | null;
  retryAfterSeconds: number | null;
  /** Claims JSON from a 401 WWW-Authenticate challenge (mandatory MFA, CAE), when the token source could not meet it. */
  challengeClaims?: string | null;
}

export interface ArmErrorInit {
  kind: ArmErrorKind;
  armCode: string | null;
  httpStatus: number | null;
  message: string;
  fix: string;
  armMessage?: string | null;
  requestId?: string | null;
  failedRules?: string[];
  claims?: string | null;
  retryAfterSeconds?: number | null;
}

export class ArmError extends Error {
  readonly kind: ArmErrorKind;
  readonly armCode: string | null;
  readonly httpStatus: number | null;
  readonly fix: string;
  readonly armMessage: string | null;
  readonly requestId: string | null;
  readonly failedRules: readonly string[];
  /** For StepUpRequired: the claims JSON an interactive sign-in must carry before the call is made again. */
  readonly claims: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(init: ArmErrorInit) {
    super(init.message);
    this.name = 'ArmError';
    this.kind = init.kind;
    this.armCode = init.armCode;
    this.httpStatus = init.httpStatus;
    this.fix = init.fix;
    this.armMessage = init.armMessage ?? null;
    this.requestId = init.requestId ?? null;
    this.failedRules = init.failedRules ?? [];
    this.claims = init.claims ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** "message fix" in one line, for chat. */
  get userText(): string {
    return `${this.message} ${this.fix}`;
  }
}

/** What the call was about, so the words can name the role, the scope and the policy's limit. */
export interface ArmFailureContext {
  operation: 'activate' | 'deactivate' | 'decide' | 'cancel' | 'read';
  /** "Contributor on rg-web-prod". */
  target?: string;
  maxDurationMinutes?: number | null;
}

function ruleWords(rule: string, name: string, ctx: ArmFailureContext): { message: string; fix: string } {
  switch (rule) {
    case 'JustificationRule':
      return { message: `${name} requires a justification.`, fix: 'Say briefly why you need it.' };
    case 'TicketingRule':
      return {
        message: `${name} requires a ticket number.`,
        fix: 'Add the change or incident ticket this work is for.',
      };
    case 'ExpirationRule':
      return ctx.maxDurationMinutes
        ? {
            message: `${name} allows at most ${describeMinutes(ctx.maxDurationMinutes)}.`,
            fix: `Ask for ${describeMinutes(ctx.maxDurationMinutes)} or less.`,
          }
        : { message: `The duration asked for ${name} is not allowed by its policy.`, fix: 'Ask for a shorter time.' };
    case 'MfaRule':
      return { message: `${name} requires multifactor authentication.`, fix: 'Sign in again with MFA, then retry.' };
    case 'EligibilityRule':
      return {
        message: `You are not eligible for ${name} at this scope.`,
        fix: 'Pick a role and scope from your eligible list, or ask an admin.',
      };
    default:
      return { message: `${name} refused the request (policy rule ${rule}).`, fix: 'Check the role settings in PIM.' };
  }
}

const CODE_KINDS: Record<string, ArmErrorKind> = {
  RoleAssignmentRequestPolicyValidationFailed: 'PolicyValidationFailed',
  RoleAssignmentRequestAcrsValidationFailed: 'StepUpRequired',
  ActiveDurationTooShort: 'DurationTooShort',
  RoleAssignmentExists: 'AlreadyActive',
  RoleAssignmentDoesNotExist: 'NotActive',
  AuthorizationFailed: 'Forbidden',
  ApprovalStageNotInProgress: 'AlreadyDecided',
  InvalidRequestStatus: 'AlreadyDecided',
};

function kindOf(f: ArmFailure): ArmErrorKind {
  if (f.challengeClaims) return 'StepUpRequired';
  const byCode = f.code ? CODE_KINDS[f.code] : undefined;
  if (byCode) return byCode;
  if (f.httpStatus === 429) return 'Throttled';
  if (f.httpStatus === 503 || f.httpStatus === 504 || f.httpStatus === 0) return 'Unavailable';
  if (f.httpStatus === 401) return 'Unauthenticated';
  if (f.httpStatus === 403) return 'Forbidden';
  if (f.httpStatus === 404 || /NotFound$/.test(f.code ?? '')) return 'NotFound';
  if (f.httpStatus === 400) return 'BadRequest';
  return 'Unknown';
}

/** Gives a raw ARM failure its meaning, in words naming the role and scope the call was about. */
export function toArmError(f: ArmFailure, ctx: ArmFailureContext): ArmError {
  const kind = kindOf(f);
  const name = ctx.target ?? 'This role';
  const base = {
    kind,
    armCode: f.code,
    httpStatus: f.httpStatus,
    armMessage: f.message,
    requestId: f.requestId,
    retryAfterSeconds: f.retryAfterSeconds,
  };
  const wait = f.retryAfterSeconds
    ? `Try again in ${Math.ceil(f.retryAfterSeconds)} seconds.`
    : 'Try again in a minute.';
  switch (kind) {
    case 'PolicyValidationFailed': {
      const rules = parseFailedRules(f.message);
      const words = rules.map((r) => ruleWords(r, name, ctx));
      return new ArmError({
        ...base,
        failedRules: rules,
        message: words.map((w) => w.message).join(' ') || `${name} refused the request under its policy.`,
        fix: words.map((w) => w.fix).join(' ') || 'Check the role settings in PIM.',
      });
    }
    case 'StepUpRequired': {
      const claims = f.challengeClaims ?? parseClaimsChallenge(f.message);
      return new ArmError({
        ...base,
        claims,
        message: `${name} needs a stronger sign-in than the one you used.`,
        fix: 'Sign in again when asked, then retry.',
      });
    }
    case 'DurationTooShort':
      return new ArmError({
        ...base,
        message: `${name} was activated less than 5 minutes ago and cannot be deactivated yet.`,
        fix: 'Wait a few minutes, then deactivate.',
      });
    case 'AlreadyActive':
      return new ArmError({
        ...base,
        message: `${name} is already active or waiting for approval.`,
        fix: 'Use the active role, or cancel the pending request first.',
      });
    case 'NotActive':
      return new ArmError({ ...base, message: `${name} is not active.`, fix: 'Nothing to deactivate.' });
    case 'AlreadyDecided':
      return new ArmError({
        ...base,
        message: 'This request is no longer waiting for a decision.',
        fix: 'Nothing to do: it was decided, cancelled or timed out.',
      });
    case 'Forbidden':
      return new ArmError({
        ...base,
        message: `You are not allowed to do this${ctx.target ? ` for ${ctx.target}` : ''}.`,
        fix: 'Ask an Azure administrator for access.',
      });
    case 'NotFound':
      return new ArmError({
        ...base,
        message: 'Azure could not find that request, role or approval.',
        fix: 'It may have expired; list your roles again.',
      });
    case 'Unauthenticated':
      return new ArmError({ ...base, message: 'Azure did not accept your sign-in.', fix: 'Sign in again.' });
    case 'Throttled':
      return new ArmError({ ...base, message: 'Azure is limiting requests right now.', fix: wait });
    case 'Unavailable':
      return new ArmError({ ...base, message: 'Azure could not be reached.', fix: wait });
    case 'BadRequest':
      return new ArmError({
        ...base,
        message: `Azure refused the request: ${f.message ?? f.code ?? 'bad request'}`,
        fix: 'Report this to your admin with the request id.',
      });
    default:
      return new ArmError({
        ...base,
        message: `Azure failed (${f.code ?? f.httpStatus}).`,
        fix: 'Try again; if it persists, report the request id.',
      });
  }
}
