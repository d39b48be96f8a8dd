import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AadErrors } from './aad-errors';
import type { AuthorityContext } from './authority-context';
import { handleAuthorizeRequest } from './authorize-endpoint';
import { DEV_SSO_TOKEN_PATH, handleDevTeamsSsoToken } from './dev-sso-token';
import { openIdConfiguration } from './discovery';
import { handleManagedIdentityRequest, MANAGED_IDENTITY_PATH } from './managed-identity-endpoint';
import { BodyTooLargeError, errorPage, escapeHtml, readBody, redirect, sendHtml, sendJson } from './http';
import { handleTokenRequest } from './token-endpoint';

interface RequestLog {
  route: string;
  /** Names only (never values) of the parameters received, for debugging clients. */
  parameters?: string[];
  status?: number;
  clientId?: string;
  grantType?: string;
  error?: string;
  errorCode?: number;
}

/**
 * The authority's HTTP surface. Tenant paths are `/{tenantId|common|organizations}/…`. Logs carry the
 * route, status, client id, grant type and error code only: never tokens, secrets, assertions or codes.
 */
export function createRequestHandler(context: AuthorityContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const traceId = randomUUID();
    const url = new URL(req.url ?? '/', context.url);
    const correlationId =
      url.searchParams.get('client-request-id') ?? headerValue(req, 'client-request-id') ?? randomUUID();
    res.setHeader('x-ms-request-id', traceId);
    res.setHeader('client-request-id', correlationId);
    res.setHeader('x-ms-ests-server', 'pim-bot local Entra authority');
    const log: RequestLog = { route: 'unknown' };

    route(context, req, res, url, { traceId, correlationId }, log)
      .catch((error: unknown) => {
        const tooLarge = error instanceof BodyTooLargeError;
        log.error = tooLarge ? 'request_too_large' : 'server_error';
        context.logger.error(
          { err: error instanceof Error ? error.message : String(error), route: log.route },
          'entra authority failure',
        );
        if (!res.headersSent) {
          sendJson(res, tooLarge ? 413 : 500, { error: log.error, trace_id: traceId, correlation_id: correlationId });
        } else {
          res.destroy();
        }
      })
      .finally(() => {
        context.logger.info({ method: req.method, ...log, status: res.statusCode }, 'entra request');
      });
  };
}

async function route(
  context: AuthorityContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ids: { traceId: string; correlationId: string },
  log: RequestLog,
): Promise<void> {
  const segments = url.pathname.split('/').filter(Boolean);
  if (url.pathname === '/healthz') {
    log.route = 'healthz';
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  // Simulator-only path on this host: the App Service managed identity endpoint (not an Entra URL).
  if (context.managedIdentityHeader && url.pathname.toLowerCase() === MANAGED_IDENTITY_PATH) {
    return handleManagedIdentityRequest(context, context.managedIdentityHeader, req, res, url, log);
  }
  const [tenantSegment, ...rest] = segments;
  const path = rest.join('/');
  // Simulator-only: the local demo's stand-in for Teams SSO (dev-sso-token.ts).
  if (tenantSegment && path === DEV_SSO_TOKEN_PATH) {
    return handleDevTeamsSsoToken(context, req, res, tenantSegment, ids, log);
  }
  const known = [
    'v2.0/.well-known/openid-configuration',
    'discovery/v2.0/keys',
    'discovery/keys',
    'oauth2/v2.0/token',
    'oauth2/v2.0/authorize',
    'oauth2/v2.0/logout',
  ];
  if (!tenantSegment || !known.includes(path)) {
    log.route = 'not_found';
    sendJson(res, 404, { error: 'not_found', error_description: `No such endpoint: ${url.pathname}` });
    return;
  }
  log.route = path;

  const tenantId = context.directory.resolveTenant(tenantSegment);
  if (!tenantId) {
    const error = AadErrors.tenantNotFound(tenantSegment);
    log.error = error.error;
    log.errorCode = error.code;
    if (path === 'oauth2/v2.0/authorize') {
      sendHtml(res, 400, errorPage('Sign in', error.toBody({ ...ids, now: context.clock.now() }).error_description));
    } else {
      sendJson(res, error.status, error.toBody({ ...ids, now: context.clock.now() }));
    }
    return;
  }

  switch (path) {
    case 'v2.0/.well-known/openid-configuration':
      sendJson(
        res,
        200,
        openIdConfiguration({
          url: context.url,
          tenantSegment,
          tenantId,
          isTenantPath: tenantSegment.toLowerCase() === tenantId.toLowerCase(),
        }),
      );
      return;
    case 'discovery/v2.0/keys':
    case 'discovery/keys':
      sendJson(res, 200, context.keys.jwks(), { 'cache-control': 'max-age=86400, private' });
      return;
    case 'oauth2/v2.0/token': {
      const body = req.method === 'POST' ? await readBody(req) : '';
      log.parameters = [...new Set([...new URLSearchParams(body).keys(), ...url.searchParams.keys()])];
      const result = await handleTokenRequest(context, req, body, tenantSegment);
      log.clientId = result.clientId;
      log.grantType = result.grantType;
      if (result.ok) {
        sendJson(res, 200, result.body);
      } else {
        log.error = result.error.error;
        log.errorCode = result.error.code;
        sendJson(res, result.error.status, result.error.toBody({ ...ids, now: context.clock.now() }));
      }
      return;
    }
    case 'oauth2/v2.0/authorize': {
      const query = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      log.parameters = [...new Set(query.keys())];
      const outcome = handleAuthorizeRequest(context, query);
      log.clientId = outcome.clientId;
      if (outcome.kind === 'redirect') {
        redirect(res, outcome.location);
      } else if (outcome.kind === 'form_post') {
        sendHtml(res, 200, formPostPage(outcome.action, outcome.fields));
      } else {
        log.error = 'authorize_error_page';
        sendHtml(res, outcome.status, errorPage(outcome.title, outcome.message));
      }
      return;
    }
    case 'oauth2/v2.0/logout': {
      // Only back to a URI some app registered: no open redirect.
      const target = url.searchParams.get('post_logout_redirect_uri');
      if (target && context.directory.isRegisteredRedirectUri(target)) redirect(res, target);
      else sendHtml(res, 200, errorPage('Signed out', 'You have signed out of the local Entra authority.'));
      return;
    }
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** response_mode=form_post: a page that posts the response fields to the redirect URI. */
function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="POST" action="${escapeHtml(action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
