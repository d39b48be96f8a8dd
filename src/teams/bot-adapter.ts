import { type CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { AppConfig } from '../config';
import { translator } from '../i18n';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import { botCredentialsFactory, botFrameworkAuthOptions } from './bot-framework-settings';
import { FrontDoorAdapter } from './front-door-adapter';
import { TeamsChannelAuthentication } from './teams-channel-authentication';

/** Inbound Bot Framework authentication: verified in production, off in the playground (no app id). */
export function createAdapter(config: AppConfig, logger: Logger): CloudAdapter {
  // Issue 13: only Teams activities of an allowed tenant get past authentication (src/teams/front-door.ts).
  const adapter = new FrontDoorAdapter(
    config.mode === 'production'
      ? new TeamsChannelAuthentication(
          botFrameworkAuthOptions(config.bot),
          botCredentialsFactory(config.bot),
          config.inbound.allowedTenantIds,
        )
      : new ConfigurationBotFrameworkAuthentication({}),
    config.inbound.allowedTenantIds,
    logger,
  );
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: errorSummary(error), activityId: context.activity.id }, 'unhandled error in a turn');
    try {
      await context.sendActivity(translator(context.activity.locale)('bot:turnError'));
    } catch {
      // The connector may be what failed; the error is already logged.
    }
  };
  return adapter;
}
