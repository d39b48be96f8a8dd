import type { JsonObject } from './json';

/**
 * An error Graph would answer with. Thrown anywhere in a handler; the server turns it into Graph's
 * OData error envelope {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
 */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Graph writes innerError.date without a UTC offset, e.g. "2024-09-21T22:53:02" (PIM-API.md §8.3). */
export function innerErrorDate(date: Date): string {
  return date.toISOString().slice(0, 19);
}

export function errorEnvelope(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
  date: Date = new Date(),
): JsonObject {
  return {
    error: {
      code,
      message,
      innerError: { date: innerErrorDate(date), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

const CAE_MESSAGE =
  'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp';

/** The errors the simulator raises, each worded the way Graph words it (or as documented in the report). */
export const graphErrors = {
  badRequest: (message: string) => new GraphError(400, 'BadRequest', message),
  segmentNotFound: (segment: string) =>
    new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  invalidVersion: (version: string) => new GraphError(400, 'BadRequest', `Invalid version: ${version}`),
  methodNotAllowed: () =>
    new GraphError(405, 'BadRequest', 'Specified HTTP method is not allowed for the request uri.'),
  unreadableBody: () =>
    new GraphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),
  invalidToken: (message: string) =>
    new GraphError(401, 'InvalidAuthenticationToken', message, { 'WWW-Authenticate': WWW_AUTHENTICATE }),
  /**
   * CAE: a token issued before the user's sessions were revoked (message and header as Graph sends them,
   * microsoftgraph/msgraph-sdk-dotnet-core AuthenticationHandler tests; FIDELITY.md).
   */
  caeChallenge: (base64Claims: string) =>
    new GraphError(401, 'InvalidAuthenticationToken', CAE_MESSAGE, {
      'WWW-Authenticate': `${WWW_AUTHENTICATE}, error_description="${CAE_MESSAGE}", error="insufficient_claims", claims="${base64Claims}"`,
    }),
  /**
   * What the PIM service answers when the token lacks every accepted permission: a 403 whose message is the
   * service's own JSON error (observed: microsoft-graph-docs#22292, Microsoft365DSC#3940).
   */
  pimPermissionMissing: (accepted: readonly string[]) =>
    new GraphError(
      403,
      'UnknownError',
      JSON.stringify({
        errorCode: 'PermissionScopeNotGranted',
        message: `Authorization failed due to missing permission scope ${accepted.join(',')}.`,
        instanceAnnotations: [],
      }),
    ),
  /** Directory (users, groups) permission failures. */
  insufficientPrivileges: () =>
    new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  forbidden: (message: string) => new GraphError(403, 'Authorization_RequestDenied', message),
  /** PIM entities (requests, schedules, approvals, policies) that do not exist. */
  pimNotFound: () => new GraphError(404, 'ResourceNotFound', 'The requested resource does not exist.'),
  /** Directory objects (users, groups, role definitions) that do not exist. */
  directoryNotFound: (id: string) =>
    new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  conflict: (message: string) => new GraphError(409, 'Conflict', message),
  /**
   * Teams endpoints (installed apps, app catalog) name what they wanted and what the token had: app-only
   * "Missing role permissions on the request. API required one of '…'. Roles on the request '…'."
   * (microsoft-graph-docs#13690), delegated "Missing scope permissions … API requires one of '…'. Scopes on
   * the request '…'." (office-docs-powershell#8399). FIDELITY.md, "Teams app installations".
   */
  teamsPermissionMissing: (kind: 'user' | 'app', accepted: readonly string[], had: readonly string[]) =>
    new GraphError(
      403,
      'Forbidden',
      kind === 'app'
        ? `Missing role permissions on the request. API required one of '${accepted.join(', ')}'. Roles on the request '${had.join(', ')}'.`
        : `Missing scope permissions on the request. API requires one of '${accepted.join(', ')}'. Scopes on the request '${had.join(', ')}'.`,
    ),
  /** A *Self* permission used on another app (microsoft-graph-docs-contrib#478; the status is UNVERIFIED). */
  teamsAppNotManageable: (appId: string, teamsAppId: string) =>
    new GraphError(403, 'Forbidden', `AAD App Id '${appId}' is not allowed to manage the Teams App '${teamsAppId}'.`),
  /** Teams entities (catalog apps, installations) that do not exist; wording UNVERIFIED. */
  teamsNotFound: (what: string) => new GraphError(404, 'NotFound', `${what} not found.`),
  notImplemented: (message: string) => new GraphError(501, 'NotImplemented', message),
  /**
   * A directory query that works only as an advanced query (ConsistencyLevel: eventual and $count=true) sent
   * without them (DOCS concepts/aad-advanced-queries.md: "the request returns an error"; code from its $search
   * sample, message UNVERIFIED for an OData cast).
   */
  advancedQueryRequired: (what: string) =>
    new GraphError(
      400,
      'Request_UnsupportedQuery',
      `${what} only works through MSGraph with a special request header: 'ConsistencyLevel: eventual' and the query string '$count=true'.`,
    ),
};
