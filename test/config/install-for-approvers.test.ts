import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { fakeSecret } from '../support/fake-secrets';

/** Issue 15: INSTALL_FOR_APPROVERS, TEAMS_APP_ID and TEAMS_APP_CATALOG_ID (docs/deploy-to-your-tenant.md §11). */

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const TEAMS_APP_ID = '8f0c6a2e-1b3d-4e5f-9a7b-0c1d2e3f4a5b';
const PRODUCTION = {
  PIMBOT_MODE: 'production',
  MicrosoftAppId: '5d1c3f9e-0000-4000-8000-000000000003',
  MicrosoftAppPassword: fakeSecret('bot-app'),
  MicrosoftAppTenantId: TENANT_ID,
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
  AAD_APP_CLIENT_SECRET: fakeSecret('entra-app'),
  OAUTH_CONNECTION_NAME: 'pimbot-sso',
  PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
};
const PLAYGROUND = {
  PIMBOT_MODE: 'playground',
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
  AAD_APP_CLIENT_SECRET: fakeSecret('entra-app'),
};

describe('INSTALL_FOR_APPROVERS', () => {
  it('is on in production once TEAMS_APP_ID is set, and off without it', () => {
    expect(parseConfig({ ...PRODUCTION, TEAMS_APP_ID }).approvals.reach).toEqual({
      installForApprovers: true,
      teamsAppId: TEAMS_APP_ID,
      catalogAppId: undefined,
    });
    expect(parseConfig(PRODUCTION).approvals.reach.installForApprovers).toBe(false);
  });

  it('is off in the playground (no app catalog there) unless asked for', () => {
    expect(parseConfig({ ...PLAYGROUND, TEAMS_APP_ID }).approvals.reach.installForApprovers).toBe(false);
    expect(
      parseConfig({ ...PLAYGROUND, TEAMS_APP_ID, INSTALL_FOR_APPROVERS: 'true' }).approvals.reach.installForApprovers,
    ).toBe(true);
  });

  it('false turns it off where the tenant does not grant the permission', () => {
    const config = parseConfig({ ...PRODUCTION, TEAMS_APP_ID, INSTALL_FOR_APPROVERS: 'false' });
    expect(config.approvals.reach.installForApprovers).toBe(false);
  });

  it('true without TEAMS_APP_ID, or a bad value, is refused with what to set', () => {
    expect(() => parseConfig({ ...PRODUCTION, INSTALL_FOR_APPROVERS: 'true' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...PRODUCTION, INSTALL_FOR_APPROVERS: 'true' })).toThrow(/needs TEAMS_APP_ID/);
    expect(() => parseConfig({ ...PRODUCTION, TEAMS_APP_ID, INSTALL_FOR_APPROVERS: 'yes' })).toThrow(
      /INSTALL_FOR_APPROVERS must be true or false/,
    );
    expect(() => parseConfig({ ...PRODUCTION, TEAMS_APP_ID: 'pim-bot' })).toThrow(/TEAMS_APP_ID must be/);
  });
});
