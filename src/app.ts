import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  MemoryStorage,
  type Storage,
} from 'botbuilder';
import { PimBot } from './bot/pim-bot';
import type { AppConfig } from './config';
import { graphReachable, type ReadinessCheck } from './health/readiness';
import type { Logger } from './observability/logger';
import { errorSummary, type RunningServer, startServer } from './server';

/** Wires config into adapter, bot, store and server: the composition root. */
export async function startApp(config: AppConfig, logger: Logger, storage: Storage = new MemoryStorage()): Promise<RunningServer> {
  const authOptions: ConfigurationBotFrameworkAuthenticationOptions =
    config.mode === 'production'
      ? {
          MicrosoftAppId: config.bot.appId,
          MicrosoftAppPassword: config.bot.appPassword,
          MicrosoftAppType: config.bot.appType,
          MicrosoftAppTenantId: config.bot.appTenantId,
        }
      : // No app id: the adapter accepts unauthenticated requests, as the Agents Playground sends them.
        {};
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(authOptions));
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: errorSummary(error), activityId: context.activity.id }, 'unhandled error in a turn');
    try {
      await context.sendActivity('Sorry, something went wrong on my side. Please try again in a minute.');
    } catch {
      // The connector may be what failed; the error is already logged.
    }
  };

  const readiness: ReadinessCheck[] = [
    {
      name: 'store',
      async check() {
        await storage.read(['pimbot-readiness-probe']);
      },
    },
    graphReachable(config.graphBaseUrl),
  ];
  return startServer({ config, logger, adapter, bot: new PimBot(logger), readiness });
}
