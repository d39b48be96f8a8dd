import type { Storage } from 'botbuilder';
import { ClaimsIdentity, type UserTokenClient } from 'botframework-connector';
import pino from 'pino';
import { type BotConnector, startBotConnector } from '../../simulators/botframework/bot-connector';
import { type BotTokenAuthority, startBotTokenAuthority } from '../../simulators/botframework/bot-token-authority';
import { type ChannelIssuer, startChannelIssuer } from '../../simulators/botframework/channel-issuer';
import { startTokenService, type TokenService } from '../../simulators/botframework/token-service';
import { demoBotApplication } from '../../simulators/demo-app';
import type { CertificateAuthority } from '../../simulators/tls/certificate-authority';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import { MemoryScheduler } from '../../src/scheduler/memory-scheduler';
import { type RunningApp, startApp } from '../../src/app';
import { parseConfig } from '../../src/config';
import { botCredentialsFactory, botFrameworkAuthOptions } from '../../src/teams/bot-framework-settings';
import { TeamsChannelAuthentication } from '../../src/teams/teams-channel-authentication';
import { fakeSecret } from './fake-secrets';
import { testCertificateAuthority } from './local-ca';
import { TeamsDriver, type TeamsUser } from './teams-driver';

export const OAUTH_CONNECTION = 'PimBotSso';

/** The bot in production mode, every Microsoft service it calls replaced by a local stand-in. */
export interface ProductionStack {
  local: LocalStack;
  channel: ChannelIssuer;
  botAuthority: BotTokenAuthority;
  connector: BotConnector;
  tokenService: TokenService;
  bot: RunningApp;
  driver: TeamsDriver;
  botAppId: string;
  /** A directory user of the demo tenant as Teams names them. */
  teamsUser(aadObjectId: string): TeamsUser;
  /**
   * botbuilder's own Token Service client as the bot builds it (the bot's token, OAuthUrl): e.g. `signOutUser`
   * (`DELETE api/usertoken/SignOut`) or `getUserToken`, for the connection OAUTH_CONNECTION and channel msteams.
   */
  userTokenClient(): Promise<UserTokenClient>;
  close(): Promise<void>;
}

export interface ProductionStackOptions {
  /**
   * The OAuth connection's Scopes. Default: the bot's own API, `<Application ID URI>/access_as_user`, as the
   * deploy guide configures it (docs/deploy-to-your-tenant.md section 7), so the connection's token is an
   * assertion the bot can exchange on-behalf-of for Graph.
   */
  connectionScopes?: string;
  /** Object ids of users who declined consent to the bot's app: Entra refuses on-behalf-of for them (AADSTS65001). */
  usersWithoutConsent?: string[];
  /** More bot settings (e.g. FEED_ADMIN_GROUP_ID), on top of the stack's own. */
  env?: Record<string, string>;
  /** The bot's state storage (default: botbuilder's MemoryStorage), e.g. one that counts writes. */
  storage?: Storage;
  /** The local CA the stand-ins' certificates come from (default: the test run's); the process must trust it. */
  ca?: CertificateAuthority;
  /** The bot's port (default: any free one). */
  botPort?: number;
}

export async function startProductionStack(options: ProductionStackOptions = {}): Promise<ProductionStack> {
  const ca = options.ca ?? testCertificateAuthority();
  const local = await startLocalStack({
    ca,
    botApp: { ...demoBotApplication(), usersWithoutConsent: options.usersWithoutConsent ?? [] },
  });
  const botAppId = local.botApp.clientId;
  const botSecret = fakeSecret('bot-framework-app');
  const channel = await startChannelIssuer({ ca });
  const botAuthority = await startBotTokenAuthority({ ca, apps: [{ appId: botAppId, appPassword: botSecret }] });
  const connector = await startBotConnector({ ca, verifyBotToken: (t) => botAuthority.verifyBotToken(t) });
  const tokenService = await startTokenService({
    ca,
    verifyBotToken: (t) => botAuthority.verifyBotToken(t),
    entraTokenEndpoint: `${local.authority.url}/${local.fixture.tenantId}/oauth2/v2.0/token`,
    connections: [
      {
        name: OAUTH_CONNECTION,
        clientId: local.botApp.clientId,
        clientSecret: local.botApp.clientSecret,
        tokenExchangeUrl: local.botApp.identifierUris[0] ?? '',
        scopes: options.connectionScopes ?? `${local.botApp.identifierUris[0]}/access_as_user`,
      },
    ],
  });
  const config = parseConfig({
    PIMBOT_MODE: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.botPort ?? 0),
    LOG_LEVEL: 'silent',
    MicrosoftAppId: botAppId,
    MicrosoftAppPassword: botSecret,
    MicrosoftAppType: 'MultiTenant',
    AAD_APP_TENANT_ID: local.fixture.tenantId,
    AAD_APP_CLIENT_ID: local.botApp.clientId,
    AAD_APP_CLIENT_SECRET: local.botApp.clientSecret,
    AAD_APP_OAUTH_AUTHORITY_HOST: local.authority.url,
    GRAPH_BASE_URL: local.graph.url,
    OAUTH_CONNECTION_NAME: OAUTH_CONNECTION,
    PUBLIC_BASE_URL: 'https://pimbot.contoso.example',
    TICKET_SYSTEM: 'ServiceNow',
    WATCHER_INTERVAL_SECONDS: '0',
    // botbuilder's own settings, pointing it at the stand-ins instead of Microsoft's public cloud.
    ToChannelFromBotLoginUrl: botAuthority.loginUrl,
    ToBotFromChannelOpenIdMetadataUrl: channel.openIdMetadataUrl,
    OAuthUrl: tokenService.url,
    ...options.env,
  });
  const logger = pino({ level: process.env.PIMBOT_TEST_LOG ?? 'silent' });
  const bot = await startApp(config, logger, {
    scheduler: new MemoryScheduler({ logger, now: () => local.clock.now(), pollIntervalMs: 200 }),
    now: () => local.clock.now(),
    ...(options.storage ? { storage: options.storage } : {}),
  });
  const users = new Map(local.fixture.users.map((u) => [u.id, u]));
  const driver = new TeamsDriver({
    messagingEndpoint: `${bot.url}/api/messages`,
    botAppId,
    tenantId: local.fixture.tenantId,
    serviceUrl: connector.serviceUrl,
    channel,
    ssoTokenFor: (user) =>
      local.authority.issueTeamsSsoToken({ userId: user.aadObjectId, clientId: botAppId, amr: ['pwd', 'mfa'] }),
  });
  return {
    local,
    channel,
    botAuthority,
    connector,
    tokenService,
    bot,
    driver,
    botAppId,
    userTokenClient() {
      const auth = new TeamsChannelAuthentication(botFrameworkAuthOptions(config.bot), botCredentialsFactory(config.bot));
      return auth.createUserTokenClient(new ClaimsIdentity([{ type: 'aud', value: botAppId }], true));
    },
    teamsUser(aadObjectId) {
      const user = users.get(aadObjectId);
      if (!user) throw new Error(`No user ${aadObjectId} in the demo tenant.`);
      return { id: `29:${user.id}`, name: user.displayName, aadObjectId: user.id };
    },
    async close() {
      await bot.shutdown('test over');
      await Promise.allSettled([
        connector.close(),
        tokenService.close(),
        botAuthority.close(),
        channel.close(),
        local.close(),
      ]);
    },
  };
}
