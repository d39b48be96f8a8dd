import { ClaimsIdentity } from 'botframework-connector';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type BotConnector, startBotConnector } from '../../simulators/botframework/bot-connector';
import { type BotTokenAuthority, startBotTokenAuthority } from '../../simulators/botframework/bot-token-authority';
import type { BotAuthConfig } from '../../src/config';
import { botCredentialsFactory, botFrameworkAuthOptions } from '../../src/teams/bot-framework-settings';
import { TeamsChannelAuthentication } from '../../src/teams/teams-channel-authentication';
import { fakeSecret } from '../support/fake-secrets';
import { testCertificateAuthority } from '../support/local-ca';

// The bot's outbound calls in production mode, through botbuilder's own connector factory, configured only
// by its documented settings (ToChannelFromBotLoginUrl): the bot gets a token for https://api.botframework.com
// from the local authority and the connector stand-in accepts the call only with it.
const BOT_APP_ID = '5d1c3f9e-0000-4000-8000-00000000b071';
const BOT_SECRET = fakeSecret('bot-app');

let authority: BotTokenAuthority;
let connector: BotConnector;

beforeAll(async () => {
  const ca = testCertificateAuthority();
  authority = await startBotTokenAuthority({ ca, apps: [{ appId: BOT_APP_ID, appPassword: BOT_SECRET }] });
  connector = await startBotConnector({ ca, verifyBotToken: (t) => authority.verifyBotToken(t) });
});

afterAll(async () => {
  await connector?.close();
  await authority?.close();
});

function botConfig(appPassword: string): BotAuthConfig {
  return {
    appId: BOT_APP_ID,
    appPassword,
    appType: 'MultiTenant',
    endpoints: { ToChannelFromBotLoginUrl: authority.loginUrl },
  };
}

/** A reply to a conversation the way the bot sends one: botbuilder's ConnectorClient from the configured auth. */
async function sendAsBot(bot: BotAuthConfig, conversationId: string): Promise<void> {
  // Outbound only: no inbound token is checked here, so no tenant is allowed in.
  const auth = new TeamsChannelAuthentication(botFrameworkAuthOptions(bot), botCredentialsFactory(bot), []);
  const identity = new ClaimsIdentity([{ type: 'aud', value: BOT_APP_ID }], true);
  const client = await auth.createConnectorFactory(identity).create(connector.serviceUrl);
  await client.conversations.sendToConversation(conversationId, {
    type: 'message',
    text: 'hello from the bot',
  } as never);
}

describe('outbound bot token against a local authority', () => {
  it('sends with a bot token for https://api.botframework.com, which the connector accepts', async ({ expect }) => {
    await sendAsBot(botConfig(BOT_SECRET), 'a:conv-ok');
    const call = await connector.waitFor((c) => c.conversationId === 'a:conv-ok');
    expect(call).toMatchObject({ operation: 'send', botAppId: BOT_APP_ID, body: { text: 'hello from the bot' } });
  });

  it('sends nothing when the authority refuses the bot secret', async ({ expect }) => {
    await expect(sendAsBot(botConfig(fakeSecret('wrong-bot-secret')), 'a:conv-bad-secret')).rejects.toThrow(
      /7000215|invalid_client|Invalid client secret/i,
    );
    expect(connector.calls.some((c) => c.conversationId === 'a:conv-bad-secret')).toBe(false);
  });

  it('refuses a call without a token, and one with a token signed by anyone else', async ({ expect }) => {
    const url = `${connector.serviceUrl}v3/conversations/${encodeURIComponent('a:conv-forged')}/activities`;
    const body = JSON.stringify({ type: 'message', text: 'not from the bot' });
    const headers = { 'content-type': 'application/json' };
    const noToken = await fetch(url, { method: 'POST', headers, body });
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ appid: BOT_APP_ID, ver: '1.0' })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer('https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/')
      .setAudience('https://api.botframework.com')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const forgedToken = await fetch(url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${forged}` },
      body,
    });
    const refusedHere = connector.refused.filter((r) => r.path.includes('conv-forged'));
    console.log(
      `connector: ${connector.calls.length} call(s) accepted with the bot token, refused ${refusedHere.length} of 2 without one (${refusedHere.map((r) => r.reason).join(', ')})`,
    );
    expect([noToken.status, forgedToken.status]).toEqual([401, 401]);
    expect(refusedHere.map((r) => r.reason)).toEqual(['no token', 'invalid token']);
    expect(connector.calls.some((c) => c.conversationId === 'a:conv-forged')).toBe(false);
  });
});
