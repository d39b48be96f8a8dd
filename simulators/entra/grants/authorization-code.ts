import { AadErrors } from '../aad-errors';
import type { AuthorityContext } from '../authority-context';
import { INTERACTIVE_SIGN_IN_AMR } from '../constants';
import { grantedDelegatedScope } from '../scopes';
import { type TokenResponseBody, userTokenResponse } from '../token-response';
import type { ApplicationRegistration } from '../types';

/**
 * `grant_type=authorization_code`: redeems a code from /authorize (with `redirect_uri` and the PKCE
 * `code_verifier`) for a delegated Graph token of an MFA sign-in, carrying the authentication
 * contexts and client capabilities the authorize request asked for, plus an id_token.
 */
export async function authorizationCodeGrant(
  context: AuthorityContext,
  app: ApplicationRegistration,
  form: URLSearchParams,
): Promise<TokenResponseBody> {
  const code = form.get('code');
  if (!code) throw AadErrors.missingParameter('code');
  const grant = context.codes.redeem(code, {
    clientId: app.clientId,
    redirectUri: form.get('redirect_uri') ?? undefined,
    codeVerifier: form.get('code_verifier') ?? undefined,
  });
  const user = context.directory.user(grant.userId);
  if (!user) throw AadErrors.userNotFound(context.tenantId);

  const accessToken = await context.minter.delegatedGraphToken(
    app,
    { user, amr: [...INTERACTIVE_SIGN_IN_AMR], acrs: grant.acrs },
    grant.claims?.clientCapabilities ?? [],
  );
  const idToken = grant.scopes.oidc.includes('openid')
    ? await context.minter.idToken(app, user, grant.nonce)
    : undefined;
  return userTokenResponse({
    accessToken,
    scope: grantedDelegatedScope(grant.scopes, app.graphDelegatedScopes),
    user,
    tenantId: context.tenantId,
    idToken,
    withClientInfo: true,
  });
}
