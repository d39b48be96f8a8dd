import type { JsonObject } from '../graph/json';

/**
 * An error ARM would answer with. Thrown anywhere in a handler; the server turns it into ARM's
 * CloudError envelope `{"error":{"code","message"}}` (ARM-PIM.md §1, spec `CloudError`). Unlike Graph
 * there is no innerError: ARM's correlation travels in the `x-ms-request-id` header.
 */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function cloudError(code: string, message: string): JsonObject {
  return { error: { code, message } };
}

export const API_VERSIONS = { pim: '2020-10-01', approvals: '2021-01-01-preview' } as const;

/** The policy rule names PIM lists in "The following policy rules failed: [...]" (ARM-PIM.md §6). */
export type PolicyRuleName = 'ExpirationRule' | 'JustificationRule' | 'TicketingRule' | 'MfaRule' | 'EligibilityRule';

/** Every code the simulator can answer with; FIDELITY.md has one row per code with its source. */
export const armErrors = {
  missingApiVersion: () =>
    new ArmError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  invalidApiVersion: (given: string, supported: string) =>
    new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${given}' is invalid. The supported versions are '${supported}'.`,
    ),
  notFoundPath: (path: string) =>
    new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${path}'.`),
  methodNotAllowed: (method: string) =>
    new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`),
  invalidScope: (scope: string) => new ArmError(400, 'InvalidScope', `The scope '${scope}' is not valid.`),
  badRequest: (message: string) => new ArmError(400, 'BadRequest', message),
  invalidFilter: (filter: string) => new ArmError(400, 'BadRequest', `The filter '${filter}' is not supported.`),
  unreadableBody: () =>
    new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.'),
  missingToken: () =>
    new ArmError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      bearer(),
    ),
  invalidToken: (why: string) => new ArmError(401, 'InvalidAuthenticationToken', why, bearer()),
  wrongAudience: () =>
    new ArmError(
      401,
      'InvalidAuthenticationTokenAudience',
      "The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.",
      bearer(),
    ),
  expiredToken: () =>
    new ArmError(
      401,
      'ExpiredAuthenticationToken',
      'The access token expiry UTC time is earlier than current UTC time.',
      bearer(),
    ),
  /** Mandatory MFA for writes: 401 with a claims challenge in WWW-Authenticate (ARM-PIM.md §2). */
  mfaClaimsChallenge: (tenantId: string, claimsJson: string) =>
    new ArmError(
      401,
      'RequestDisallowedByAzure',
      'The request was disallowed because multifactor authentication is required. Sign in again with multifactor authentication.',
      {
        'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${tenantId}", error="insufficient_claims", claims="${Buffer.from(claimsJson).toString('base64')}"`,
      },
    ),
  authorizationFailed: (objectId: string, action: string, scope: string) =>
    new ArmError(
      403,
      'AuthorizationFailed',
      `The client '${objectId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid.`,
    ),
  notFound: (kind: string, name: string) =>
    new ArmError(404, `${kind}NotFound`, `The ${kind} '${name}' could not be found.`),
  invalidRequestName: (name: string) =>
    new ArmError(400, 'InvalidRoleAssignmentScheduleRequestName', `The request name '${name}' is not a valid GUID.`),
  roleDefinitionDoesNotExist: (id: string) =>
    new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${id}' does not exist.`),
  policyValidationFailed: (rules: readonly PolicyRuleName[]) =>
    new ArmError(
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      `The following policy rules failed: ${JSON.stringify(rules)}.`,
    ),
  /** The claims in the message, URL-encoded after `&claims=` (Azure/azure-powershell#25421). */
  acrsValidationFailed: (claimValue: string) =>
    new ArmError(
      400,
      'RoleAssignmentRequestAcrsValidationFailed',
      `&claims=${encodeURIComponent(`{"access_token":{"acrs":{"essential":true, "value":"${claimValue}"}}}`)}`,
    ),
  assignmentExists: () => new ArmError(400, 'RoleAssignmentExists', 'The Role assignment already exists.'),
  assignmentDoesNotExist: () => new ArmError(400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.'),
  activeDurationTooShort: () =>
    new ArmError(400, 'ActiveDurationTooShort', 'The Active duration is too short. Miniumum Required is 5 minutes.'),
  notPending: (name: string) =>
    new ArmError(400, 'InvalidRequestStatus', `The request '${name}' is not pending and cannot be cancelled.`),
  stageNotInProgress: () =>
    new ArmError(400, 'ApprovalStageNotInProgress', 'The approval stage is not in progress and cannot be reviewed.'),
  notImplemented: (what: string) => new ArmError(501, 'NotImplemented', `The simulator does not model ${what}.`),
  throttled: (retryAfterSeconds?: number) =>
    new ArmError(
      429,
      'TooManyRequests',
      'The request is being throttled as the limit has been reached for operation type - Write. Please retry after the time given in the Retry-After header.',
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
  unavailable: (retryAfterSeconds?: number) =>
    new ArmError(
      503,
      'ServiceUnavailable',
      'The service is temporarily unavailable. Please retry later.',
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
};

function bearer(): Record<string, string> {
  return {
    'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
  };
}
