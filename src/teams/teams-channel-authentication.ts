import { type Activity, ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
import { type AuthenticateRequestResult, AuthenticationConstants, AuthenticationError } from 'botframework-connector';

/** jsonwebtoken's errors for a token that is simply invalid (bad signature, wrong algorithm, not yet valid). */
const INVALID_TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/** The `iss` claim, read without verifying anything: only to refuse what cannot be a Bot Connector token. */
function unverifiedIssuer(authHeader: string): string | undefined {
  const token = authHeader.replace(/^Bearer\s+/i, '').trim();
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof claims.iss === 'string' ? claims.iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Inbound Bot Framework authentication for a Teams bot (production mode). botbuilder answers some
 * invalid tokens with 500 (jsonwebtoken's errors escape as non-authentication errors), and records
 * every tenant claimed by an unverified token in a process-wide issuer list. Tokens that do not claim
 * the Bot Connector issuer are refused before that; invalid ones are answered 401.
 */
export class TeamsChannelAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    if (authHeader.trim() && unverifiedIssuer(authHeader) !== AuthenticationConstants.ToBotFromChannelTokenIssuer) {
      throw new AuthenticationError('Unauthorized. Not a Bot Connector token.', StatusCodes.UNAUTHORIZED);
    }
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof Error && INVALID_TOKEN_ERRORS.has(err.name)) {
        throw new AuthenticationError(`Unauthorized. ${err.message}`, StatusCodes.UNAUTHORIZED);
      }
      throw err;
    }
  }
}
