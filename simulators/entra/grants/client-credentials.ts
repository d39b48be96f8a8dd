import type { AuthorityContext } from '../authority-context';
import { parseClaimsParameter } from '../claims-request';
import { requireGraphDefaultScope } from '../scopes';
import { appTokenResponse, type TokenResponseBody } from '../token-response';
import type { ApplicationRegistration } from '../types';

/** `grant_type=client_credentials`, `scope=https://graph.microsoft.com/.default`: an app-only Graph token. */
export async function clientCredentialsGrant(
  context: AuthorityContext,
  app: ApplicationRegistration,
  form: URLSearchParams,
): Promise<TokenResponseBody> {
  requireGraphDefaultScope(form.get('scope') ?? undefined, context.tenantId);
  const claims = parseClaimsParameter(form.get('claims') ?? undefined);
  const accessToken = await context.minter.appGraphToken(app, claims?.clientCapabilities ?? []);
  return appTokenResponse(accessToken);
}
