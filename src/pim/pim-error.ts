/**
 * The PIM error and how a Graph failure becomes one. Importers use this module; the parts live in their own files
 * (the error class, the parsing of Graph's message, the mapping to sentences for the user).
 */
export { parseClaimsChallenge, parseFailedRules } from './graph-error-message';
export type { PimErrorReason, PimErrorReasonCode } from './pim-error-reason';
export { PimError, type PimErrorInit, type PimErrorKind, type PolicyRuleName } from './pim-error-class';
export { type FailureContext, type GraphFailure, toPimError } from './to-pim-error';
