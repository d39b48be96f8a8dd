import { timingSafeEqual } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { CertificateAuthority } from '../tls/certificate-authority';
import { readBody, sendJson, startHttps } from './https-server';
import { createSigningKey, type SigningKey } from './signing-key';

/** The Bot Framework's tenant (botframework.com) as it appears in bot tokens. UNVERIFIED: see FIDELITY.md. */
export const BOT_FRAMEWORK_TENANT_ID = 'd6d49420-f39b-4df7-a1dc-d59a935871db';
/** Audience of a bot's token for the Bot Connector and Token Service (AuthenticationConstants.ToChannelFromBotOAuthScope). */
export const BOT_CONNECTOR_AUDIENCE = 'https://api.botframework.com';
/** `iss` of those tokens (v1 tokens from the botframework.com tenant). UNVERIFIED: see FIDELITY.md. */
export const BOT_TOKEN_ISSUER = `https://sts.windows.net/${BOT_FRAMEWORK_TENANT_ID}/`;

export interface BotApp {
  appId: string;
  appPassword: string;
}

export interface BotTokenAuthority {
  /** Authority host: ToChannelFromBotLoginUrl is `${url}/botframework.com`. */
  url: string;
  loginUrl: string;
  /** Checks a bot token as the Bot Connector does: signature, lifetime, audience, issuer; the bot's app id, or undefined. */
  verifyBotToken(token: string): Promise<string | undefined>;
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function aadError(error: string, code: number, description: string) {
  return { error, error_description: `AADSTS${code}: ${description}`, error_codes: [code] };
}

/**
 * Stands in for login.microsoftonline.com/botframework.com as the bot uses it: the client credentials
 * grant for the bot's app registration, scope https://api.botframework.com/.default, answering an
 * access token the Bot Connector and the Token Service accept. Sources in FIDELITY.md.
 */
export async function startBotTokenAuthority(options: {
  ca: CertificateAuthority;
  apps: BotApp[];
  lifetimeSeconds?: number;
  now?: () => Date;
}): Promise<BotTokenAuthority> {
  const now = options.now ?? (() => new Date());
  const lifetime = options.lifetimeSeconds ?? 3600;
  const key: SigningKey = await createSigningKey();
  let base = '';
  const server = await startHttps(options.ca, async (req, res, url) => {
    const [tenant, ...rest] = url.pathname.split('/').filter(Boolean);
    const path = rest.join('/');
    if (req.method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
      // What MSAL reads when instance discovery is off: issuer, endpoints, keys.
      return sendJson(res, 200, {
        issuer: `${base}/${tenant}/v2.0`,
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        id_token_signing_alg_values_supported: ['RS256'],
        grant_types_supported: ['client_credentials'],
      });
    }
    if (req.method === 'GET' && path === 'discovery/v2.0/keys') return sendJson(res, 200, key.jwks());
    if (req.method !== 'POST' || path !== 'oauth2/v2.0/token') {
      return sendJson(res, 404, { error: 'not_found', error_description: `${req.method} ${url.pathname}` });
    }
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'client_credentials') {
      return sendJson(
        res,
        400,
        aadError('unsupported_grant_type', 70003, 'The app requested an unsupported grant type.'),
      );
    }
    const app = options.apps.find((a) => a.appId === form.get('client_id'));
    if (!app) {
      return sendJson(
        res,
        400,
        aadError(
          'unauthorized_client',
          700016,
          `Application with identifier '${form.get('client_id')}' was not found in the directory 'Bot Framework'.`,
        ),
      );
    }
    if (!sameSecret(form.get('client_secret') ?? '', app.appPassword)) {
      return sendJson(res, 401, aadError('invalid_client', 7000215, 'Invalid client secret provided.'));
    }
    if (form.get('scope') !== `${BOT_CONNECTOR_AUDIENCE}/.default`) {
      return sendJson(
        res,
        400,
        aadError('invalid_scope', 70011, `The provided value for scope ${form.get('scope')} is not valid.`),
      );
    }
    const iat = Math.floor(now().getTime() / 1000);
    const claims: JWTPayload = {
      aud: BOT_CONNECTOR_AUDIENCE,
      iss: BOT_TOKEN_ISSUER,
      iat,
      nbf: iat,
      exp: iat + lifetime,
      appid: app.appId,
      appidacr: '1',
      tid: BOT_FRAMEWORK_TENANT_ID,
      ver: '1.0',
    };
    return sendJson(res, 200, {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: await key.sign(claims),
    });
  });
  base = server.url;
  return {
    url: server.url,
    loginUrl: `${server.url}/botframework.com`,
    async verifyBotToken(token) {
      try {
        const { payload } = await key.verify(token, now());
        if (payload.aud !== BOT_CONNECTOR_AUDIENCE || payload.iss !== BOT_TOKEN_ISSUER) return undefined;
        const appId = payload.appid;
        return typeof appId === 'string' && options.apps.some((a) => a.appId === appId) ? appId : undefined;
      } catch {
        return undefined;
      }
    },
    close: server.close,
  };
}
