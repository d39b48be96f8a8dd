/**
 * OAuth errors in the shape Microsoft Entra ID answers them:
 * `{error, error_description: 'AADSTSnnnn: …\r\nTrace ID: …', error_codes: [n], timestamp, trace_id, correlation_id, error_uri}`,
 * plus `suberror` and `claims` for interaction-required answers. MSAL reads `error`, `error_description`,
 * `suberror`, `error_codes`, `claims`, `correlation_id` and `trace_id` from it.
 */
export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

export class AadError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: string,
    readonly code: number,
    readonly description: string,
    readonly extra: { suberror?: string; claims?: string } = {},
  ) {
    super(`${error}: AADSTS${code}: ${description}`);
    this.name = 'AadError';
  }

  toBody(context: { traceId: string; correlationId: string; now: Date }): AadErrorBody {
    const timestamp = aadTimestamp(context.now);
    const description =
      `AADSTS${this.code}: ${this.description}\r\nTrace ID: ${context.traceId}\r\n` +
      `Correlation ID: ${context.correlationId}\r\nTimestamp: ${timestamp}`;
    return {
      error: this.error,
      error_description: description,
      error_codes: [this.code],
      timestamp,
      trace_id: context.traceId,
      correlation_id: context.correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.code}`,
      ...(this.extra.suberror ? { suberror: this.extra.suberror } : {}),
      ...(this.extra.claims ? { claims: this.extra.claims } : {}),
    };
  }
}

/** Entra's timestamp format: '2024-05-01 12:34:56Z'. */
export function aadTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** The errors this authority answers, with Entra's codes and (close to) Entra's wording. */
export const AadErrors = {
  tenantNotFound: (tenant: string) =>
    new AadError(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  onlyPost: (method: string) =>
    new AadError(
      400,
      'invalid_request',
      900561,
      `The endpoint only accepts POST requests. Received a ${method} request.`,
    ),
  missingParameter: (name: string) =>
    new AadError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  invalidParameter: (name: string) =>
    new AadError(400, 'invalid_request', 90100, `The '${name}' parameter is empty or not valid.`),
  unsupportedGrantType: (grantType: string) =>
    new AadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`),
  applicationNotFound: (clientId: string, tenantId: string) =>
    new AadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  missingClientCredential: () =>
    new AadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidClientSecret: (clientId: string) =>
    new AadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  // Client assertions (certificate credentials). Codes: AADSTS700027 / 700021 / 700023 / 50027 from
  // https://learn.microsoft.com/en-us/azure/developer/java/sdk/troubleshooting-authentication-service-principal,
  // AADSTS700024 from https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes;
  // the bracketed reasons follow the answers quoted in AzureAD/passport-azure-ad#453, keycloak/keycloak#19425
  // and Azure/azure-sdk-for-net#29007. All are invalid_client, as Entra answers them.
  clientAssertionKeyNotFound: (thumbprint: string, clientId: string) =>
    new AadError(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  clientAssertionSignatureInvalid: (thumbprint: string) =>
    new AadError(
      401,
      'invalid_client',
      700027,
      `Client assertion contains an invalid signature. [Reason - Key was found, but use of the key to verify the signature failed., Thumbprint of key used by client: '${thumbprint}']`,
    ),
  clientAssertionOutsideValidity: (now: Date, notBefore: Date | undefined, expiry: Date | undefined) =>
    new AadError(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${notBefore ? notBefore.toISOString() : 'unknown'}, expiry time of assertion ${expiry ? expiry.toISOString() : 'unknown'}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    ),
  clientAssertionSubjectMismatch: () =>
    new AadError(
      401,
      'invalid_client',
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
    ),
  clientAssertionAudienceMismatch: () =>
    new AadError(
      401,
      'invalid_client',
      700023,
      'Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .',
    ),
  malformedClientAssertion: (what: string) =>
    new AadError(400, 'invalid_request', 50027, `JWT token is invalid or malformed. (${what})`),
  // UNVERIFIED (see FIDELITY.md): what Entra says to a request with both a secret and an assertion.
  secretAndAssertion: () =>
    new AadError(
      400,
      'invalid_request',
      90100,
      "Send either 'client_secret' or 'client_assertion', not both: an app authenticates with one credential.",
    ),
  conflictingClientIds: () =>
    new AadError(400, 'invalid_request', 90100, 'The client_id in the body and in the Authorization header differ.'),
  missingScope: () =>
    new AadError(400, 'invalid_scope', 70011, "The provided request must include a 'scope' input parameter."),
  invalidScope: (scope: string) =>
    new AadError(
      400,
      'invalid_scope',
      70011,
      `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  clientCredentialsNeedDefaultScope: (scope: string) =>
    new AadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  multipleResources: () =>
    new AadError(
      400,
      'invalid_request',
      28000,
      'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope openid profile offline_access is not valid.',
    ),
  resourceNotFound: (resource: string, tenantId: string) =>
    new AadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  // Wording as Entra is commonly reported to answer a scope the resource does not expose; UNVERIFIED (FIDELITY.md).
  scopeNotOnResource: (appName: string, scope: string, resource: string) =>
    new AadError(
      400,
      'invalid_client',
      65005,
      `The application '${appName}' asked for scope '${scope}' that doesn't exist on the resource '${resource}'. Contact the app vendor.`,
    ),
  consentRequired: (clientId: string, displayName: string) =>
    new AadError(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${clientId}' named '${displayName}'. Send an interactive authorization request for this user and resource.`,
      { suberror: 'consent_required' },
    ),
  malformedAssertion: () => new AadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'),
  assertionSignatureKeyNotFound: (kid: string) =>
    new AadError(
      400,
      'invalid_grant',
      50013,
      `Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '${kid}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id.]`,
    ),
  assertionSignatureInvalid: () =>
    new AadError(
      400,
      'invalid_grant',
      50013,
      'Assertion failed signature validation. [Reason - Key was found, but use of the key to verify the signature failed.]',
    ),
  assertionIssuerNotTrusted: (issuer: string) =>
    new AadError(400, 'invalid_grant', 50013, `Assertion contains an issuer '${issuer}' this tenant does not trust.`),
  assertionAudienceMismatch: (audience: string, clientId: string) =>
    new AadError(
      400,
      'invalid_grant',
      50013,
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${audience}' and the expected audience is '${clientId}' or one of the Application Id URIs of this web API registered in Azure AD.`,
    ),
  assertionOutsideValidity: (now: Date, expiry: Date | undefined) =>
    new AadError(
      400,
      'invalid_grant',
      500133,
      `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${now.toISOString()}, expiry time of assertion ${expiry ? expiry.toISOString() : 'unknown'}.`,
    ),
  // AADSTS50173 FreshTokenNeeded (reference-error-codes); message as Entra words it, placeholders filled.
  grantRevoked: (issuedAt: Date, validFrom: Date) =>
    new AadError(
      400,
      'invalid_grant',
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issuedAt.toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom.toISOString()}'.`,
    ),
  userNotFound: (tenantId: string) =>
    new AadError(
      400,
      'invalid_grant',
      50034,
      `The user account {EUII Hidden} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`,
    ),
  mfaRequired: (resource: string, claims: string) =>
    new AadError(
      400,
      'interaction_required',
      50076,
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resource}'.`,
      { suberror: 'basic_action', claims },
    ),
  codeNotValid: () => new AadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.'),
  codeIssuedToAnotherClient: () =>
    new AadError(
      400,
      'invalid_grant',
      70000,
      'Provided grant is invalid or malformed. The code was issued to another client.',
    ),
  codeRedeemed: () =>
    new AadError(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    ),
  codeExpired: () =>
    new AadError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    ),
  redirectUriMismatchOnRedeem: (given: string, original: string) =>
    new AadError(
      400,
      'invalid_grant',
      500112,
      `The reply address '${given}' does not match the reply address '${original}' provided when requesting Authorization code.`,
    ),
  codeVerifierMismatch: () =>
    new AadError(
      400,
      'invalid_grant',
      501481,
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
    ),
} as const;
