/**
 * What a PIM failure means, as data: a code the bot, views and cards put into the reader's language
 * (errors:pim.<code>.message / .fix, docs/i18n.md) and the values the sentence needs. The domain never
 * translates; PimError keeps its English message and fix for logs and for callers not yet converted.
 */
export type PimErrorReasonCode =
  | 'justificationRequired'
  | 'ticketRequired'
  | 'durationOverMax'
  | 'durationOverPolicy'
  | 'mfaRequired'
  | 'notEligible'
  | 'ruleFailed'
  | 'strongerSignIn'
  | 'strongerSignInContext'
  | 'sessionReevaluated'
  | 'deactivateTooSoon'
  | 'durationTooShort'
  | 'alreadyActive'
  | 'notActive'
  | 'requestPending'
  | 'alreadyDecided'
  | 'notWaitingForYou'
  | 'unauthenticated'
  | 'forbidden'
  | 'forbiddenDecide'
  | 'notFound'
  | 'noPolicyRole'
  | 'noPolicyGroup'
  | 'throttled'
  | 'throttledWait'
  | 'unavailable'
  | 'unavailableWait'
  | 'unansweredWrite'
  | 'badRequest'
  | 'unknown'
  | 'unknownCode';

/**
 * One reason. Values: `name` (the role or group as describeTarget names it; absent when the call named none),
 * `maxMinutes` (a policy's maximum), `rule`, `authContext`, `graphCode`, `graphMessage` (Graph's own words),
 * `httpStatus`, `seconds` (Retry-After).
 */
export interface PimErrorReason {
  code: PimErrorReasonCode;
  values: Readonly<Record<string, string | number>>;
}
