import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { botFrameworkAuthOptions } from '../../src/teams/bot-framework-settings';
import { fakeSecret } from '../support/fake-secrets';

// botbuilder's settings for production mode, read from the environment under botbuilder's own names.
// Public-cloud values from botframework-connector's AuthenticationConstants docs:
// https://learn.microsoft.com/javascript/api/botframework-connector/authenticationconstants
const PRODUCTION = {
  PIMBOT_MODE: 'production',
  MicrosoftAppId: '5d1c3f9e-0000-4000-8000-000000000003',
  MicrosoftAppPassword: fakeSecret('bot-app'),
  MicrosoftAppType: 'MultiTenant',
  AAD_APP_TENANT_ID: '72f988bf-0000-4000-8000-000000000001',
  AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
  AAD_APP_CLIENT_SECRET: fakeSecret('entra-app'),
  OAUTH_CONNECTION_NAME: 'pimbot-sso',
  PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
};

function problemsFor(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('parseConfig accepted the environment');
}

describe('Bot Framework endpoint settings', () => {
  it('leaves every endpoint to botbuilder (public cloud) when none is set', () => {
    const options = botFrameworkAuthOptions(parseConfig(PRODUCTION).bot);
    expect(options).not.toHaveProperty('ToChannelFromBotLoginUrl');
    expect(options).not.toHaveProperty('OAuthUrl');
  });

  it('keeps the public cloud value for each endpoint left unset when one is set', () => {
    const bot = parseConfig({ ...PRODUCTION, OAuthUrl: 'https://token.local.example/' }).bot;
    expect(botFrameworkAuthOptions(bot)).toMatchObject({
      OAuthUrl: 'https://token.local.example',
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
      CallerId: 'urn:botframework:azure',
    });
  });

  it('names the variable when an endpoint is not an https URL', () => {
    const problems = problemsFor({ ...PRODUCTION, ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:1/metadata' });
    expect(problems.some((p) => p.startsWith('ToBotFromChannelOpenIdMetadataUrl'))).toBe(true);
  });
});
