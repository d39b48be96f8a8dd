import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { fakeSecret } from '../support/fake-secrets';

/**
 * Issue 13, finding 10: one secret, three jobs. The settings that give each job its own credential (a
 * dedicated sealing key, a certificate instead of the app secret, storage through a managed identity) and
 * the rules between them. Expected messages name the variables, as docs/deploy-to-your-tenant.md says.
 */

type Env = Record<string, string | undefined>;
const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const CLIENT_ID = '0b7e4a2c-0000-4000-8000-000000000002';
const SEALING_KEY = fakeSecret('sealing-key-of-at-least-32-characters');

const PRODUCTION: Env = {
  PIMBOT_MODE: 'production',
  MicrosoftAppId: CLIENT_ID,
  MicrosoftAppPassword: fakeSecret('bot-password'),
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: TENANT_ID,
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: CLIENT_ID,
  OAUTH_CONNECTION_NAME: 'pimbot-sso',
  PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
};
/** The deployment the guide recommends: a certificate, a dedicated sealing key, storage by managed identity. */
const HARDENED: Env = {
  ...PRODUCTION,
  AAD_APP_CLIENT_CERTIFICATE_PATH: '/var/ssl/private/pimbot.pem',
  STEP_UP_SEALING_KEY: SEALING_KEY,
  STORAGE_ACCOUNT_NAME: 'pimbotstate01',
};
const PLAYGROUND: Env = {
  PIMBOT_MODE: 'playground',
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: CLIENT_ID,
  AAD_APP_CLIENT_SECRET: fakeSecret('playground'),
};

function problemsFor(env: Env): readonly string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(Object.keys(env))}`);
}

describe('credentials, storage and sealing settings (issue 13, finding 10)', () => {
  it('accepts a certificate, a dedicated sealing key and a storage account by name, with no secret anywhere in Entra settings', () => {
    const config = parseConfig(HARDENED);
    expect(config.entra.clientSecret).toBeUndefined();
    expect(config.entra.clientCertificatePath).toBe('/var/ssl/private/pimbot.pem');
    expect(config.stepUp.sealingKey).toBe(SEALING_KEY);
    expect(config.storage.connectionString).toBeUndefined();
    // Public-cloud endpoints of a named account (learn.microsoft.com/azure/storage/common/storage-account-overview#standard-endpoints).
    expect(config.storage.endpoints).toEqual({
      blob: 'https://pimbotstate01.blob.core.windows.net',
      queue: 'https://pimbotstate01.queue.core.windows.net',
    });
  });

  it('takes explicit endpoints (other clouds, Azurite over https) instead of the name', () => {
    const config = parseConfig({
      ...HARDENED,
      STORAGE_ACCOUNT_NAME: undefined,
      STORAGE_BLOB_ENDPOINT: 'https://pimbot.blob.core.usgovcloudapi.net/',
      STORAGE_QUEUE_ENDPOINT: 'https://pimbot.queue.core.usgovcloudapi.net',
    });
    expect(config.storage.endpoints).toEqual({
      blob: 'https://pimbot.blob.core.usgovcloudapi.net',
      queue: 'https://pimbot.queue.core.usgovcloudapi.net',
    });
  });

  it('production: exactly one of the app secret and the certificate; the message names both', () => {
    const both = problemsFor({ ...HARDENED, AAD_APP_CLIENT_SECRET: fakeSecret('entra') });
    const neither = problemsFor({ ...HARDENED, AAD_APP_CLIENT_CERTIFICATE_PATH: undefined });
    for (const problems of [both, neither]) {
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('AAD_APP_CLIENT_SECRET');
      expect(problems[0]).toContain('AAD_APP_CLIENT_CERTIFICATE_PATH');
      expect(problems[0]).toContain('exactly one');
    }
  });

  it('a certificate without a secret needs STEP_UP_SEALING_KEY; with a secret the key stays optional', () => {
    const problems = problemsFor({ ...HARDENED, STEP_UP_SEALING_KEY: undefined });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^STEP_UP_SEALING_KEY is not set/);
    const withSecret = parseConfig({
      ...PRODUCTION,
      AAD_APP_CLIENT_SECRET: fakeSecret('entra'),
    });
    expect(withSecret.stepUp.sealingKey).toBeUndefined();
  });

  it('STEP_UP_SEALING_KEY shorter than 32 characters is refused, in both modes', () => {
    for (const base of [HARDENED, PLAYGROUND]) {
      const problems = problemsFor({ ...base, STEP_UP_SEALING_KEY: 'x'.repeat(31) });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^STEP_UP_SEALING_KEY must be at least 32 characters/);
    }
    expect(parseConfig({ ...PLAYGROUND, STEP_UP_SEALING_KEY: 'x'.repeat(32) }).stepUp.sealingKey).toHaveLength(32);
  });

  it('storage: a connection string or the account by identity, not both', () => {
    const cases: [Env, string, string[]][] = [
      [
        { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
        'STORAGE_CONNECTION_STRING',
        ['STORAGE_ACCOUNT_NAME'],
      ],
      [{ STORAGE_BLOB_ENDPOINT: 'https://a.blob.core.windows.net' }, 'STORAGE_ACCOUNT_NAME', ['STORAGE_BLOB_ENDPOINT']],
      [
        { STORAGE_ACCOUNT_NAME: undefined, STORAGE_BLOB_ENDPOINT: 'https://a.blob.core.windows.net' },
        'STORAGE_QUEUE_ENDPOINT',
        ['STORAGE_BLOB_ENDPOINT'],
      ],
      [
        { STORAGE_ACCOUNT_NAME: undefined, STORAGE_QUEUE_ENDPOINT: 'https://a.queue.core.windows.net' },
        'STORAGE_BLOB_ENDPOINT',
        ['STORAGE_QUEUE_ENDPOINT'],
      ],
      [{ STORAGE_ACCOUNT_NAME: 'Pim_Bot' }, 'STORAGE_ACCOUNT_NAME', ['3-24 lower-case letters and digits']],
      [
        {
          STORAGE_ACCOUNT_NAME: undefined,
          STORAGE_BLOB_ENDPOINT: 'http://storage.contoso.com/blob',
          STORAGE_QUEUE_ENDPOINT: 'https://storage.contoso.com/queue',
        },
        'STORAGE_BLOB_ENDPOINT',
        ['https URL'],
      ],
    ];
    for (const [change, variable, alsoNamed] of cases) {
      const problems = problemsFor({ ...HARDENED, ...change });
      expect(problems, JSON.stringify(change)).toHaveLength(1);
      expect(problems[0]?.startsWith(variable), `${problems[0]} starts with ${variable}`).toBe(true);
      for (const text of alsoNamed) expect(problems[0]).toContain(text);
    }
  });

  it('playground keeps zero setup: the minimal environment needs none of these, and state stays in memory', () => {
    const config = parseConfig(PLAYGROUND);
    expect(config.stepUp.sealingKey).toBeUndefined();
    expect(config.storage).toMatchObject({ connectionString: undefined, endpoints: undefined });
    // Azurite over plain http on loopback stays possible for local runs.
    const local = parseConfig({
      ...PLAYGROUND,
      STORAGE_BLOB_ENDPOINT: 'http://127.0.0.1:10000/devstoreaccount1',
      STORAGE_QUEUE_ENDPOINT: 'http://127.0.0.1:10001/devstoreaccount1',
    });
    expect(local.storage.endpoints?.blob).toBe('http://127.0.0.1:10000/devstoreaccount1');
  });

  it('never echoes a secret or key value in a message', () => {
    const secret = fakeSecret('entra');
    const problems = problemsFor({ ...HARDENED, AAD_APP_CLIENT_SECRET: secret, STEP_UP_SEALING_KEY: 'short-key' });
    expect(problems.join('\n')).not.toContain(secret);
    expect(problems.join('\n')).not.toContain('short-key');
  });
});
