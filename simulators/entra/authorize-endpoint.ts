import { randomUUID } from 'node:crypto';
import { AadError, AadErrors } from './aad-errors';
import type { AuthorityContext } from './authority-context';
import { evaluateStepUp, parseClaimsParameter } from './claims-request';
import { INTERACTIVE_SIGN_IN_AMR } from './constants';
import { parseScopeParameter, unconsentedPermissions } from './scopes';
import { clientInfo } from './token-response';

/** What the authorize endpoint answers: back to the app (query, fragment or form_post) or an error page. */
export type AuthorizeOutcome =
  | { kind: 'redirect'; location: string; clientId: string }
  | { kind: 'form_post'; action: string; fields: Record<string, string>; clientId: string }
  | { kind: 'page'; status: 400; title: string; message: string; clientId?: string };

/**
 * `GET /{tenant}/oauth2/v2.0/authorize` without a UI: the user named by `login_hint` (UPN or object id)
 * counts as signed in with password + MFA, satisfying any requested authentication context, and the
 * browser goes straight back to the registered `redirect_uri` with a single-use `code` and the `state`.
 * Problems with the client or the redirect URI are shown as a page (never redirected), as in Entra.
 */
export function handleAuthorizeRequest(context: AuthorityContext, query: URLSearchParams): AuthorizeOutcome {
  const traceId = randomUUID();
  const correlationId = query.get('client-request-id') ?? randomUUID();
  const page = (error: AadError, clientId?: string): AuthorizeOutcome => ({
    kind: 'page',
    status: 400,
    title: 'Sign in: Sorry, but we’re having trouble signing you in.',
    message: error.toBody({ traceId, correlationId, now: context.clock.now() }).error_description,
    clientId,
  });

  const clientId = query.get('client_id');
  if (!clientId) return page(AadErrors.missingParameter('client_id'));
  const app = context.directory.application(clientId);
  if (!app) return page(AadErrors.applicationNotFound(clientId, context.tenantId));
  const redirectUri = query.get('redirect_uri');
  if (!redirectUri) return page(AadErrors.missingParameter('redirect_uri'), app.clientId);
  if (!app.redirectUris.includes(redirectUri)) {
    return page(
      new AadError(
        400,
        'invalid_request',
        50011,
        `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
      ),
      app.clientId,
    );
  }

  const state = query.get('state') ?? undefined;
  const responseMode = query.get('response_mode') ?? 'query';
  const back = (fields: Record<string, string>): AuthorizeOutcome => {
    const all = { ...fields, ...(state !== undefined ? { state } : {}) };
    if (responseMode === 'form_post')
      return { kind: 'form_post', action: redirectUri, fields: all, clientId: app.clientId };
    const params = new URLSearchParams(all).toString();
    const location =
      responseMode === 'fragment'
        ? `${redirectUri}#${params}`
        : `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${params}`;
    return { kind: 'redirect', location, clientId: app.clientId };
  };
  const backWithError = (error: AadError): AuthorizeOutcome => {
    const body = error.toBody({ traceId, correlationId, now: context.clock.now() });
    return back({ error: body.error, error_description: body.error_description, error_uri: body.error_uri });
  };

  try {
    if (!['query', 'fragment', 'form_post'].includes(responseMode)) throw AadErrors.invalidParameter('response_mode');
    const responseType = query.get('response_type');
    if (!responseType) throw AadErrors.missingParameter('response_type');
    if (responseType !== 'code') {
      throw new AadError(
        400,
        'unsupported_response_type',
        700054,
        `response_type '${responseType}' is not enabled for the application.`,
      );
    }
    const scopes = parseScopeParameter(query.get('scope') ?? undefined, context.tenantId);
    if (unconsentedPermissions(scopes, app.graphDelegatedScopes).length > 0) {
      throw AadErrors.consentRequired(app.clientId, app.displayName);
    }
    const codeChallenge = query.get('code_challenge') ?? undefined;
    const method = query.get('code_challenge_method') ?? (codeChallenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      throw AadErrors.invalidParameter('code_challenge_method');
    }
    if (codeChallenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(codeChallenge)) {
      throw AadErrors.invalidParameter('code_challenge');
    }
    const claims = parseClaimsParameter(query.get('claims') ?? undefined);

    const loginHint = query.get('login_hint');
    if (!loginHint) {
      return {
        kind: 'page',
        status: 400,
        title: 'The local Entra authority has no sign-in page',
        message:
          'Pass login_hint=<userPrincipalName or object id> of a directory user: that user is treated as signed in with password and MFA.',
        clientId: app.clientId,
      };
    }
    const user = context.directory.user(loginHint);
    if (!user) return page(AadErrors.userNotFound(context.tenantId), app.clientId);

    const stepUp = evaluateStepUp(claims, { amr: [...INTERACTIVE_SIGN_IN_AMR], acrs: [] });
    const code = context.codes.issue({
      clientId: app.clientId,
      redirectUri,
      ...(codeChallenge !== undefined && method !== undefined
        ? { codeChallenge, codeChallengeMethod: method as 'S256' | 'plain' }
        : {}),
      userId: user.id,
      scopes,
      ...(claims ? { claims } : {}),
      ...(query.get('nonce') ? { nonce: query.get('nonce') ?? '' } : {}),
      acrs: stepUp.satisfied ? stepUp.acrs : [],
    });
    return back({
      code,
      ...(query.get('client_info') === '1' ? { client_info: clientInfo(user.id, context.tenantId) } : {}),
      session_state: randomUUID(),
    });
  } catch (error) {
    if (error instanceof AadError) return backWithError(error);
    throw error;
  }
}
