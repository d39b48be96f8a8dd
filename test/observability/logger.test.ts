import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';

/** A logger whose output lines are kept, raw, as pino writes them. */
function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  const output = () => lines.join('');
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, output, parsed };
}

describe('logger', () => {
  it('writes one JSON object a line with level, ISO time, service and message', () => {
    const { logger, parsed } = capture();
    logger.info({ conversationType: 'personal' }, 'message');
    expect(parsed()).toEqual([
      {
        level: 30,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'pim-bot',
        conversationType: 'personal',
        msg: 'message',
      },
    ]);
  });

  it('honours the level', () => {
    const { logger, parsed } = capture('warn');
    logger.info('not written');
    logger.warn('written');
    expect(parsed().map((l) => l.msg)).toEqual(['written']);
  });

  // Each case logs a secret in a shape real code produces; the secret must never reach the output.
  const cases: [string, (secret: string) => Record<string, unknown>][] = [
    ['an Authorization header', (s) => ({ Authorization: `Bearer ${s}` })],
    ['authorization', (s) => ({ authorization: `Bearer ${s}` })],
    [
      'headers.authorization',
      (s) => ({ headers: { authorization: `Bearer ${s}`, 'content-type': 'application/json' } }),
    ],
    ['headers.Authorization', (s) => ({ headers: { Authorization: `Bearer ${s}` } })],
    ['req.headers.authorization', (s) => ({ req: { method: 'POST', headers: { authorization: `Bearer ${s}` } } })],
    ['nested headers.authorization', (s) => ({ outbound: { headers: { authorization: `Bearer ${s}` } } })],
    ['token', (s) => ({ token: s })],
    ['a nested token', (s) => ({ tokenResponse: { token: s, connectionName: 'pimbot-sso' } })],
    ['accessToken', (s) => ({ accessToken: s, expiresOn: '2026-01-01T00:00:00Z' })],
    ['a nested accessToken', (s) => ({ result: { accessToken: s } })],
    ['access_token', (s) => ({ body: { access_token: s, token_type: 'Bearer' } })],
    ['refresh_token and id_token', (s) => ({ refresh_token: s, tokens: { id_token: s } })],
    ['client_secret', (s) => ({ client_secret: s })],
    ['a nested client_secret', (s) => ({ form: { grant_type: 'client_credentials', client_secret: s } })],
    ['clientSecret', (s) => ({ entra: { tenantId: 't', clientSecret: s } })],
    ['assertion (on-behalf-of)', (s) => ({ form: { assertion: s } })],
    ['password', (s) => ({ password: s, bot: { password: s } })],
    ['MicrosoftAppPassword', (s) => ({ MicrosoftAppPassword: s })],
    [
      'the SSO token of a signin/tokenExchange invoke',
      (s) => ({ activity: { value: { authentication: { token: s } } } }),
    ],
  ];

  it.each(cases)('redacts %s', (_name, shape) => {
    const secret = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln';
    const { logger, output } = capture();

    logger.info(shape(secret), 'outbound call');

    expect(output()).toContain('[redacted]');
    expect(output()).not.toContain(secret);
    expect(output()).not.toContain('c2VjcmV0');
  });

  it('redacts secrets bound to a child logger', () => {
    const { logger, output } = capture();
    logger.child({ token: 'child-bound-secret' }).info('turn');
    expect(output()).not.toContain('child-bound-secret');
  });

  it('keeps what is not secret around a redacted field', () => {
    const { logger, parsed } = capture();
    logger.info({ headers: { authorization: 'Bearer xyz', 'x-request-id': 'req-1' }, status: 401 }, 'graph call');
    expect(parsed()[0]).toMatchObject({
      headers: { authorization: '[redacted]', 'x-request-id': 'req-1' },
      status: 401,
      msg: 'graph call',
    });
  });
});
