import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, isLoopbackUrl, parseConfig } from '../../src/config';
import { fakeSecret } from '../support/fake-secrets';

/**
 * Issue 13, finding 7: playground mode (inbound authentication off, a dev identity) listens on loopback
 * and talks to loopback stand-ins only. Loopback per RFC 1122 3.2.1.3 (127.0.0.0/8), RFC 4291 2.5.3 (::1)
 * and RFC 6761 6.3 (localhost); a trailing dot (`localhost.`) is a fully-qualified name, not that one.
 */

const PLAYGROUND = {
  PIMBOT_MODE: 'playground',
  AAD_APP_TENANT_ID: '72f988bf-0000-4000-8000-000000000001',
  AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
  AAD_APP_CLIENT_SECRET: fakeSecret('playground-app'),
};

const PRODUCTION = {
  PIMBOT_MODE: 'production',
  MicrosoftAppId: '5d1c3f9e-0000-4000-8000-000000000003',
  MicrosoftAppPassword: fakeSecret('bot-app'),
  MicrosoftAppTenantId: PLAYGROUND.AAD_APP_TENANT_ID,
  AAD_APP_TENANT_ID: PLAYGROUND.AAD_APP_TENANT_ID,
  AAD_APP_CLIENT_ID: PLAYGROUND.AAD_APP_CLIENT_ID,
  AAD_APP_CLIENT_SECRET: fakeSecret('entra-app'),
  OAUTH_CONNECTION_NAME: 'pimbot-sso',
  PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
};

function problemsFor(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

const LOOPBACK = ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LocalHost', '::ffff:127.0.0.1'];
const NOT_LOOPBACK = [
  '0.0.0.0',
  '::',
  '10.0.0.5',
  '192.168.1.20',
  '128.0.0.1',
  '::2',
  'localhost.',
  'localhost.contoso.com',
  '127.0.0.1.nip.io',
  'login.microsoftonline.com',
  'login.microsoftonline.com.',
  'pimbot',
  '',
];

describe('isLoopbackHost / isLoopbackUrl', () => {
  it.each(LOOPBACK)('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(isLoopbackUrl(`https://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:8443/x`)).toBe(
      true,
    );
  });
  it.each(NOT_LOOPBACK)('%j is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
  it('judges URLs by their host, also when the URL writes it another way', () => {
    expect(isLoopbackUrl('https://0x7f000001:8443')).toBe(true); // WHATWG URL reads it as 127.0.0.1
    expect(isLoopbackUrl('https://127.0.0.1@evil.example')).toBe(false);
    expect(isLoopbackUrl('https://login.microsoftonline.com./')).toBe(false);
    expect(isLoopbackUrl('https://[::ffff:10.0.0.1]/')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });
});

describe('playground mode listens on loopback and talks to loopback stand-ins', () => {
  it.each(['0.0.0.0', '::', '192.168.1.20', 'pimbot.contoso.com', 'localhost.'])(
    'HOST=%s is refused, naming HOST and what to do',
    (host) => {
      const problems = problemsFor({ ...PLAYGROUND, HOST: host });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^HOST must be a loopback address in playground mode/);
      expect(problems[0]).toContain('127.0.0.1, ::1 or localhost');
      expect(problems[0]).toContain('PIMBOT_MODE=production');
    },
  );

  it.each(['127.0.0.1', '::1', 'localhost'])('HOST=%s is accepted', (host) => {
    expect(parseConfig({ ...PLAYGROUND, HOST: host }).host).toBe(host);
  });

  it.each([
    ['GRAPH_BASE_URL', 'https://graph.microsoft.com'],
    ['GRAPH_BASE_URL', 'https://graph.microsoft.com.'],
    ['GRAPH_BASE_URL', 'https://10.1.2.3:8443'],
    ['AAD_APP_OAUTH_AUTHORITY_HOST', 'https://login.microsoftonline.com'],
    ['AAD_APP_OAUTH_AUTHORITY_HOST', 'https://login.microsoftonline.com.'],
    ['AAD_APP_OAUTH_AUTHORITY_HOST', 'https://192.168.1.20:8444'],
  ])('%s=%s is refused, naming the variable', (variable, url) => {
    const problems = problemsFor({ ...PLAYGROUND, [variable]: url });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable} must be a loopback URL \\(the local stand-in\\)`));
    expect(problems[0]).toContain('npm run playground');
  });

  it('unset, the stand-ins default to loopback, never to Microsoft', () => {
    const config = parseConfig(PLAYGROUND);
    expect(isLoopbackUrl(config.graphBaseUrl)).toBe(true);
    expect(isLoopbackUrl(config.entra.authorityHost)).toBe(true);
    expect(config.host).toBe('127.0.0.1');
  });

  it('accepts the local stand-ins as npm run playground sets them', () => {
    const config = parseConfig({
      ...PLAYGROUND,
      GRAPH_BASE_URL: 'https://127.0.0.1:50123',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://localhost:50124',
    });
    expect(config.graphBaseUrl).toBe('https://127.0.0.1:50123');
    expect(config.entra.authorityHost).toBe('https://localhost:50124');
  });

  it('production keeps listening on all interfaces and talking to Microsoft', () => {
    const config = parseConfig(PRODUCTION);
    expect(config.host).toBe('0.0.0.0');
    expect(config.graphBaseUrl).toBe('https://graph.microsoft.com');
    expect(config.entra.authorityHost).toBe('https://login.microsoftonline.com');
  });
});

describe('figure', () => {
  it('playground-loopback: every non-loopback HOST, Graph and authority value refused', () => {
    let refused = 0;
    let accepted = 0;
    const attempts = NOT_LOOPBACK.filter(Boolean).flatMap((host) => {
      const url = `https://${host.includes(':') ? `[${host}]` : host}:8443`;
      return [{ HOST: host }, { GRAPH_BASE_URL: url }, { AAD_APP_OAUTH_AUTHORITY_HOST: url }];
    });
    for (const change of attempts) {
      try {
        parseConfig({ ...PLAYGROUND, ...change });
        accepted++;
      } catch (err) {
        if (err instanceof ConfigError) refused++;
      }
    }
    console.log(
      `playground-loopback: ${attempts.length} non-loopback settings tried, ${refused} refused, ${accepted} accepted`,
    );
    expect(accepted).toBe(0);
    expect(refused).toBe(attempts.length);
  });
});
