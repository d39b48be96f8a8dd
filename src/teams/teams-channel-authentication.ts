import {
  type Activity,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  StatusCodes,
} from 'botbuilder';
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  AuthenticationError,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';

/** jsonwebtoken's errors for a token that is simply invalid (bad signature, wrong algorithm, not yet valid). */
const INVALID_TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/** The `iss` and `tid` claims, read without verifying anything: only to refuse what cannot be ours. */
function unverifiedClaims(authHeader: string): { iss?: string; tid?: string } {
  // Stryker disable next-line MethodExpression,Regex,StringLiteral: the scheme would sit in the JWT's first segment, never read.
  const token = authHeader.replace(/^Bearer\s+/i, '').trim();
  const payload = token.split('.')[1];
  // Stryker disable next-line ConditionalExpression: without it, decoding undefined throws into the catch, which answers {} too.
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; tid?: unknown };
    return {
      // Stryker disable next-line ConditionalExpression: a non-string iss fails the issuer comparison all the same.
      iss: typeof claims.iss === 'string' ? claims.iss : undefined,
      tid: typeof claims.tid === 'string' ? claims.tid.toLowerCase() : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * Inbound Bot Framework authentication for a Teams bot (production mode). botbuilder answers some
 * invalid tokens with 500 (jsonwebtoken's errors escape as non-authentication errors), and records
 * every tenant claimed by an unverified token in a process-wide issuer list (4 entries per new `tid`, before
 * any signature check: memory anyone could grow). Refused before that: a token that does not claim the Bot
 * Connector issuer, and one whose `tid` claim is not an allowed tenant (the Bot Connector's tokens carry
 * iss, aud and serviceurl: learn.microsoft.com azure/bot-service/rest-api/bot-framework-rest-connector-
 * authentication, "Connector to bot"; a `tid` there can only be ours). Invalid ones are answered 401.
 */
export class TeamsChannelAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly allowedTenants: ReadonlySet<string>;

  /** `allowedTenantIds`: ALLOWED_TENANT_IDS (the front door checks the activity's tenant again after this). */
  constructor(
    options: ConfigurationBotFrameworkAuthenticationOptions,
    credentials: ServiceClientCredentialsFactory | undefined,
    allowedTenantIds: readonly string[],
  ) {
    super(options, credentials);
    this.allowedTenants = new Set(allowedTenantIds.map((t) => t.toLowerCase()));
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    // Stryker disable next-line ConditionalExpression,MethodExpression: without a token, this check and botbuilder's both answer 401.
    if (authHeader.trim()) {
      const { iss, tid } = unverifiedClaims(authHeader);
      if (iss !== AuthenticationConstants.ToBotFromChannelTokenIssuer) {
        throw new AuthenticationError('Unauthorized. Not a Bot Connector token.', StatusCodes.UNAUTHORIZED);
      }
      if (tid !== undefined && !this.allowedTenants.has(tid)) {
        throw new AuthenticationError('Unauthorized. A token for another tenant.', StatusCodes.UNAUTHORIZED);
      }
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
