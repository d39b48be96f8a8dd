import { CallerIdConstants, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { AuthenticationConstants, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { BotAuthConfig } from '../config';
import { BotAppCredentialsFactory } from './bot-app-credentials';

/**
 * botbuilder's settings for production mode. When any endpoint is set, botbuilder takes all of them as
 * given (BotFrameworkAuthenticationFactory.create: "if any of the 'parameterized' properties are defined,
 * assume all parameters are intentional"), so each one left unset gets the public cloud's value here.
 */
export function botFrameworkAuthOptions(bot: BotAuthConfig): ConfigurationBotFrameworkAuthenticationOptions {
  const base: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.appTenantId,
  };
  const endpoints = Object.fromEntries(Object.entries(bot.endpoints ?? {}).filter(([, v]) => v));
  if (Object.keys(endpoints).length === 0) return base;
  return {
    ...base,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToBotFromChannelOpenIdMetadataUrl: AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ...endpoints,
  };
}

/**
 * The bot's outbound credentials: app id + secret through BotAppCredentialsFactory (no instance
 * discovery for a private authority); a managed identity stays with botbuilder's own factory.
 */
export function botCredentialsFactory(bot: BotAuthConfig): ServiceClientCredentialsFactory | undefined {
  if (bot.appType === 'UserAssignedMSI' || !bot.appId || !bot.appPassword) return undefined;
  return new BotAppCredentialsFactory({
    appId: bot.appId,
    appPassword: bot.appPassword,
    singleTenantId: bot.appType === 'SingleTenant' ? bot.appTenantId : undefined,
  });
}
