import type { EntraAppConfig, Mode } from '../config';
import { isLoopbackHost } from '../config';

const REQUEST_TIMEOUT_MS = 10_000;

export class DevIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevIdentityError';
  }
}

/**
 * Playground mode's stand-in for Teams SSO. The Agents Playground has no SSO: it only says who the
 * user is (activity.from.aadObjectId, a demo-tenant user id). This asks the local Entra authority's
 * dev endpoint for what Teams would hand the bot for that user (a token for the bot's own API), which
 * the bot then exchanges on-behalf-of exactly as in production.
 *
 * It cannot be built in production mode, and it talks to a loopback authority only. The tokens it
 * returns are never logged (it has no logger) and never kept.
 */
export class DevIdentity {
  private readonly endpoint: string;
  private readonly clientId: string;
  private readonly clientSecret: string;

  constructor(entra: EntraAppConfig, mode: Mode) {
    if (mode !== 'playground') {
      throw new DevIdentityError('The dev identity is for the local demo only; production uses Teams SSO.');
    }
    if (!entra.clientSecret) {
      throw new DevIdentityError(
        'AAD_APP_CLIENT_SECRET is not set: the dev identity authenticates to the local authority with the app secret.',
      );
    }
    const authority = entra.authorityHost.replace(/\/+$/, '');
    this.endpoint = `${authority}/${encodeURIComponent(entra.tenantId)}/_dev/teams-sso-token`;
    this.clientId = entra.clientId;
    this.clientSecret = entra.clientSecret;
  }

  /** A Teams-SSO-like user token (audience: the bot app) for the Playground user with this object id (or UPN). */
  async ssoTokenFor(aadObjectId: string): Promise<string> {
    if (!aadObjectId.trim()) throw new DevIdentityError('The Playground activity has no aadObjectId to sign in as.');
    // The app secret goes only to the local authority on this machine: a list of Microsoft's hosts missed
    // `login.microsoftonline.com.` (trailing dot) and any other machine on the network.
    const host = new URL(this.endpoint).hostname.toLowerCase();
    if (!isLoopbackHost(host)) {
      throw new DevIdentityError(
        `The dev identity only works with the local Entra authority on loopback, but AAD_APP_OAUTH_AUTHORITY_HOST is ${host}. Run the demo with npm run playground.`,
      );
    }

    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ client_id: this.clientId, client_secret: this.clientSecret, user: aadObjectId }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new DevIdentityError(`The local Entra authority could not be reached for a dev SSO token: ${reason}`);
    }

    const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (res.ok && typeof body?.token === 'string' && body.token) return body.token;
    const error = typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`;
    const code =
      Array.isArray(body?.error_codes) && typeof body.error_codes[0] === 'number' ? body.error_codes[0] : undefined;
    throw new DevIdentityError(
      `The local Entra authority refused a dev SSO token for user ${aadObjectId}: ${error}${code !== undefined ? ` (AADSTS${code})` : ''}.`,
    );
  }
}
