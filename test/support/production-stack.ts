import type { Storage } from 'botbuilder';
import { ClaimsIdentity, type UserTokenClient } from 'botframework-connector';
import pino, { type Logger } from 'pino';
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
import { PUBLIC_BASE_URL } from './front-door';
import { testCertificateAuthority } from './local-ca';
import { TeamsDriver, type TeamsUser } from './teams-driver';

export const OAUTH_CONNECTION = 'PimBotSso';
/** Where browsers reach the bot (its front door): the step-up sign-in's pages and redirect URI. */
export { PUBLIC_BASE_URL };

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
  /** The bot's settings in production mode (no HOST, PORT, LOG_LEVEL): what another instance, or a bot process, is given. */
  settings: Record<string, string>;
  /** Another in-process instance of the bot on the same stand-ins (its own storage and settings on top), with its driver. */
  startBot(more?: {
    storage?: Storage;
    env?: Record<string, string>;
  }): Promise<{ bot: RunningApp; driver: TeamsDriver }>;
  /** A Teams driver for another instance's messaging endpoint (e.g. a bot process). */
  driverFor(messagingEndpoint: string): TeamsDriver;
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
  /**
   * The Graph delegated permissions consented to the bot's app (default: all it asks for). `[]`: admin consent never
   * granted, so Entra refuses the bot's on-behalf-of exchange for Graph (AADSTS65001).
   */
  graphDelegatedScopes?: string[];
  /** The bot's logger (default: pino at PIMBOT_TEST_LOG, or silent), e.g. one whose lines a test reads. */
  logger?: Logger;
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
    // The step-up sign-in returns to PUBLIC_BASE_URL (the bot behind its front door): its redirect URI is registered.
    botApp: {
      ...demoBotApplication([`${PUBLIC_BASE_URL}/auth/callback`]),
      usersWithoutConsent: options.usersWithoutConsent ?? [],
      ...(options.graphDelegatedScopes ? { graphDelegatedScopes: options.graphDelegatedScopes } : {}),
    },
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
  // The bot's settings in production mode (HOST, PORT and LOG_LEVEL apart): also what a bot process is given.
  const settings: Record<string, string> = {
    PIMBOT_MODE: 'production',
    MicrosoftAppId: botAppId,
    MicrosoftAppPassword: botSecret,
    MicrosoftAppType: 'MultiTenant',
    AAD_APP_TENANT_ID: local.fixture.tenantId,
    AAD_APP_CLIENT_ID: local.botApp.clientId,
    AAD_APP_CLIENT_SECRET: local.botApp.clientSecret,
    AAD_APP_OAUTH_AUTHORITY_HOST: local.authority.url,
    GRAPH_BASE_URL: local.graph.url,
    OAUTH_CONNECTION_NAME: OAUTH_CONNECTION,
    PUBLIC_BASE_URL,
    TICKET_SYSTEM: 'ServiceNow',
    WATCHER_INTERVAL_SECONDS: '0',
    // botbuilder's own settings, pointing it at the stand-ins instead of Microsoft's public cloud.
    ToChannelFromBotLoginUrl: botAuthority.loginUrl,
    ToBotFromChannelOpenIdMetadataUrl: channel.openIdMetadataUrl,
    OAuthUrl: tokenService.url,
    ...options.env,
  };
  const config = parseConfig({
    ...settings,
    HOST: '127.0.0.1',
    PORT: String(options.botPort ?? 0),
    LOG_LEVEL: 'silent',
  });
  const logger = options.logger ?? pino({ level: process.env.PIMBOT_TEST_LOG ?? 'silent' });
  const users = new Map(local.fixture.users.map((u) => [u.id, u]));
  const driverFor = (messagingEndpoint: string) =>
    new TeamsDriver({
      messagingEndpoint,
      botAppId,
      tenantId: local.fixture.tenantId,
      serviceUrl: connector.serviceUrl,
      channel,
      ssoTokenFor: (user) =>
        local.authority.issueTeamsSsoToken({ userId: user.aadObjectId, clientId: botAppId, amr: ['pwd', 'mfa'] }),
      // The sign-in page behind the loginRequest's button: the user signs in (as with SSO, a token for the bot's
      // API), the Token Service keeps the connection's token for the magic code it gives Teams.
      signInByLink: async (user) =>
        tokenService.signInByLink({
          userId: user.id,
          connectionName: OAUTH_CONNECTION,
          channelId: 'msteams',
          userToken: await local.authority.issueTeamsSsoToken({
            userId: user.aadObjectId,
            clientId: botAppId,
            amr: ['pwd', 'mfa'],
          }),
        }),
    });
  const bots: RunningApp[] = [];
  const startBot = async (more: { storage?: Storage; env?: Record<string, string> } = {}) => {
    const botConfig = more.env
      ? parseConfig({ ...settings, ...more.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' })
      : config;
    const running = await startApp(botConfig, logger, {
      scheduler: new MemoryScheduler({ logger, now: () => local.clock.now(), pollIntervalMs: 200 }),
      now: () => local.clock.now(),
      ...(more.storage ? { storage: more.storage } : {}),
    });
    bots.push(running);
    return { bot: running, driver: driverFor(`${running.url}/api/messages`) };
  };
  const { bot, driver } = await startBot({ storage: options.storage });
  return {
    local,
    channel,
    botAuthority,
    connector,
    tokenService,
    bot,
    driver,
    botAppId,
    settings,
    startBot,
    driverFor,
    userTokenClient() {
      const auth = new TeamsChannelAuthentication(
        botFrameworkAuthOptions(config.bot),
        botCredentialsFactory(config.bot),
        config.inbound.allowedTenantIds,
      );
      return auth.createUserTokenClient(new ClaimsIdentity([{ type: 'aud', value: botAppId }], true));
    },
    teamsUser(aadObjectId) {
      const user = users.get(aadObjectId);
      if (!user) throw new Error(`No user ${aadObjectId} in the demo tenant.`);
      return { id: `29:${user.id}`, name: user.displayName, aadObjectId: user.id };
    },
    async close() {
      await Promise.allSettled(bots.map((b) => b.shutdown('test over')));
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
