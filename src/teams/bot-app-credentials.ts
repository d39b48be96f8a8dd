import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import {
  AuthenticationConstants,
  type ServiceClientCredentials,
  ServiceClientCredentialsFactory,
} from 'botframework-connector';

type WebResource = Parameters<ServiceClientCredentials['signRequest']>[0];

/** Microsoft's login hosts, where instance discovery is meaningful (as in src/identity/graph-credentials). */
const MICROSOFT_AUTHORITY_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];

export interface BotAppSecret {
  appId: string;
  appPassword: string;
  /** The bot's own tenant for a SingleTenant bot; a MultiTenant bot gets its tokens from botframework.com. */
  singleTenantId?: string;
}

/** The bot's token for the Bot Connector and the Token Service, put on each request. */
class BotAppTokenCredentials implements ServiceClientCredentials {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}

  async signRequest(webResource: WebResource): Promise<WebResource> {
    const token = await this.credential.getToken(this.scope);
    if (!token) throw new Error(`No bot token for ${this.scope}: check MicrosoftAppId and MicrosoftAppPassword.`);
    webResource.headers.set('Authorization', `Bearer ${token.token}`);
    return webResource;
  }
}

/**
 * The bot's outbound credentials (app id + secret), from the login URL botbuilder hands over
 * (ToChannelFromBotLoginUrl: authority host and tenant) and the audience (ToChannelFromBotOAuthScope).
 *
 * botbuilder's PasswordServiceClientCredentialFactory gives any login URL that is not Microsoft's to
 * MSAL without knownAuthorities, and MSAL then asks login.microsoftonline.com (instance discovery)
 * whether the authority exists: a private authority, such as the local stand-in, never answers there,
 * so no reply could be sent. @azure/identity's documented `disableInstanceDiscovery` turns that off for
 * hosts that are not Microsoft's, and leaves it on in Azure. One credential per authority, tenant and
 * audience: it caches its token until near expiry.
 */
export class BotAppCredentialsFactory extends ServiceClientCredentialsFactory {
  private readonly credentials = new Map<string, BotAppTokenCredentials>();

  constructor(private readonly secret: BotAppSecret) {
    super();
  }

  // The secret stays out of logs and error reports that serialise objects (as botbuilder's own factory does).
  toJSON(): object {
    return { name: 'BotAppCredentialsFactory', appId: this.secret.appId };
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.secret.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(
    appId: string,
    audience: string | undefined,
    loginEndpoint: string,
    _validateAuthority: boolean,
  ): Promise<ServiceClientCredentials> {
    if (appId !== this.secret.appId) {
      throw new Error(`Invalid appId: this bot is ${this.secret.appId} (MicrosoftAppId), not ${appId}.`);
    }
    const login = new URL(loginEndpoint || AuthenticationConstants.ToChannelFromBotLoginUrl);
    const tenant =
      this.secret.singleTenantId ??
      (login.pathname.split('/').find(Boolean) || AuthenticationConstants.DefaultChannelAuthTenant);
    const resource = (audience || AuthenticationConstants.ToChannelFromBotOAuthScope).replace(/\/+$/, '');
    const scope = resource.endsWith('/.default') ? resource : `${resource}/.default`;
    const key = `${login.origin}|${tenant}|${scope}`;
    let credentials = this.credentials.get(key);
    if (!credentials) {
      const credential = new ClientSecretCredential(tenant, this.secret.appId, this.secret.appPassword, {
        authorityHost: login.origin,
        disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.includes(login.hostname),
      });
      credentials = new BotAppTokenCredentials(credential, scope);
      this.credentials.set(key, credentials);
    }
    return credentials;
  }
}
