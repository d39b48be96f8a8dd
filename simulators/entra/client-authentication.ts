import { createHash, timingSafeEqual } from 'node:crypto';
import { AadErrors } from './aad-errors';
import { CLIENT_ASSERTION_TYPE_JWT, type ClientAssertionContext, verifyClientAssertion } from './client-assertion';
import type { Directory } from './directory';
import type { ApplicationRegistration } from './types';

/**
 * Authenticates the confidential client of a token request, with either credential an app registration
 * can hold:
 * - a secret: `client_id` + `client_secret` in the form body (client_secret_post, what MSAL sends) or
 *   HTTP Basic (client_secret_basic, RFC 6749 2.3.1);
 * - a certificate: `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` +
 *   `client_assertion`, a JWT signed with a registered certificate's key (private_key_jwt; checks in
 *   client-assertion.ts). Every grant and the dev SSO endpoint come through here.
 */
export async function authenticateClient(
  form: URLSearchParams,
  authorization: string | undefined,
  directory: Directory,
  assertionContext: ClientAssertionContext,
): Promise<ApplicationRegistration> {
  const basic = parseBasicCredentials(authorization);
  const bodyClientId = form.get('client_id') ?? undefined;
  if (basic && bodyClientId && basic.clientId !== bodyClientId) throw AadErrors.conflictingClientIds();
  const clientId = basic?.clientId ?? bodyClientId;
  if (!clientId) throw AadErrors.missingParameter('client_id');
  const app = directory.application(clientId);
  if (!app) throw AadErrors.applicationNotFound(clientId, directory.tenantId);
  const secret = basic?.clientSecret ?? form.get('client_secret') ?? undefined;
  const assertion = form.get('client_assertion') ?? undefined;
  if (secret && assertion) throw AadErrors.secretAndAssertion();
  if (assertion) {
    const assertionType = form.get('client_assertion_type');
    if (!assertionType) throw AadErrors.missingParameter('client_assertion_type');
    if (assertionType !== CLIENT_ASSERTION_TYPE_JWT) throw AadErrors.invalidParameter('client_assertion_type');
    await verifyClientAssertion(app, assertion, assertionContext);
    return app;
  }
  if (!secret) throw AadErrors.missingClientCredential();
  // An app without a secret refuses every secret, as Entra does for a secret it does not hold.
  if (app.clientSecret === undefined || !sameSecret(secret, app.clientSecret)) {
    throw AadErrors.invalidClientSecret(app.clientId);
  }
  return app;
}

function parseBasicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = header?.match(/^Basic\s+(\S+)$/i);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
