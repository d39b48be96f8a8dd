import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { fakeSecret } from '../support/fake-secrets';

/**
 * Issue 21, clarity: the Teams SSO values an admin types by hand from docs/deploy-to-your-tenant.md (sections 4.1
 * and 7) are the ones the automated path deploys (infra/azure.bicep, appPackage/aad.manifest.json,
 * appPackage/manifest.json) and the ones the bot accepts (AAD_APP_ID_URI's default audience). Microsoft's rules
 * they follow: the Token Exchange URL is the Application ID URI and the Teams manifest's
 * webApplicationInfo.resource, the bot-only form is api://botid-{client id}, and the app asks for v2 tokens
 * (learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-register-aad); the Teams
 * clients to pre-authorize are 1fec8e78-… (desktop, mobile) and 5e3ce6c0-… (web), same page.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const guide = read('docs/deploy-to-your-tenant.md');
const CLIENT_ID = '0c7e1b2a-9d3f-4e5a-8b6c-1d2e3f4a5b6c';
const TEAMS_CLIENTS = ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346'];

/** The text of a `## n.` or `### n.m` section, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = guide.indexOf(`\n${heading}`);
  expect(start, `heading "${heading}" in the guide`).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0]!;
  const rest = guide.slice(start + 1);
  const next = rest.slice(level.length).search(new RegExp(`\\n#{1,${level.length}} `));
  return next < 0 ? rest : rest.slice(0, next + level.length);
}

/** The first `code` value on the numbered step whose text starts with `label`. */
function step(text: string, label: string): string {
  const line = text.split('\n').find((l) => new RegExp(`^\\s*(\\d+\\.|-)\\s+${label}`).test(l));
  expect(line, `step "${label}"`).toBeDefined();
  const value = /`([^`]+)`/.exec(line!)?.[1];
  expect(value, `a value on step "${label}"`).toBeDefined();
  return value!;
}

const sso = section('## 7. Teams SSO: the OAuth connection');
const registration = section('### 4.1 App registration');
const withId = (value: string) => value.replaceAll('<client id>', CLIENT_ID);

const bicep = read('infra/azure.bicep');
const connection = bicep.slice(bicep.indexOf('resource ssoConnection '));
const fromBicep = (value: string) => value.replaceAll(`${'$'}{botAadAppClientId}`, CLIENT_ID);
const aadManifest = JSON.parse(read('appPackage/aad.manifest.json')) as {
  identifierUris: string[];
  api: {
    requestedAccessTokenVersion: number;
    oauth2PermissionScopes: { value: string }[];
    preAuthorizedApplications: { appId: string }[];
  };
};
const teamsManifest = JSON.parse(read('appPackage/manifest.json')) as {
  webApplicationInfo: { id: string; resource: string };
  validDomains: string[];
};
const fromToolkit = (value: string) => value.replaceAll(`${'$'}{{BOT_ID}}`, CLIENT_ID);

describe('docs/deploy-to-your-tenant.md: Teams SSO by hand = what the Toolkit and Bicep deploy', () => {
  const identifierUri = withId(step(registration, 'Application ID URI'));

  it('sets v2 access tokens in the manifest step, before the Application ID URI', () => {
    expect(registration).toContain('"requestedAccessTokenVersion": 2');
    expect(registration.indexOf('requestedAccessTokenVersion')).toBeLessThan(registration.indexOf('**Expose an API**'));
    expect(aadManifest.api.requestedAccessTokenVersion).toBe(2);
  });

  it('exposes the Application ID URI, scope and pre-authorized Teams clients of appPackage/aad.manifest.json', () => {
    expect(identifierUri).toBe(`api://botid-${CLIENT_ID}`);
    expect(aadManifest.identifierUris.map(fromToolkit)).toEqual([identifierUri]);
    expect(aadManifest.api.oauth2PermissionScopes.map((s) => s.value)).toEqual(['access_as_user']);
    expect(registration).toContain('Add a scope `access_as_user`');
    expect(aadManifest.api.preAuthorizedApplications.map((a) => a.appId).sort()).toEqual([...TEAMS_CLIENTS].sort());
    for (const client of TEAMS_CLIENTS) expect(registration).toContain(`\`${client}\``);
  });

  it('gives the OAuth connection the Token Exchange URL and the own-API scope that infra/azure.bicep sets', () => {
    const exchangeUrl = withId(step(sso, 'Token Exchange URL'));
    const scopes = withId(step(sso, 'Scopes'));
    expect(exchangeUrl).toBe(identifierUri);
    expect(scopes).toBe(`${identifierUri}/access_as_user`);
    expect(fromBicep(/scopes: '([^']+)'/.exec(connection)?.[1] ?? '')).toBe(scopes);
    expect(fromBicep(/key: 'tokenExchangeUrl'\s+value: '([^']+)'/.exec(connection)?.[1] ?? '')).toBe(exchangeUrl);
    const provider = /serviceProviderDisplayName: '([^']+)'/.exec(connection)?.[1];
    expect(provider).toBe('Azure Active Directory v2');
    expect(sso).toContain(`Service Provider: **${provider}**`);
  });

  it('matches the Teams manifest half (webApplicationInfo, token.botframework.com)', () => {
    expect(fromToolkit(teamsManifest.webApplicationInfo.resource)).toBe(identifierUri);
    expect(fromToolkit(teamsManifest.webApplicationInfo.id)).toBe(CLIENT_ID);
    expect(teamsManifest.validDomains).toContain('token.botframework.com');
    expect(sso).toContain('`token.botframework.com` in `validDomains`');
  });

  it('names an audience the bot accepts by default: AAD_APP_ID_URI unset is the guide’s Application ID URI', () => {
    const config = parseConfig({
      PIMBOT_MODE: 'production',
      MicrosoftAppId: CLIENT_ID,
      MicrosoftAppPassword: fakeSecret('bot-app'),
      MicrosoftAppTenantId: '72f988bf-0000-4000-8000-000000000001',
      AAD_APP_TENANT_ID: '72f988bf-0000-4000-8000-000000000001',
      AAD_APP_CLIENT_ID: CLIENT_ID,
      AAD_APP_CLIENT_SECRET: fakeSecret('bot-app'),
      OAUTH_CONNECTION_NAME: step(sso, 'Name'),
      PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
    });
    // v2 tokens carry the client id as aud, v1 tokens the Application ID URI: both are accepted.
    expect(config.inbound.ssoAudiences).toEqual([CLIENT_ID, identifierUri]);
    expect(config.oauthConnectionName).toBe(step(sso, 'Name'));
    expect(bicep).toContain(`param oauthConnectionName string = '${step(sso, 'Name')}'`);
  });
});
