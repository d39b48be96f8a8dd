import type { IncomingMessage } from 'node:http';
import { AadError, AadErrors } from './aad-errors';
import type { AuthorityContext } from './authority-context';
import { clientAssertionAudiences } from './client-assertion';
import { authenticateClient } from './client-authentication';
import { GrantTypes } from './constants';
import { authorizationCodeGrant } from './grants/authorization-code';
import { clientCredentialsGrant } from './grants/client-credentials';
import { onBehalfOfGrant } from './grants/on-behalf-of';
import type { TokenResponseBody } from './token-response';

export type TokenEndpointResult =
  | { ok: true; body: TokenResponseBody; clientId: string; grantType: string }
  | { ok: false; error: AadError; clientId?: string; grantType?: string };

const grants = {
  [GrantTypes.clientCredentials]: clientCredentialsGrant,
  [GrantTypes.jwtBearer]: onBehalfOfGrant,
  [GrantTypes.authorizationCode]: authorizationCodeGrant,
} as const;

function isSupportedGrant(grantType: string): grantType is keyof typeof grants {
  return Object.hasOwn(grants, grantType);
}

/** `POST /{tenant}/oauth2/v2.0/token`: checks the grant type, authenticates the client, runs the grant. */
export async function handleTokenRequest(
  context: AuthorityContext,
  req: IncomingMessage,
  body: string,
  tenantSegment: string,
): Promise<TokenEndpointResult> {
  const form = new URLSearchParams(body);
  const grantType = form.get('grant_type') ?? undefined;
  let clientId = form.get('client_id') ?? undefined;
  try {
    if (req.method !== 'POST') throw AadErrors.onlyPost(req.method ?? 'unknown');
    if (!grantType) throw AadErrors.missingParameter('grant_type');
    if (!isSupportedGrant(grantType)) throw AadErrors.unsupportedGrantType(grantType);
    const app = await authenticateClient(form, req.headers.authorization, context.directory, {
      now: context.clock.now(),
      audiences: clientAssertionAudiences(context.url, [context.tenantId, tenantSegment]),
    });
    clientId = app.clientId;
    const response = await grants[grantType](context, app, form);
    return { ok: true, body: response, clientId, grantType };
  } catch (error) {
    if (error instanceof AadError) return { ok: false, error, clientId, grantType };
    throw error;
  }
}
