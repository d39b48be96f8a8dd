import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { startApp } from '/work/main/src/app';
import { parseConfig } from '/work/main/src/config';
import { createLogger } from '/work/main/src/observability/logger';
import { startCaptureConnector } from '/work/main/test/support/capture-connector';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { ToBotFromBotOrEmulatorTokenValidationParameters } from 'botframework-connector/lib/auth/tokenValidationParameters.js';

const TENANT_ID = '72f988bf-0000-4000-8000-000000000001';
const BOT_APP_ID = '5d1c3f9e-0000-4000-8000-000000000003';
const lines: any[] = [];
const logger = createLogger('debug', { write: (l: string) => void lines.push(JSON.parse(l)) });
const config = parseConfig({
  PIMBOT_MODE: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  MicrosoftAppId: BOT_APP_ID,
  MicrosoftAppPassword: 'bot-app-secret',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: TENANT_ID,
  AAD_APP_TENANT_ID: TENANT_ID,
  AAD_APP_CLIENT_ID: '0b7e4a2c-0000-4000-8000-000000000002',
  AAD_APP_CLIENT_SECRET: 'entra-app-secret',
  OAUTH_CONNECTION_NAME: 'pimbot-sso',
  PUBLIC_BASE_URL: 'https://pimbot.contoso.com',
});
const server = await startApp(config, logger);
const teams = await startCaptureConnector();
const act = {
  type: 'message',
  id: '1',
  channelId: 'msteams',
  serviceUrl: teams.serviceUrl,
  from: { id: '29:x', aadObjectId: 'u' },
  recipient: { id: '28:b' },
  conversation: { id: 'a:1', conversationType: 'personal' },
  text: 'help',
};
const trusted = await generateKeyPair('RS256', { extractable: true });
const attacker = await generateKeyPair('RS256', { extractable: true });
const kid = 'bf-key-1';
const claims = { serviceurl: teams.serviceUrl, aud: BOT_APP_ID, iss: 'https://api.botframework.com' };
const sign = (key: CryptoKey, c: Record<string, unknown>, k = kid, exp = '10m') =>
  new SignJWT(c)
    .setProtectedHeader({ alg: 'RS256', kid: k, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key);
async function post(tok: string | undefined) {
  const t0 = performance.now();
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
    body: JSON.stringify(act),
  });
  return `${res.status} ${(await res.text()).slice(0, 150)} ${Math.round(performance.now() - t0)}ms`;
}
const origErr = console.error;
let errs = 0;
console.error = (...a: unknown[]) => {
  errs++;
  origErr(String(a[0]).slice(0, 200));
};
console.log('UNSEEDED');
console.log('forged', await post(await sign(attacker.privateKey, claims)));
console.log('none', await post(new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('10m').encode()));
console.log('wrong iss', await post(await sign(attacker.privateKey, { ...claims, iss: 'https://evil.example' })));
console.log(
  'emu tid',
  await post(
    await sign(attacker.privateKey, {
      ...claims,
      iss: 'https://sts.windows.net/abc/',
      tid: 'abc',
      ver: '1.0',
      appid: BOT_APP_ID,
    }),
  ),
);
console.log('issuers', ToBotFromBotOrEmulatorTokenValidationParameters.issuer.length);
const md = new JwtTokenExtractor({}, 'https://login.botframework.com/v1/.well-known/openidconfiguration', ['RS256'])
  .openIdMetadata as any;
md.keys = [{ ...(await exportJWK(trusted.publicKey)), kid, endorsements: ['msteams'] }];
md.lastUpdated = Date.now();
console.log('SEEDED');
console.log('forged', await post(await sign(attacker.privateKey, claims)));
console.log('forged unknown kid', await post(await sign(attacker.privateKey, claims, 'other')));
console.log('none', await post(new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('10m').encode()));
console.log('expired', await post(await sign(trusted.privateKey, claims, kid, Math.floor(Date.now() / 1000) - 3600)));
console.log('wrong aud', await post(await sign(trusted.privateKey, { ...claims, aud: 'other-app' })));
console.log('wrong svc', await post(await sign(trusted.privateKey, { ...claims, serviceurl: 'https://evil' })));
console.log('wrong iss', await post(await sign(trusted.privateKey, { ...claims, iss: 'https://evil.example' })));
console.log(
  'HS256',
  await post(
    await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('secret')),
  ),
);
console.log('valid', await post(await sign(trusted.privateKey, claims)));
console.log(
  'turns',
  lines.filter((l) => l.msg === 'message').length,
  'connector',
  teams.calls.length,
  'console.error',
  errs,
);
console.log(
  lines
    .filter((l) => l.level >= 40)
    .map((l) => l.msg + ' ' + JSON.stringify(l.err?.message ?? ''))
    .join('\n'),
);
await server.shutdown('x');
await teams.close();
