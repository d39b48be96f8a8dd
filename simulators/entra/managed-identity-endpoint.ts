import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorityContext } from './authority-context';
import { sendJson } from './http';

/** Where App Service serves its managed identity endpoint on a site (`IDENTITY_ENDPOINT`). */
export const MANAGED_IDENTITY_PATH = '/msi/token';

/** The one API version App Service's endpoint speaks and MSAL Node sends (AppService.mjs). */
export const APP_SERVICE_MSI_API_VERSION = '2019-08-01';

/**
 * Resources this stand-in issues managed identity tokens for: Azure Storage, with or without the
 * trailing slash (MSAL Node turns scope `https://storage.azure.com/.default` into resource
 * `https://storage.azure.com`; the docs' curl examples write `https://storage.azure.com/`).
 */
const SUPPORTED_RESOURCES = new Set(['https://storage.azure.com/', 'https://storage.azure.com']);

export interface ManagedIdentityRequestLog {
  route: string;
  parameters?: string[];
  clientId?: string;
  error?: string;
}

/**
 * `GET {IDENTITY_ENDPOINT}?resource=…&api-version=2019-08-01[&client_id=…|&object_id=…|&principal_id=…]`
 * with header `X-IDENTITY-HEADER: {IDENTITY_HEADER}`: the App Service / Azure Functions managed
 * identity endpoint ("Connect to Azure services in app code", REST endpoint reference,
 * https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity). Answers
 * `{access_token, expires_on (epoch seconds, a string), resource, token_type: 'Bearer', client_id}`.
 *
 * The header is a per-start secret (as App Service rotates it): a process without it, e.g. code that
 * was handed only the URL, gets nothing. Error bodies follow what App Service was seen answering
 * (`{statusCode, message, correlationId}`, e.g. Azure-Samples/azure-search-openai-demo#2148); their exact
 * wording is UNVERIFIED (FIDELITY.md).
 */
export async function handleManagedIdentityRequest(
  context: AuthorityContext,
  identityHeader: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  log: ManagedIdentityRequestLog,
): Promise<void> {
  log.route = 'managed-identity';
  log.parameters = [...new Set(url.searchParams.keys())];
  const correlationId = randomUUID();
  const fail = (status: number, message: string) => {
    log.error = message;
    sendJson(res, status, { statusCode: status, message, correlationId });
  };

  if (req.method !== 'GET') return fail(405, 'The managed identity endpoint only answers GET requests.');
  const header = req.headers['x-identity-header'];
  if (typeof header !== 'string' || header !== identityHeader) {
    return fail(401, 'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.');
  }
  const apiVersion = url.searchParams.get('api-version');
  if (apiVersion !== APP_SERVICE_MSI_API_VERSION) {
    return fail(400, `Unsupported api-version '${apiVersion ?? ''}': use ${APP_SERVICE_MSI_API_VERSION}.`);
  }
  const resource = url.searchParams.get('resource');
  if (!resource) return fail(400, "The 'resource' query parameter is required.");
  if (url.searchParams.has('mi_res_id')) {
    // UNVERIFIED: user-assigned identities by ARM resource id are not modelled here.
    return fail(400, "This local endpoint names identities by 'client_id' or 'object_id', not 'mi_res_id'.");
  }
  const clientId = url.searchParams.get('client_id') ?? undefined;
  const objectId = url.searchParams.get('object_id') ?? url.searchParams.get('principal_id') ?? undefined;
  log.clientId = clientId;
  const identity = context.directory.managedIdentity({ clientId, objectId });
  if (!identity) {
    return fail(
      400,
      'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
    );
  }
  log.clientId = identity.clientId;
  if (!SUPPORTED_RESOURCES.has(resource)) {
    return fail(
      400,
      `The local managed identity endpoint issues tokens for Azure Storage (https://storage.azure.com/) only, not '${resource}'.`,
    );
  }

  const issued = await context.minter.managedIdentityToken(
    identity,
    context.directory.managedIdentityObjectId(identity),
    resource,
  );
  const expiresOn = Math.floor(context.clock.now().getTime() / 1000) + issued.expiresIn;
  sendJson(res, 200, {
    access_token: issued.token,
    expires_on: String(expiresOn),
    resource,
    token_type: 'Bearer',
    client_id: identity.clientId,
  });
}
