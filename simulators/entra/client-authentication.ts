import { createHash, timingSafeEqual } from 'node:crypto';
import { AadErrors } from './aad-errors';
import type { Directory } from './directory';
import type { RegisteredApplication } from './types';

/**
 * Authenticates the confidential client of a token request: `client_id` + `client_secret` in the
 * form body (client_secret_post, what MSAL sends) or HTTP Basic (client_secret_basic, RFC 6749 2.3.1).
 */
export function authenticateClient(
  form: URLSearchParams,
  authorization: string | undefined,
  directory: Directory,
): RegisteredApplication {
  const basic = parseBasicCredentials(authorization);
  const bodyClientId = form.get('client_id') ?? undefined;
  if (basic && bodyClientId && basic.clientId !== bodyClientId) throw AadErrors.conflictingClientIds();
  const clientId = basic?.clientId ?? bodyClientId;
  if (!clientId) throw AadErrors.missingParameter('client_id');
  const app = directory.application(clientId);
  if (!app) throw AadErrors.applicationNotFound(clientId, directory.tenantId);
  const secret = basic?.clientSecret ?? form.get('client_secret') ?? undefined;
  if (!secret) throw AadErrors.missingClientCredential();
  if (!sameSecret(secret, app.clientSecret)) throw AadErrors.invalidClientSecret(app.clientId);
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
