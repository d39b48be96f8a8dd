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
import { readCallbackForm } from './form-body';
import type { OpenIdKeys } from '../openid-keys';
import { IdTokenError, IdTokenVerifier, type VerifiedSignIn } from './id-token';
import { isKnownSignInError, signInErrorSentence } from './oauth-errors';
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
  /** The authority's metadata and keys, shared with the SSO token verifier (one fetch per process); default its own. */
  openIdKeys?: OpenIdKeys;
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
 * - `POST /auth/callback` (response_mode=form_post: code and state in a form body, never in a URL) redeems
 *   the code with the app's credential and the PKCE verifier, verifies the id_token (signature, issuer,
 *   audience, expiry, nonce), checks it is the user who asked (oid) in this tenant (tid), and hands the
 *   Graph token to onSignedIn. `GET /auth/callback` only ever shows a fixed page.
 * The browser only ever sees friendly pages: no stack traces, no tokens, no codes in logs.
 */
export function registerStepUpRoutes(server: restify.Server, deps: StepUpRouteDependencies): void {
  const { entra, sessions } = deps;
  if (!entra.clientSecret && !entra.clientCertificatePath) {
    throw new Error(
      'Neither AAD_APP_CLIENT_CERTIFICATE_PATH nor AAD_APP_CLIENT_SECRET is set: the step-up sign-in redeems codes with the app credential.',
    );
  }
  const clock = deps.clock ?? { now: () => new Date() };
  const redirectUri = stepUpRedirectUri(deps.publicBaseUrl);
  const authorizeEndpoint = `${authorityTenantUrl(entra)}/oauth2/v2.0/authorize`;
  const logger = deps.logger.child({ component: 'step-up' });
  const idTokens = new IdTokenVerifier(entra, deps.openIdKeys);

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
      response_mode: 'form_post',
      nonce: session.nonce,
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

  // A code in a URL ends up in browser history, proxies' and servers' access logs: the authority answers
  // by form post (response_mode=form_post), and a GET callback is never redeemed, whatever it carries.
  server.get(STEP_UP_CALLBACK_PATH, async (req: restify.Request, res: restify.Response) => {
    const query = queryOf(req);
    logger.warn(
      { withCode: query.has('code'), withError: query.has('error') },
      'step-up callback by GET refused (the sign-in answers by form post)',
    );
    sendPage(res, Pages.callbackNotAccepted());
  });

  server.post(STEP_UP_CALLBACK_PATH, async (req: restify.Request, res: restify.Response) => {
    const body = await readCallbackForm(req);
    if (body.kind !== 'form') {
      logger.info({ reason: body.kind }, 'step-up callback with a body that is not a small form');
      sendPage(res, Pages.badRequest());
      return;
    }
    const form = body.fields;
    // Any answer uses the state up: a state is good for one callback, whatever happens.
    const session = await sessions.take(form.get('state'));
    const error = form.get('error');
    if (error) {
      const aadsts = aadstsOf({ error_description: form.get('error_description') ?? '' });
      // Only a known code is logged as it is: the rest is whatever the sender chose to write.
      const known = isKnownSignInError(error);
      logger.warn(
        { user: session?.userAadObjectId, error: known ? error : 'unknown', aadsts },
        'step-up sign-in refused by the authority',
      );
      sendPage(res, Pages.signInRefused(signInErrorSentence(error), aadsts));
      return;
    }
    if (!session) {
      logger.info('step-up callback with an unknown, used or expired state');
      sendPage(res, Pages.linkExpired());
      return;
    }
    const code = form.get('code');
    if (!code) {
      sendPage(res, Pages.badRequest());
      return;
    }

    let redeemed: Awaited<ReturnType<typeof redeemAuthorizationCode>>;
    let signedInAs: VerifiedSignIn;
    try {
      redeemed = await redeemAuthorizationCode(entra, {
        code,
        redirectUri,
        codeVerifier: session.codeVerifier,
        claims: session.claims,
        nowMs: clock.now().getTime(),
      });
      signedInAs = await idTokens.verify(redeemed.idToken, session.nonce);
    } catch (err) {
      const known = err instanceof CodeRedemptionError || err instanceof IdTokenError;
      const reason = known ? err.message : 'an unexpected error';
      logger.warn(
        {
          user: session.userAadObjectId,
          err:
            err instanceof CodeRedemptionError
              ? { kind: err.kind, oauthError: err.oauthError, aadsts: err.aadsts, detail: err.detail }
              : err instanceof IdTokenError
                ? { kind: 'id_token', message: err.message }
                : errorSummary(err),
        },
        'step-up code redemption failed',
      );
      sendPage(res, Pages.redemptionFailed(reason));
      return;
    }

    // The id_token is verified, but anyone holding the link could have completed the sign-in with their
    // own account: it must be the user who asked, in this tenant.
    const sameUser = signedInAs.oid.toLowerCase() === session.userAadObjectId.toLowerCase();
    const sameTenant = signedInAs.tid.toLowerCase() === entra.tenantId.toLowerCase();
    if (!sameUser || !sameTenant) {
      logger.warn(
        { user: session.userAadObjectId, signedInAs: signedInAs.oid, tenant: signedInAs.tid, sameUser, sameTenant },
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
