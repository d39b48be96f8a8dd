import type { AccessToken } from '@azure/identity';
import type restify from 'restify';
import type { EntraAppConfig } from '../../config';
import type { Logger } from '../../observability/logger';
import { errorSummary } from '../../observability/error-summary';
import {
  aadstsOf,
  authorityTenantUrl,
  CodeRedemptionError,
  redeemAuthorizationCode,
  STEP_UP_SCOPE,
} from './code-redemption';
import { Pages, renderPage, type StepUpPage } from './pages';
import type { StepUpClock, StepUpSessions } from './sessions';

export const STEP_UP_START_PATH = '/auth/start';
export const STEP_UP_CALLBACK_PATH = '/auth/callback';

/** The redirect URI to register on the app registration (Web platform) for the step-up sign-in. */
export function stepUpRedirectUri(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${STEP_UP_CALLBACK_PATH}`;
}

export interface StepUpSignedIn {
  resumeKey: string;
  userAadObjectId: string;
  /** A Graph token meeting the claims challenge. Held in memory only: never log or store it. */
  accessToken: AccessToken;
}

export interface StepUpRouteDependencies {
  entra: EntraAppConfig;
  /** The bot's public base URL: the redirect URI is `${publicBaseUrl}/auth/callback`. */
  publicBaseUrl: string;
  sessions: StepUpSessions;
  /** Called once per completed sign-in, after the token was checked to be the expected user's. */
  onSignedIn(result: StepUpSignedIn): Promise<void>;
  logger: Logger;
  /** For the token's expiresOnTimestamp; default the system clock. */
  clock?: StepUpClock;
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

function sendPage(res: restify.Response, page: StepUpPage): void {
  const html = renderPage(page);
  res.writeHead(page.status, { ...PAGE_HEADERS, 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

function queryOf(req: restify.Request): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/**
 * The browser side of the step-up sign-in (authorization code + PKCE, as MSAL does it):
 * - `GET /auth/start?state` redirects to the authority's /authorize with the claims challenge (plus CP1),
 *   the user as login_hint and a fresh sign-in (prompt=login);
 * - `GET /auth/callback?code&state` redeems the code with the client secret and the PKCE verifier, checks
 *   the token belongs to the user who asked (oid) in this tenant (tid), and hands it to onSignedIn.
 * The browser only ever sees friendly pages: no stack traces, no tokens, no codes in logs.
 */
export function registerStepUpRoutes(server: restify.Server, deps: StepUpRouteDependencies): void {
  const { entra, sessions } = deps;
  if (!entra.clientSecret) {
    throw new Error('AAD_APP_CLIENT_SECRET is not set: the step-up sign-in redeems codes with the app secret.');
  }
  const clock = deps.clock ?? { now: () => new Date() };
  const redirectUri = stepUpRedirectUri(deps.publicBaseUrl);
  const authorizeEndpoint = `${authorityTenantUrl(entra)}/oauth2/v2.0/authorize`;
  const logger = deps.logger.child({ component: 'step-up' });

  server.get(STEP_UP_START_PATH, async (req: restify.Request, res: restify.Response) => {
    const session = await sessions.peek(queryOf(req).get('state'));
    if (!session) {
      logger.info('step-up start with an unknown or expired state');
      sendPage(res, Pages.linkExpired());
      return;
    }
    const authorize = new URL(authorizeEndpoint);
    authorize.search = new URLSearchParams({
      client_id: entra.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      response_mode: 'query',
      scope: STEP_UP_SCOPE,
      state: session.state,
      code_challenge: session.codeChallenge,
      code_challenge_method: 'S256',
      login_hint: session.loginHint,
      prompt: 'login',
      claims: session.claims,
    }).toString();
    logger.info({ user: session.userAadObjectId }, 'step-up sign-in started');
    res.writeHead(302, {
      location: authorize.toString(),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-length': 0,
    });
    res.end();
  });

  server.get(STEP_UP_CALLBACK_PATH, async (req: restify.Request, res: restify.Response) => {
    const query = queryOf(req);
    // Any answer uses the state up: a state is good for one callback, whatever happens.
    const session = await sessions.take(query.get('state'));
    const error = query.get('error');
    if (error) {
      const aadsts = aadstsOf({ error_description: query.get('error_description') ?? '' });
      logger.warn({ user: session?.userAadObjectId, error, aadsts }, 'step-up sign-in refused by the authority');
      sendPage(res, Pages.signInRefused(error.slice(0, 80), aadsts));
      return;
    }
    if (!session) {
      logger.info('step-up callback with an unknown, used or expired state');
      sendPage(res, Pages.linkExpired());
      return;
    }
    const code = query.get('code');
    if (!code) {
      sendPage(res, Pages.badRequest());
      return;
    }

    let redeemed: Awaited<ReturnType<typeof redeemAuthorizationCode>>;
    try {
      redeemed = await redeemAuthorizationCode(entra, {
        code,
        redirectUri,
        codeVerifier: session.codeVerifier,
        claims: session.claims,
        nowMs: clock.now().getTime(),
      });
    } catch (err) {
      const reason = err instanceof CodeRedemptionError ? err.message : 'an unexpected error';
      logger.warn(
        {
          user: session.userAadObjectId,
          err:
            err instanceof CodeRedemptionError
              ? { kind: err.kind, oauthError: err.oauthError, aadsts: err.aadsts }
              : errorSummary(err),
        },
        'step-up code redemption failed',
      );
      sendPage(res, Pages.redemptionFailed(reason));
      return;
    }

    // The token came straight from the authority over TLS, but anyone holding the link could have
    // completed the sign-in with their own account: it must be the user who asked, in this tenant.
    const sameUser = redeemed.oid !== undefined && redeemed.oid.toLowerCase() === session.userAadObjectId.toLowerCase();
    const sameTenant = redeemed.tid !== undefined && redeemed.tid.toLowerCase() === entra.tenantId.toLowerCase();
    if (!sameUser || !sameTenant) {
      logger.warn(
        { user: session.userAadObjectId, signedInAs: redeemed.oid, tenant: redeemed.tid, sameUser, sameTenant },
        'step-up sign-in completed by a different account; not resuming',
      );
      sendPage(res, Pages.wrongAccount());
      return;
    }

    try {
      await deps.onSignedIn({
        resumeKey: session.resumeKey,
        userAadObjectId: session.userAadObjectId,
        accessToken: redeemed.accessToken,
      });
    } catch (err) {
      logger.error({ user: session.userAadObjectId, err: errorSummary(err) }, 'resuming after step-up failed');
      sendPage(res, Pages.resumeFailed());
      return;
    }
    logger.info({ user: session.userAadObjectId }, 'step-up sign-in completed');
    sendPage(res, Pages.signedIn());
  });
}
