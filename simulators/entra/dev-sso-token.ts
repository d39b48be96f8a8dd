import type { IncomingMessage, ServerResponse } from 'node:http';
import { AadError, AadErrors } from './aad-errors';
import type { AuthorityContext } from './authority-context';
import { clientAssertionAudiences } from './client-assertion';
import { authenticateClient } from './client-authentication';
import { INTERACTIVE_SIGN_IN_AMR } from './constants';
import { readBody, sendJson } from './http';

/** `/{tenant}/_dev/teams-sso-token`: exists only in this simulator, never in Entra. */
export const DEV_SSO_TOKEN_PATH = '_dev/teams-sso-token';

/**
 * Lifetime of the tokens this endpoint mints. The authority's configured lifetime is not in the
 * request context; an hour is what it defaults to and about what Teams SSO tokens live.
 */
const DEV_SSO_TOKEN_LIFETIME_SECONDS = 3600;

interface DevRequestLog {
  route: string;
  parameters?: string[];
  clientId?: string;
  error?: string;
  errorCode?: number;
}

/**
 * `POST /{tenant}/_dev/teams-sso-token` (form or JSON: `client_id`, `client_secret`, `user` = object id
 * or UPN): the local demo's stand-in for Teams SSO. The Agents Playground has no SSO, so in playground
 * mode the bot asks here for what Teams would hand it: a token for the bot's own API (audience its
 * first identifier URI, azp the Teams client) of a user who signed in with password and MFA, no
 * authentication contexts. The bot then exchanges it on-behalf-of exactly as in production.
 *
 * The app authenticates with its client secret or a certificate client assertion (as at the token
 * endpoint), so this is no open token mint:
 * only the app a token is for can get one, as with Teams SSO.
 */
export async function handleDevTeamsSsoToken(
  context: AuthorityContext,
  req: IncomingMessage,
  res: ServerResponse,
  tenantSegment: string,
  ids: { traceId: string; correlationId: string },
  log: DevRequestLog,
): Promise<void> {
  log.route = DEV_SSO_TOKEN_PATH;
  try {
    if (!context.directory.resolveTenant(tenantSegment)) throw AadErrors.tenantNotFound(tenantSegment);
    if (req.method !== 'POST') throw AadErrors.onlyPost(req.method ?? 'unknown');
    const form = parseBody(await readBody(req), req.headers['content-type']);
    log.parameters = [...new Set(form.keys())];
    log.clientId = form.get('client_id') ?? undefined;
    // A client assertion here carries the token endpoint as audience, as for any token request.
    const app = await authenticateClient(form, req.headers.authorization, context.directory, {
      now: context.clock.now(),
      audiences: clientAssertionAudiences(context.url, [context.tenantId, tenantSegment]),
    });
    log.clientId = app.clientId;
    const userId = form.get('user');
    if (!userId) throw AadErrors.missingParameter('user');
    const user = context.directory.user(userId);
    if (!user) throw AadErrors.userNotFound(context.tenantId);
    const issued = await context.minter.teamsSsoToken(
      app,
      { user, amr: [...INTERACTIVE_SIGN_IN_AMR], acrs: [] },
      DEV_SSO_TOKEN_LIFETIME_SECONDS,
    );
    sendJson(res, 200, { token: issued.token });
  } catch (error) {
    if (!(error instanceof AadError)) throw error;
    log.error = error.error;
    log.errorCode = error.code;
    sendJson(res, error.status, error.toBody({ ...ids, now: context.clock.now() }));
  }
}

/** The body as form fields: application/json objects of strings, else x-www-form-urlencoded. */
function parseBody(body: string, contentType: string | undefined): URLSearchParams {
  if (!contentType?.toLowerCase().includes('application/json')) return new URLSearchParams(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalidBody();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidBody();
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw AadErrors.invalidParameter(name);
    form.set(name, value);
  }
  return form;
}

function invalidBody(): AadError {
  return new AadError(400, 'invalid_request', 90014, 'The request body must be a JSON object of strings or form data.');
}
