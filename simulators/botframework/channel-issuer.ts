import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { CertificateAuthority } from '../tls/certificate-authority';
import { sendJson, startHttps } from './https-server';
import { createSigningKey } from './signing-key';

/** `iss` of the Bot Connector's tokens to a bot (AuthenticationConstants.ToBotFromChannelTokenIssuer). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

export interface ChannelTokenInput {
  /** The bot's app id: the token's audience. */
  botAppId: string;
  /** The serviceUrl of the activity the token comes with (the `serviceurl` claim). */
  serviceUrl: string;
  /** Default 3600; zero or less issues an expired token. */
  lifetimeSeconds?: number;
}

export interface ChannelIssuer {
  /** ToBotFromChannelOpenIdMetadataUrl. */
  openIdMetadataUrl: string;
  /** A token as the Bot Connector puts on an activity it posts to the bot, signed by a key endorsed for `channels`. */
  channelToken(input: ChannelTokenInput): Promise<string>;
  /** The kid of the endorsed signing key. */
  readonly kid: string;
  /** The published key set (what /v1/.well-known/keys serves). */
  jwks(): JSONWebKeySet;
  /**
   * Any claims, signed with the endorsed key under its kid: for negative tests that need a correctly signed
   * token with one wrong claim (expired, another audience, another issuer…).
   */
  signClaims(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/**
 * Stands in for login.botframework.com: the OpenID metadata (/v1/.well-known/openidconfiguration)
 * and signing keys (/v1/.well-known/keys) a bot checks the Bot Connector's tokens with. Each key
 * lists the channels it may sign for (`endorsements`); botbuilder refuses a token whose key does not
 * endorse the activity's channelId. Sources in FIDELITY.md.
 */
export async function startChannelIssuer(options: {
  ca: CertificateAuthority;
  /** Channels the signing key is endorsed for; default ['msteams']. */
  endorsements?: string[];
  now?: () => Date;
}): Promise<ChannelIssuer> {
  const now = options.now ?? (() => new Date());
  const key = await createSigningKey({ endorsements: options.endorsements ?? ['msteams'] });
  let base = '';
  const server = await startHttps(options.ca, (req, res, url) => {
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
      return sendJson(res, 200, {
        issuer: CHANNEL_TOKEN_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${base}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') return sendJson(res, 200, key.jwks());
    return sendJson(res, 404, { error: 'not found' });
  });
  base = server.url;
  return {
    openIdMetadataUrl: `${server.url}/v1/.well-known/openidconfiguration`,
    async channelToken(input) {
      const iat = Math.floor(now().getTime() / 1000);
      const lifetime = input.lifetimeSeconds ?? 3600;
      return key.sign({
        iss: CHANNEL_TOKEN_ISSUER,
        aud: input.botAppId,
        serviceurl: input.serviceUrl,
        nbf: Math.min(iat, iat + lifetime) - 1,
        iat,
        exp: iat + lifetime,
      });
    },
    kid: key.kid,
    jwks: () => key.jwks(),
    signClaims: (claims) => key.sign(claims),
    close: server.close,
  };
}
