import { describeMinutes } from './iso-duration';
import { authContextClaims, parseClaimsChallenge, parseFailedRules } from './graph-error-message';
import { INSUFFICIENT_CLAIMS } from './claims-challenge-auth';
import { PimError, type PolicyRuleName } from './pim-error-class';
import type { PimErrorReason, PimErrorReasonCode } from './pim-error-reason';
import { type ActivationPolicy, describeTarget, type PimTargetRef } from './pim-types';

/** The raw failure of one Graph call, before it is given meaning. */
export interface GraphFailure {
  httpStatus: number;
  code: string | null;
  message: string | null;
  requestId: string | null;
  retryAfterSeconds: number | null;
}

/** What the call was about, so the message can name the role and its limits. */
export interface FailureContext {
  operation: 'activate' | 'deactivate' | 'decide' | 'cancel' | 'read';
  target?: PimTargetRef;
  policy?: ActivationPolicy;
  requestedMinutes?: number;
}

/** The reason's values: the target's name when the call named one (the reader's "this role" otherwise). */
type Named = Record<string, string | number>;

function reason(code: PimErrorReasonCode, named: Named, values: Named = {}): PimErrorReason[] {
  return [{ code, values: { ...named, ...values } }];
}

/** One failed policy rule in words for the user, naming the role and, where known, its limit. */
function ruleSentence(
  rule: PolicyRuleName,
  name: string,
  ctx: FailureContext,
  named: Named,
): { message: string; fix: string; reason: PimErrorReason } {
  const [why] = ruleReason(rule, ctx, named);
  return { ...ruleWords(rule, name, ctx), reason: why! };
}

function ruleReason(rule: PolicyRuleName, ctx: FailureContext, named: Named): PimErrorReason[] {
  switch (rule) {
    case 'JustificationRule':
      return reason('justificationRequired', named);
    case 'TicketingRule':
      return reason('ticketRequired', named);
    case 'ExpirationRule': {
      const max = ctx.policy?.maxDurationMinutes;
      return max ? reason('durationOverMax', named, { maxMinutes: max }) : reason('durationOverPolicy', named);
    }
    case 'MfaRule':
      return reason('mfaRequired', named);
    case 'EligibilityRule':
      return reason('notEligible', named);
    default:
      return reason('ruleFailed', named, { rule });
  }
}

function ruleWords(rule: PolicyRuleName, name: string, ctx: FailureContext): { message: string; fix: string } {
  switch (rule) {
    case 'JustificationRule':
      return { message: `${name} requires a justification.`, fix: 'Say briefly why you need it.' };
    case 'TicketingRule':
      return {
        message: `${name} requires a ticket number.`,
        fix: 'Add the change or incident ticket this work is for.',
      };
    case 'ExpirationRule': {
      const max = ctx.policy?.maxDurationMinutes;
      return max
        ? {
            message: `${name} allows at most ${describeMinutes(max)}.`,
            fix: `Ask for ${describeMinutes(max)} or less.`,
          }
        : {
            message: `The duration asked for ${name} is longer than its policy allows.`,
            fix: 'Ask for a shorter time.',
          };
    }
    case 'MfaRule':
      return {
        message: `${name} requires multi-factor authentication, and this sign-in did not use it.`,
        fix: 'Sign in again with MFA, then retry.',
      };
    case 'EligibilityRule':
      return {
        message: `You are not eligible for ${name}, or your eligibility has expired.`,
        fix: 'Ask a PIM administrator to make you eligible.',
      };
    default:
      return { message: `${name}: the PIM policy rule ${rule} failed.`, fix: 'Check the role settings in PIM.' };
  }
}

/** Gives a Graph failure its meaning for the user. */
export function toPimError(failure: GraphFailure, ctx: FailureContext): PimError {
  const name = ctx.target ? describeTarget(ctx.target) : 'This role';
  const named: Named = ctx.target ? { name } : {};
  const base = {
    graphCode: failure.code,
    httpStatus: failure.httpStatus,
    graphMessage: failure.message,
    requestId: failure.requestId,
  };
  const code = failure.code ?? '';
  const message = failure.message ?? '';

  if (code === 'RoleAssignmentRequestPolicyValidationFailed') {
    const failedRules = parseFailedRules(message);
    const sentences = (failedRules.length ? failedRules : ['UnknownRule']).map((r) =>
      ruleSentence(r, name, ctx, named),
    );
    const stepUp = failedRules.includes('MfaRule');
    return new PimError({
      ...base,
      kind: stepUp && failedRules.length === 1 ? 'StepUpRequired' : 'PolicyValidationFailed',
      failedRules,
      claims: stepUp ? '{"access_token":{"amr":{"values":["mfa"]}}}' : null,
      message: sentences.map((s) => s.message).join(' '),
      fix: sentences.map((s) => s.fix).join(' '),
      reasons: sentences.map((s) => s.reason),
    });
  }
  if (
    code === 'RoleAssignmentRequestAcrsValidationFailed' ||
    /RoleAssignmentRequestAcrsValidationFailed/.test(message)
  ) {
    // No parsable claims in the message (a form not seen yet): the policy's context id says what to ask for.
    const authContext = ctx.policy?.authContext;
    const claims = parseClaimsChallenge(message) ?? (authContext ? authContextClaims(authContext) : null);
    return new PimError({
      ...base,
      kind: 'StepUpRequired',
      claims,
      message: `${name} requires a stronger sign-in (an authentication context${ctx.policy?.authContext ? ` ${ctx.policy.authContext}` : ''}).`,
      fix: 'Sign in again when asked; your request continues afterwards.',
      reasons: authContext ? reason('strongerSignInContext', named, { authContext }) : reason('strongerSignIn', named),
    });
  }
  if (code === INSUFFICIENT_CLAIMS) {
    // CAE: Graph asked for new claims (sessions revoked, policy changed) and only a sign-in can give them.
    return new PimError({
      ...base,
      kind: 'StepUpRequired',
      claims: parseClaimsChallenge(message),
      message: 'Microsoft Graph needs you to sign in again (your session was re-evaluated).',
      fix: 'Sign in again when asked; your request continues afterwards.',
      reasons: reason('sessionReevaluated', named),
    });
  }
  if (code === 'ActiveDurationTooShort') {
    return ctx.operation === 'deactivate'
      ? new PimError({
          ...base,
          kind: 'DurationTooShort',
          message: `${name} was activated less than 5 minutes ago and cannot be deactivated yet.`,
          fix: 'Try again in a few minutes.',
          reasons: reason('deactivateTooSoon', named),
        })
      : new PimError({
          ...base,
          kind: 'DurationTooShort',
          message: `${name} must be activated for at least 5 minutes.`,
          fix: 'Ask for 5 minutes or more.',
          reasons: reason('durationTooShort', named),
        });
  }
  if (code === 'RoleAssignmentExists') {
    return new PimError({
      ...base,
      kind: 'AlreadyActive',
      message: `${name} is already active for you.`,
      fix: 'PIM cannot extend a running activation: ask again once it ends, or deactivate it first. Type "active" to see until when.',
      reasons: reason('alreadyActive', named),
    });
  }
  if (code === 'RoleAssignmentDoesNotExist') {
    return new PimError({
      ...base,
      kind: 'NotActive',
      message: `${name} is not active for you.`,
      fix: 'Type "active" to see what is.',
      reasons: reason('notActive', named),
    });
  }
  if (code === 'PendingRoleAssignmentRequest' || /existing pending/i.test(message)) {
    return new PimError({
      ...base,
      kind: 'RequestPending',
      message: `You already have a pending request for ${name}.`,
      fix: 'Wait for the approver, or cancel that request first.',
      reasons: reason('requestPending', named),
    });
  }
  if (failure.httpStatus === 409) {
    return new PimError({
      ...base,
      kind: 'AlreadyDecided',
      message: 'This request was already decided by another approver.',
      fix: 'Nothing to do: the card shows the outcome.',
      reasons: reason('alreadyDecided', named),
    });
  }
  if (failure.httpStatus === 401) {
    return new PimError({
      ...base,
      kind: 'Unauthenticated',
      message: 'Your sign-in is no longer valid for Microsoft Graph.',
      fix: 'Sign in again.',
      reasons: reason('unauthenticated', named),
    });
  }
  if (failure.httpStatus === 403) {
    return new PimError({
      ...base,
      kind: 'Forbidden',
      message: `Microsoft Graph refused this (${code || 'Forbidden'}): ${message || 'not allowed'}.`,
      fix:
        ctx.operation === 'decide'
          ? 'Only an approver of this request, other than the requester, can decide it.'
          : 'Check that PIM Bot has admin consent for its Graph permissions and that you may do this in PIM.',
      reasons: reason(ctx.operation === 'decide' ? 'forbiddenDecide' : 'forbidden', named, {
        graphCode: code || 'Forbidden',
        graphMessage: message || 'not allowed',
      }),
    });
  }
  if (failure.httpStatus === 404) {
    return new PimError({
      ...base,
      kind: 'NotFound',
      message: `Microsoft Graph could not find it (${code || 'NotFound'}).`,
      fix: 'It may have been removed or may have expired; refresh and try again.',
      reasons: reason('notFound', named, { graphCode: code || 'NotFound' }),
    });
  }
  if (failure.httpStatus === 504 && ctx.operation !== 'read') {
    // A gateway gave up waiting: the write may have reached PIM (it is not resent, see graph-middleware).
    return new PimError({
      ...base,
      kind: 'Unavailable',
      retryAfterSeconds: failure.retryAfterSeconds,
      message: 'Microsoft Graph did not answer in time (504 Gateway Timeout).',
      fix: 'PIM may have taken it anyway: check before you try again (type "active", or open the card again).',
      reasons: reason('unansweredWrite', named),
    });
  }
  if (failure.httpStatus === 429 || failure.httpStatus === 503 || failure.httpStatus === 504) {
    const wait = failure.retryAfterSeconds;
    return new PimError({
      ...base,
      kind: failure.httpStatus === 429 ? 'Throttled' : 'Unavailable',
      retryAfterSeconds: wait,
      message:
        failure.httpStatus === 429
          ? 'Microsoft Graph is throttling requests right now.'
          : 'Microsoft Graph is temporarily unavailable.',
      fix: `Nothing was submitted. Try again${wait ? ` in ${wait} seconds` : ' in a minute'}.`,
      reasons: reason(
        failure.httpStatus === 429 ? (wait ? 'throttledWait' : 'throttled') : wait ? 'unavailableWait' : 'unavailable',
        named,
        wait ? { seconds: wait } : {},
      ),
    });
  }
  if (failure.httpStatus === 400) {
    return new PimError({
      ...base,
      kind: 'BadRequest',
      message: `Microsoft Graph rejected the request (${code || 'BadRequest'}): ${message}`,
      fix: 'Check the values and try again; if it keeps failing, report it with the request id.',
      reasons: reason('badRequest', named, { graphCode: code || 'BadRequest', graphMessage: message }),
    });
  }
  return new PimError({
    ...base,
    kind: 'Unknown',
    message: `Microsoft Graph failed (HTTP ${failure.httpStatus}${code ? `, ${code}` : ''}).`,
    fix: 'Try again; if it keeps failing, report it with the request id.',
    reasons: code
      ? reason('unknownCode', named, { httpStatus: failure.httpStatus, graphCode: code })
      : reason('unknown', named, { httpStatus: failure.httpStatus }),
  });
}
