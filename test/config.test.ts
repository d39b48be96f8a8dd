import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, resolveEnvironment } from '../src/config';
import { fakeSecret } from './support/fake-secrets';

const BOT_APP_SECRET = fakeSecret('bot-app');
const ENTRA_APP_SECRET = fakeSecret('entra-app');
const OTHER_BOT_PASSWORD = fakeSecret('other-bot-password');
const PLAYGROUND_SECRET = fakeSecret('playground-app');
const USER_FILE_SECRET = fakeSecret('user-file');

type Env = Record<string, string | undefined>;

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';
const BOT_APP_ID = '5d1c3f9e-0000-4000-8000-000000000003';

/** The least the local demo needs (npm run playground sets these). */
const PLAYGROUND: Env = {
  PIMBOT_MODE: 'playground',
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: CLIENT_ID,
  AAD_APP_CLIENT_SECRET: PLAYGROUND_SECRET,
};

/** A complete single-tenant production deployment. */
const PRODUCTION: Env = {
  PIMBOT_MODE: 'production',
  MicrosoftAppId: BOT_APP_ID,
  MicrosoftAppPassword: BOT_APP_SECRET,
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: TENANT_ID,
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: CLIENT_ID,
  AAD_APP_CLIENT_SECRET: ENTRA_APP_SECRET,
  OAUTH_CONNECTION_NAME: 'pimbot-sso',
  PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
};

/** The problems parseConfig reports for `env`; fails the test if it accepts it. */
function problemsFor(env: Env): readonly string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const error = err as ConfigError;
    // The message printed at start lists every problem.
    for (const problem of error.problems) expect(error.message).toContain(problem);
    return error.problems;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('parseConfig: playground mode (the local demo)', () => {
  it('accepts the minimal environment and fills in defaults', () => {
    expect(parseConfig(PLAYGROUND)).toMatchObject({
      mode: 'playground',
      host: '127.0.0.1',
      port: 3978,
      logLevel: 'info',
      maxBodyBytes: 256 * 1024,
      shutdownGraceMs: 10_000,
      // Never Microsoft's: the demo talks to the local stand-ins on loopback only (npm run playground sets them).
      graphBaseUrl: 'https://127.0.0.1',
    });
    // No app id: inbound Bot Framework authentication is off.
    expect(parseConfig(PLAYGROUND).bot).toEqual({ appType: 'MultiTenant' });
    expect(parseConfig(PLAYGROUND).entra).toEqual({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: PLAYGROUND_SECRET,
      authorityHost: 'https://127.0.0.1',
    });
  });

  it('takes overrides and strips trailing slashes from URLs', () => {
    const config = parseConfig({
      ...PLAYGROUND,
      HOST: '::1',
      PORT: '0',
      LOG_LEVEL: 'debug',
      MAX_BODY_BYTES: '4096',
      SHUTDOWN_GRACE_MS: '250',
      GRAPH_BASE_URL: 'https://127.0.0.1:8443/',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://127.0.0.1:8444//',
    });
    expect(config).toMatchObject({
      host: '::1',
      port: 0,
      logLevel: 'debug',
      maxBodyBytes: 4096,
      shutdownGraceMs: 250,
      graphBaseUrl: 'https://127.0.0.1:8443',
      entra: { authorityHost: 'https://127.0.0.1:8444' },
    });
  });

  it('treats empty values (as env files write them) as not set', () => {
    expect(parseConfig({ ...PLAYGROUND, PORT: '', MicrosoftAppId: '', GRAPH_BASE_URL: '' })).toMatchObject({
      port: 3978,
      graphBaseUrl: 'https://127.0.0.1',
    });
  });

  it.each(['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType'])(
    'refuses to run unauthenticated when production credential %s is present',
    (variable) => {
      const value =
        variable === 'MicrosoftAppId' ? BOT_APP_ID : variable === 'MicrosoftAppType' ? 'SingleTenant' : 'pw';
      const [problem, ...rest] = problemsFor({ ...PLAYGROUND, [variable]: value });
      expect(rest).toEqual([]);
      expect(problem).toContain(variable);
      expect(problem).toContain('PIMBOT_MODE=production');
      expect(problem).toContain(`unset ${variable}`);
    },
  );

  it('names every production credential present, and never echoes their values', () => {
    const [problem] = problemsFor({
      ...PLAYGROUND,
      MicrosoftAppId: BOT_APP_ID,
      MicrosoftAppPassword: OTHER_BOT_PASSWORD,
    });
    expect(problem).toContain('MicrosoftAppId, MicrosoftAppPassword are set');
    expect(problem).not.toContain(OTHER_BOT_PASSWORD);
  });
});

describe('parseConfig: production mode', () => {
  it('accepts a complete single-tenant deployment and listens on all interfaces', () => {
    expect(parseConfig(PRODUCTION)).toMatchObject({
      mode: 'production',
      host: '0.0.0.0',
      port: 3978,
      logLevel: 'info',
      maxBodyBytes: 256 * 1024,
      shutdownGraceMs: 10_000,
      bot: { appId: BOT_APP_ID, appPassword: BOT_APP_SECRET, appType: 'SingleTenant', appTenantId: TENANT_ID },
      entra: {
        tenantId: TENANT_ID,
        clientId: CLIENT_ID,
        clientSecret: ENTRA_APP_SECRET,
        authorityHost: 'https://login.microsoftonline.com',
      },
      graphBaseUrl: 'https://graph.microsoft.com',
    });
  });

  it('defaults MicrosoftAppType to SingleTenant', () => {
    expect(parseConfig({ ...PRODUCTION, MicrosoftAppType: undefined }).bot.appType).toBe('SingleTenant');
  });

  it('needs no MicrosoftAppPassword with a user-assigned managed identity', () => {
    const config = parseConfig({ ...PRODUCTION, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined });
    expect(config.bot).toEqual({ appId: BOT_APP_ID, appType: 'UserAssignedMSI', appTenantId: TENANT_ID });
  });

  it('needs no MicrosoftAppTenantId for a multi-tenant bot', () => {
    const config = parseConfig({ ...PRODUCTION, MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: undefined });
    expect(config.bot).toMatchObject({ appType: 'MultiTenant', appTenantId: undefined });
  });

  it('reports every problem of an empty deployment at once, not one per restart', () => {
    const problems = problemsFor({ PIMBOT_MODE: 'production' });
    const named = (variable: string) => problems.some((p) => p.startsWith(variable));
    for (const variable of [
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
      'AAD_APP_TENANT_ID',
      'AAD_APP_CLIENT_ID',
      'AAD_APP_CLIENT_SECRET',
    ]) {
      expect(named(variable), `${variable} in ${JSON.stringify(problems)}`).toBe(true);
    }
  });
});

describe('parseConfig: every error names the variable and says how to fix it', () => {
  // [variable, mode, change to a valid environment, a fragment of the fix the message must give]
  const cases: [string, 'playground' | 'production', Env, string][] = [
    ['PIMBOT_MODE', 'production', { PIMBOT_MODE: undefined }, 'PIMBOT_MODE=playground'],
    ['PIMBOT_MODE', 'production', { PIMBOT_MODE: 'staging' }, '"playground" or "production"'],
    ['MicrosoftAppId', 'production', { MicrosoftAppId: undefined }, 'Application (client) ID'],
    ['MicrosoftAppId', 'production', { MicrosoftAppId: 'pim-bot' }, 'must be a GUID'],
    ['MicrosoftAppPassword', 'production', { MicrosoftAppPassword: undefined }, 'MicrosoftAppType=UserAssignedMSI'],
    ['MicrosoftAppType', 'production', { MicrosoftAppType: 'Global' }, 'MultiTenant, SingleTenant or UserAssignedMSI'],
    ['MicrosoftAppTenantId', 'production', { MicrosoftAppTenantId: undefined }, 'tenant id'],
    [
      'MicrosoftAppTenantId',
      'production',
      { MicrosoftAppTenantId: undefined, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined },
      'tenant id',
    ],
    ['MicrosoftAppTenantId', 'production', { MicrosoftAppTenantId: 'contoso.onmicrosoft.com' }, 'Tenant ID'],
    ['AAD_APP_CLIENT_SECRET', 'production', { AAD_APP_CLIENT_SECRET: undefined }, 'Certificates & secrets'],
    ['AAD_APP_CLIENT_SECRET', 'playground', { AAD_APP_CLIENT_SECRET: undefined }, 'npm run playground'],
    ['AAD_APP_TENANT_ID', 'production', { AAD_APP_TENANT_ID: undefined }, 'Entra admin center'],
    ['AAD_APP_TENANT_ID', 'playground', { AAD_APP_TENANT_ID: 'common' }, 'Tenant ID'],
    ['AAD_APP_CLIENT_ID', 'production', { AAD_APP_CLIENT_ID: undefined }, 'Application (client) ID'],
    ['AAD_APP_CLIENT_ID', 'playground', { AAD_APP_CLIENT_ID: '1234' }, 'Application (client) ID'],
    ['GRAPH_BASE_URL', 'production', { GRAPH_BASE_URL: 'http://graph.microsoft.com' }, 'https://graph.microsoft.com'],
    ['GRAPH_BASE_URL', 'playground', { GRAPH_BASE_URL: 'graph.microsoft.com' }, 'https URL'],
    [
      'AAD_APP_OAUTH_AUTHORITY_HOST',
      'production',
      { AAD_APP_OAUTH_AUTHORITY_HOST: 'http://login.microsoftonline.com' },
      'https://login.microsoftonline.com',
    ],
    ['PORT', 'production', { PORT: 'http' }, 'e.g. 3978'],
    ['PORT', 'playground', { PORT: '65536' }, 'between 0 and 65535'],
    ['PORT', 'playground', { PORT: '-1' }, 'between 0 and 65535'],
    ['PORT', 'playground', { PORT: '80.5' }, 'whole number'],
    ['LOG_LEVEL', 'production', { LOG_LEVEL: 'verbose' }, 'fatal, error, warn, info, debug, trace, silent'],
    ['MAX_BODY_BYTES', 'production', { MAX_BODY_BYTES: '1mb' }, 'e.g. 262144'],
    ['MAX_BODY_BYTES', 'playground', { MAX_BODY_BYTES: '100' }, 'at least 1024'],
    ['SHUTDOWN_GRACE_MS', 'production', { SHUTDOWN_GRACE_MS: 'soon' }, 'e.g. 10000'],
    // Issue 13: the tenants the bot accepts, and the SSO token's audience.
    ['ALLOWED_TENANT_IDS', 'production', { ALLOWED_TENANT_IDS: 'contoso.onmicrosoft.com' }, 'comma-separated'],
    ['ALLOWED_TENANT_IDS', 'production', { ALLOWED_TENANT_IDS: `${TENANT_ID},common` }, 'Tenant ID'],
    ['ALLOWED_TENANT_IDS', 'playground', { ALLOWED_TENANT_IDS: ' , ' }, 'AAD_APP_TENANT_ID'],
    ['AAD_APP_ID_URI', 'production', { AAD_APP_ID_URI: 'https://pimbot.contoso.com' }, 'api://botid-'],
  ];

  it.each(cases)('%s (%s mode, %j)', (variable, mode, change, fix) => {
    const env = { ...(mode === 'production' ? PRODUCTION : PLAYGROUND), ...change };
    const problems = problemsFor(env);
    const problem = problems.find((p) => p.startsWith(variable));
    expect(problem, `no problem starts with ${variable}: ${JSON.stringify(problems)}`).toBeDefined();
    expect(problem).toContain(fix);
    // Only the broken variable is reported.
    expect(problems.every((p) => p.startsWith(variable))).toBe(true);
  });
});

describe('resolveEnvironment: env/.env.<PIMBOT_ENV> files', () => {
  let root: string;
  const makeRoot = (files: Record<string, string>): string => {
    root = mkdtempSync(join(tmpdir(), 'pimbot-config-'));
    mkdirSync(join(root, 'env'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(root, 'env', name), content);
    return root;
  };
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('without PIMBOT_ENV returns the process environment unchanged (a copy)', () => {
    const processEnv = { PIMBOT_MODE: 'playground', PORT: '4000' };
    const resolved = resolveEnvironment(processEnv, makeRoot({ '.env.dev': 'PORT=1' }));
    expect(resolved).toEqual(processEnv);
    expect(resolved).not.toBe(processEnv);
  });

  it('layers .env.NAME, then .env.NAME.user, then the real environment, which wins', () => {
    const dir = makeRoot({
      '.env.dev': [
        '# shared settings',
        'PIMBOT_MODE=production',
        'PORT=3978',
        'LOG_LEVEL=info',
        'GRAPH_BASE_URL=https://graph.microsoft.com',
      ].join('\n'),
      '.env.dev.user': [
        `MicrosoftAppPassword=${JSON.stringify(USER_FILE_SECRET)}`,
        'LOG_LEVEL=debug',
        'PORT=4000',
      ].join('\n'),
    });

    const resolved = resolveEnvironment({ PIMBOT_ENV: 'dev', PORT: '5000' }, dir);

    expect(resolved).toEqual({
      PIMBOT_ENV: 'dev',
      PIMBOT_MODE: 'production',
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      MicrosoftAppPassword: USER_FILE_SECRET, // only in .user
      LOG_LEVEL: 'debug', // .user over .env.dev
      PORT: '5000', // process env over both
    });
  });

  it('works without a .user file', () => {
    const dir = makeRoot({ '.env.playground': 'PIMBOT_MODE=playground\nLOG_LEVEL=warn\n' });
    expect(resolveEnvironment({ PIMBOT_ENV: 'playground' }, dir)).toEqual({
      PIMBOT_ENV: 'playground',
      PIMBOT_MODE: 'playground',
      LOG_LEVEL: 'warn',
    });
  });

  it('fails naming PIMBOT_ENV and the missing file', () => {
    const dir = makeRoot({ '.env.dev': 'PORT=1' });
    let error: unknown;
    try {
      resolveEnvironment({ PIMBOT_ENV: 'staging' }, dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const [problem] = (error as ConfigError).problems;
    expect(problem).toContain('PIMBOT_ENV=staging');
    expect(problem).toContain(join(dir, 'env', '.env.staging'));
    expect(problem).toContain('unset PIMBOT_ENV');
  });

  it('refuses a PIMBOT_ENV that is not a plain file suffix', () => {
    const dir = makeRoot({ '.env.dev': 'PORT=1' });
    expect(() => resolveEnvironment({ PIMBOT_ENV: '../../etc/passwd' }, dir)).toThrow(
      /PIMBOT_ENV must be a file suffix/,
    );
  });

  it('turns the committed env/.env.dev template plus a .user file into a production config', () => {
    const dir = makeRoot({});
    copyFileSync(join(import.meta.dirname, '..', 'env', '.env.dev'), join(dir, 'env', '.env.dev'));
    writeFileSync(
      join(dir, 'env', '.env.dev.user'),
      'MicrosoftAppPassword=bot-secret\nAAD_APP_CLIENT_SECRET=app-secret\n',
    );
    // What an operator fills in: the ids (here through the environment, as a deployment would).
    const ids = {
      OAUTH_CONNECTION_NAME: PRODUCTION.OAUTH_CONNECTION_NAME,
      PUBLIC_BASE_URL: PRODUCTION.PUBLIC_BASE_URL,
      MicrosoftAppId: BOT_APP_ID,
      MicrosoftAppTenantId: TENANT_ID,
      AAD_APP_CLIENT_ID: CLIENT_ID,
      AAD_APP_TENANT_ID: TENANT_ID,
    };

    const config = parseConfig(resolveEnvironment({ PIMBOT_ENV: 'dev', ...ids }, dir));

    expect(config).toMatchObject({
      mode: 'production',
      bot: { appId: BOT_APP_ID, appPassword: 'bot-secret', appType: 'SingleTenant', appTenantId: TENANT_ID },
      entra: { clientSecret: 'app-secret' },
    });
  });
});
