import { AadErrors } from '../aad-errors';
import type { AuthorityContext } from '../authority-context';
import { evaluateStepUp, parseClaimsParameter } from '../claims-request';
import { conditionalAccessRefusal } from '../conditional-access';
import { GRAPH_RESOURCE } from '../constants';
import { parseOwnApiScope } from '../own-api-scopes';
import { grantedDelegatedScope, parseScopeParameter, unconsentedPermissions } from '../scopes';
import { type TokenResponseBody, userTokenResponse } from '../token-response';
import type { ApplicationRegistration } from '../types';
import { validateUserAssertion } from '../user-assertion';

/**
 * On-behalf-of (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, `requested_token_use=on_behalf_of`):
 * exchanges the user's token for the bot (the Teams SSO token) for a delegated Graph token, or for a
 * token for the app's own API when the scope names it (what the Azure Bot OAuth connection asks for). A `claims`
 * request for an authentication context or MFA is granted only when the assertion's sign-in already
 * satisfies it; otherwise Entra answers interaction_required (AADSTS50076) and echoes the claims.
 */
export async function onBehalfOfGrant(
  context: AuthorityContext,
  app: ApplicationRegistration,
  form: URLSearchParams,
): Promise<TokenResponseBody> {
  const requestedTokenUse = form.get('requested_token_use');
  if (!requestedTokenUse) throw AadErrors.missingParameter('requested_token_use');
  if (requestedTokenUse !== 'on_behalf_of') throw AadErrors.invalidParameter('requested_token_use');
  const assertion = form.get('assertion');
  if (!assertion) throw AadErrors.missingParameter('assertion');

  const ownApi = parseOwnApiScope(form.get('scope') ?? undefined, app);
  const scopes = ownApi ? undefined : parseScopeParameter(form.get('scope') ?? undefined, context.tenantId);
  const claims = parseClaimsParameter(form.get('claims') ?? undefined);
  const signIn = await validateUserAssertion(context, app, assertion);
  const declined = new Set((app.usersWithoutConsent ?? []).map((id) => id.toLowerCase()));
  if (declined.has(signIn.user.id.toLowerCase())) throw AadErrors.consentRequired(app.clientId, app.displayName);

  if (ownApi) {
    // The app's own scopes need no consent grant of their own (UNVERIFIED, FIDELITY.md); step-up applies as for Graph.
    const stepUp = evaluateStepUp(claims, signIn);
    if (!stepUp.satisfied) throw AadErrors.mfaRequired(app.identifierUris[0] ?? app.clientId, claims?.json ?? '');
    const accessToken = await context.minter.ownApiToken(
      app,
      { user: signIn.user, amr: signIn.amr, acrs: stepUp.acrs },
      ownApi.permissions,
    );
    return userTokenResponse({
      accessToken,
      scope: ownApi.echoed,
      user: signIn.user,
      tenantId: context.tenantId,
      withClientInfo: form.get('client_info') === '1',
    });
  }
  if (!scopes) throw AadErrors.missingScope();

  // Nothing consented for Graph (no admin consent, no user consent): `.default` has nothing to grant either.
  if (unconsentedPermissions(scopes, app.graphDelegatedScopes).length > 0 || app.graphDelegatedScopes.length === 0) {
    throw AadErrors.consentRequired(app.clientId, app.displayName);
  }
  // Conditional Access on Graph: a sign-in without MFA cannot be stepped up here, whatever the claims asked.
  const refusal = conditionalAccessRefusal(context.conditionalAccess, signIn.user.id, signIn.amr);
  if (refusal) throw refusal;
  const stepUp = evaluateStepUp(claims, signIn);
  if (!stepUp.satisfied) throw AadErrors.mfaRequired(GRAPH_RESOURCE, claims?.json ?? '');

  const accessToken = await context.minter.delegatedGraphToken(
    app,
    { user: signIn.user, amr: signIn.amr, acrs: stepUp.acrs },
    claims?.clientCapabilities ?? [],
  );
  return userTokenResponse({
    accessToken,
    scope: grantedDelegatedScope(scopes, app.graphDelegatedScopes),
    user: signIn.user,
    tenantId: context.tenantId,
    withClientInfo: form.get('client_info') === '1',
  });
}
