import type { Activity } from 'botbuilder';
import { AuthenticationConstants, AuthenticationError } from 'botframework-connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelIssuer, startChannelIssuer } from '../../simulators/botframework/channel-issuer';
import { botFrameworkAuthOptions } from '../../src/teams/bot-framework-settings';
import { TeamsChannelAuthentication } from '../../src/teams/teams-channel-authentication';
import { testCertificateAuthority } from '../support/local-ca';
import { fakeSecret } from '../support/fake-secrets';

/**
 * Inbound Bot Framework authentication, one token at a time, against the local stand-in of the Bot Connector's
 * OpenID issuer (the whole bot over HTTP: test/production/channel-auth.test.ts, test/abuse/inbound-auth.test.ts).
 * The Bot Connector's tokens to a bot carry iss https://api.botframework.com, aud the bot's app id and the
 * activity's serviceurl (learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication,
 * "Connector to bot"); anything invalid is answered 401, never 500.
 */

const BOT_APP_ID = '5b1f2c3d-0000-4000-8000-0000000000b0';
const OUR_TENANT = '72f988bf-0000-4000-8000-000000000001';
const OTHER_TENANT = '0bad0000-0000-4000-8000-000000000bad';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

let channel: ChannelIssuer;

beforeAll(async () => {
  channel = await startChannelIssuer({ ca: testCertificateAuthority() });
});

afterAll(async () => {
  await channel?.close();
});

function auth() {
  return new TeamsChannelAuthentication(
    botFrameworkAuthOptions({
      appId: BOT_APP_ID,
      appPassword: fakeSecret('not-used-inbound'),
      appType: 'MultiTenant',
      endpoints: { ToBotFromChannelOpenIdMetadataUrl: channel.openIdMetadataUrl },
    }),
    undefined,
    [OUR_TENANT.toUpperCase(), 'c0ffee00-0000-4000-8000-0000000000aa'],
  );
}

const activity = (): Activity =>
  ({
    type: 'message',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    conversation: { id: 'a:1', tenantId: OUR_TENANT },
    channelData: { tenant: { id: OUR_TENANT } },
  }) as Activity;

/** A token signed with the endorsed key, with these claims on top of a valid Bot Connector token's. */
async function signed(claims: Record<string, unknown> = {}): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return channel.signClaims({
    iss: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    aud: BOT_APP_ID,
    serviceurl: SERVICE_URL,
    nbf: iat - 1,
    iat,
    exp: iat + 3600,
    ...claims,
  });
}

async function refusal(header: string): Promise<{ status: number | undefined; message: string }> {
  const err = await auth()
    .authenticateRequest(activity(), header)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err, 'the request should have been refused').toBeInstanceOf(Error);
  return { status: AuthenticationError.isStatusCodeError(err) ? err.statusCode : undefined, message: String(err) };
}

describe('TeamsChannelAuthentication', () => {
  it('accepts a Bot Connector token for this bot, with or without one of our tenants in it', async () => {
    for (const token of [
      await signed(),
      await signed({ tid: OUR_TENANT }),
      await signed({ tid: OUR_TENANT.toUpperCase() }),
    ]) {
      const result = await auth().authenticateRequest(activity(), `Bearer ${token}`);
      expect(result.claimsIdentity.isAuthenticated).toBe(true);
      expect(result.claimsIdentity.getClaimValue('aud')).toBe(BOT_APP_ID);
    }
  });

  it('refuses a token that does not claim the Bot Connector as issuer, before verifying it: 401', async () => {
    expect(await refusal(`Bearer ${await signed({ iss: 'https://sts.windows.net/evil/' })}`)).toMatchObject({
      status: 401,
      message: expect.stringContaining('Not a Bot Connector token'),
    });
    expect((await refusal(`Bearer ${await signed({ iss: undefined })}`)).status).toBe(401);
    expect((await refusal(`Bearer ${await signed({ iss: 42 })}`)).status).toBe(401);
  });

  it('refuses what is no JWT at all with 401', async () => {
    for (const header of ['Bearer not-a-jwt', 'Bearer a.!!!.c', 'Bearer a.bnVsbA.c', 'Basic dXNlcjpwYXNz']) {
      expect((await refusal(header)).status, header).toBe(401);
    }
  });

  it('refuses a token naming a tenant that is not allowed, whatever its signature: 401', async () => {
    expect(await refusal(`Bearer ${await signed({ tid: OTHER_TENANT })}`)).toMatchObject({
      status: 401,
      message: expect.stringContaining('another tenant'),
    });
  });

  it('reads the bearer token whatever the scheme’s letter case and spacing', async () => {
    const token = await signed({ tid: OTHER_TENANT });
    expect((await refusal(`bearer   ${token}`)).message).toContain('another tenant');
  });

  it('an expired token, or one whose signature does not match, is 401 (botbuilder alone would answer 500)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await refusal(`Bearer ${await signed({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 })}`)).status,
    ).toBe(401);
    const [header, payload, signature] = (await signed()).split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -6)}AAAAAA`;
    expect((await refusal(`Bearer ${tampered}`)).status).toBe(401);
    expect((await refusal(`Bearer ${tampered}`)).message).toMatch(/Unauthorized\. .*signature/);
    expect((await refusal(`Bearer ${await signed({ aud: 'another-bot' })}`)).status).toBe(401);
  });

  it('no token at all is 401', async () => {
    expect((await refusal('')).status).toBe(401);
    expect((await refusal('   ')).status).toBe(401);
  });

  it('the issuer’s keys unreachable is no verdict on the token: not answered as 401', async () => {
    const closed = await startChannelIssuer({ ca: testCertificateAuthority() });
    const metadataUrl = closed.openIdMetadataUrl;
    const token = await closed.channelToken({ botAppId: BOT_APP_ID, serviceUrl: SERVICE_URL });
    await closed.close();
    const unreachable = new TeamsChannelAuthentication(
      botFrameworkAuthOptions({
        appId: BOT_APP_ID,
        appPassword: fakeSecret('not-used-inbound'),
        appType: 'MultiTenant',
        endpoints: { ToBotFromChannelOpenIdMetadataUrl: metadataUrl },
      }),
      undefined,
      [OUR_TENANT],
    );
    const err = await unreachable.authenticateRequest(activity(), `Bearer ${token}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(AuthenticationError.isStatusCodeError(err) ? err.statusCode : undefined).not.toBe(401);
  });
});
