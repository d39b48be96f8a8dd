import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { fakeSecret } from '../support/fake-secrets';

/** Issue 13, finding 2: ALLOWED_TENANT_IDS (default AAD_APP_TENANT_ID) and the SSO token's audiences. */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const OTHER_TENANT = 'c0ffee00-0000-4000-8000-0000000000aa';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';
const PRODUCTION = {
  PIMBOT_MODE: 'production',
  MicrosoftAppId: '5d1c3f9e-0000-4000-8000-000000000003',
  MicrosoftAppPassword: fakeSecret('bot-app'),
  MicrosoftAppTenantId: TENANT_ID,
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: CLIENT_ID,
  AAD_APP_CLIENT_SECRET: fakeSecret('entra-app'),
  OAUTH_CONNECTION_NAME: 'pimbot-sso',
  PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
};

describe('ALLOWED_TENANT_IDS and AAD_APP_ID_URI', () => {
  it('default to the app tenant and the Teams SSO audiences of the app (client id, api://botid-<client id>)', () => {
    expect(parseConfig(PRODUCTION).inbound).toEqual({
      allowedTenantIds: [TENANT_ID],
      ssoAudiences: [CLIENT_ID, `api://botid-${CLIENT_ID}`],
    });
  });

  it('take a comma-separated list (spaces, case and empty items forgiven) and another Application ID URI', () => {
    const config = parseConfig({
      ...PRODUCTION,
      ALLOWED_TENANT_IDS: ` ${TENANT_ID.toUpperCase()} ,, ${OTHER_TENANT} `,
      AAD_APP_ID_URI: `api://pimbot.contoso.com/${CLIENT_ID}`,
    });
    expect(config.inbound.allowedTenantIds).toEqual([TENANT_ID, OTHER_TENANT]);
    expect(config.inbound.ssoAudiences).toEqual([CLIENT_ID, `api://pimbot.contoso.com/${CLIENT_ID}`]);
  });

  it.each(['common', 'organizations', 'contoso.onmicrosoft.com', `${TENANT_ID};${OTHER_TENANT}`])(
    'refuses %j, naming ALLOWED_TENANT_IDS',
    (value) => {
      let problems: readonly string[] = [];
      try {
        parseConfig({ ...PRODUCTION, ALLOWED_TENANT_IDS: value });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        problems = (err as ConfigError).problems;
      }
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^ALLOWED_TENANT_IDS must be comma-separated Entra tenant ids/);
    },
  );
});
