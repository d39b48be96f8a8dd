import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { fakeSecret } from '../support/fake-secrets';

// PIM Bot supports Microsoft's global cloud only (docs/deploy-to-your-tenant.md section 11). The national clouds'
// endpoints, from Microsoft's tables, must stop the bot at start with the variable named, since the bot's Graph
// scope names the global host and "Any permission scope value (including the .default scope) that contains the
// Microsoft Graph domain MUST use the domain of the Microsoft Graph service root endpoint for the national cloud
// deployment" (learn.microsoft.com/graph/sdks/national-clouds):
// - Graph and Entra: learn.microsoft.com/graph/deployments ("Microsoft Graph and Graph Explorer service root
//   endpoints", "App registration and token service root endpoints");
// - Bot Framework for US Government: learn.microsoft.com/azure/bot-service/how-to-deploy-gov-cloud-high and
//   botframework-connector's GovernmentConstants.
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
  return [];
}

describe('production mode: the global cloud only', () => {
  it.each([
    ['GRAPH_BASE_URL', 'https://graph.microsoft.us'],
    ['GRAPH_BASE_URL', 'https://dod-graph.microsoft.us'],
    ['GRAPH_BASE_URL', 'https://microsoftgraph.chinacloudapi.cn'],
    ['AAD_APP_OAUTH_AUTHORITY_HOST', 'https://login.microsoftonline.us'],
    ['AAD_APP_OAUTH_AUTHORITY_HOST', 'https://login.chinacloudapi.cn'],
    ['ToChannelFromBotLoginUrl', 'https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us'],
    ['ToChannelFromBotOAuthScope', 'https://api.botframework.us'],
    ['ToBotFromChannelTokenIssuer', 'https://api.botframework.us'],
    ['ToBotFromChannelOpenIdMetadataUrl', 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration'],
    ['OAuthUrl', 'https://tokengcch.botframework.azure.us/'],
  ])('refuses %s=%s (a national cloud), naming the variable and saying why', (name, value) => {
    const problems = problemsFor({ ...PRODUCTION, [name]: value });
    const mine = problems.filter((p) => p.startsWith(name));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatch(
      /global cloud only: national clouds \(US Government, China operated by 21Vianet\) are not supported/,
    );
  });

  it('accepts the global cloud, said or left to its defaults, and loopback stand-ins', () => {
    expect(problemsFor(PRODUCTION)).toEqual([]);
    const global = parseConfig({
      ...PRODUCTION,
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://login.microsoftonline.com',
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      OAuthUrl: 'https://europe.token.botframework.com',
    });
    expect(global.graphBaseUrl).toBe('https://graph.microsoft.com');
    expect(global.entra.authorityHost).toBe('https://login.microsoftonline.com');
    const local = parseConfig({
      ...PRODUCTION,
      GRAPH_BASE_URL: 'https://127.0.0.1:8443',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://localhost:8444',
    });
    expect(local.graphBaseUrl).toBe('https://127.0.0.1:8443');
  });

  it('refuses any other Graph or authority host too (a custom domain cannot serve the global scope)', () => {
    const problems = problemsFor({
      ...PRODUCTION,
      GRAPH_BASE_URL: 'https://graph.contoso.example',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://login.contoso.example',
    });
    expect(problems.filter((p) => /^GRAPH_BASE_URL must be https:\/\/graph\.microsoft\.com/.test(p))).toHaveLength(1);
    expect(
      problems.filter((p) => /^AAD_APP_OAUTH_AUTHORITY_HOST must be https:\/\/login\.microsoftonline\.com/.test(p)),
    ).toHaveLength(1);
  });
});
