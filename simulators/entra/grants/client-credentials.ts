import type { AuthorityContext } from '../authority-context';
import { parseClaimsParameter } from '../claims-request';
import { requireGraphDefaultScope } from '../scopes';
import { appTokenResponse, type TokenResponseBody } from '../token-response';
import type { ApplicationRegistration } from '../types';

/**
 * `grant_type=client_credentials`, `scope=https://graph.microsoft.com/.default`: an app-only Graph token.
 * `scope=<the app's own client id>/.default`: an app-only token for the app's own API (Entra allows an app a
 * token for itself only when the resource is named by its GUID, AADSTS90009: learn.microsoft.com/entra/
 * identity-platform/reference-error-codes) — what an attacker holding the bot's secret could present as SSO.
 */
export async function clientCredentialsGrant(
  context: AuthorityContext,
  app: ApplicationRegistration,
  form: URLSearchParams,
): Promise<TokenResponseBody> {
  if (form.get('scope')?.trim().toLowerCase() === `${app.clientId.toLowerCase()}/.default`) {
    return appTokenResponse(await context.minter.appOwnApiToken(app));
  }
  requireGraphDefaultScope(form.get('scope') ?? undefined, context.tenantId);
  const claims = parseClaimsParameter(form.get('claims') ?? undefined);
  const accessToken = await context.minter.appGraphToken(app, claims?.clientCapabilities ?? []);
  return appTokenResponse(accessToken);
}
