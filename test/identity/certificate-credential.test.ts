import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import restify from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraAppConfig } from '../../src/config';
import { appCredential, onBehalfOfCredential } from '../../src/identity/graph-credentials';
import { PimSessions } from '../../src/identity/pim-sessions';
import { registerStepUpRoutes, type StepUpSignedIn, StepUpSessions } from '../../src/identity/step-up';
import { createLogger } from '../../src/observability/logger';
import { demoBotApplication } from '../../simulators/demo-app';
import { type ApplicationRegistration, createClientCertificate } from '../../simulators/entra';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { browse } from '../support/browser';
import { fakeSecret } from '../support/fake-secrets';
import { testCertificateAuthority } from '../support/local-ca';

/**
 * Issue 13, finding 10, end to end: a certificate-only app registration (no secret exists) on the local
 * Entra authority, which checks client assertions as Entra documents them. The bot's three token paths
 * (app-only, on-behalf-of, the step-up code redemption) all work with AAD_APP_CLIENT_CERTIFICATE_PATH, and
 * an assertion signed by a certificate the app does not have is refused.
 */

const { requester: adele } = demoUsers;
const GRAPH = 'https://graph.microsoft.com/.default';
const dir = mkdtempSync(join(tmpdir(), 'pimbot-cert-e2e-'));
const registered = createClientCertificate({ commonName: 'pim-bot registered' });
const stranger = createClientCertificate({ commonName: 'pim-bot not registered' });

let server: restify.Server;
let botUrl: string;
/** A second bot, configured with a certificate the app registration does not have. */
let strangerServer: restify.Server;
let strangerUrl: string;
let strangerSessions: StepUpSessions;
let stack: LocalStack<ApplicationRegistration>;
let entra: EntraAppConfig;
let sessions: StepUpSessions;
const signedIn: StepUpSignedIn[] = [];
const logLines: string[] = [];

function pemFile(name: string, pem: string): string {
  const path = join(dir, name);
  writeFileSync(path, pem, { mode: 0o600 });
  return path;
}

beforeAll(async () => {
  server = restify.createServer({ name: 'pim-bot-cert-test', handleUncaughtExceptions: false });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  strangerServer = restify.createServer({ name: 'pim-bot-cert-test-stranger', handleUncaughtExceptions: false });
  await new Promise<void>((resolve) => strangerServer.listen(0, '127.0.0.1', () => resolve()));
  strangerUrl = `http://127.0.0.1:${(strangerServer.address() as AddressInfo).port}`;
  stack = await startLocalStack({
    ca: testCertificateAuthority(),
    botApp: demoBotApplication([`${botUrl}/auth/callback`, `${strangerUrl}/auth/callback`], {
      certificates: [registered],
      secret: false,
    }),
  });
  entra = {
    tenantId: stack.fixture.tenantId,
    clientId: stack.botApp.clientId,
    clientCertificatePath: pemFile('registered.pem', registered.pem),
    authorityHost: stack.authority.url,
  };
  sessions = new StepUpSessions({ publicBaseUrl: botUrl, sealingSecret: fakeSecret('step-up-sealing-key') });
  registerStepUpRoutes(server, {
    entra,
    publicBaseUrl: botUrl,
    sessions,
    logger: createLogger('debug', { write: (line: string) => void logLines.push(line) }),
    async onSignedIn(result) {
      signedIn.push(result);
    },
  });
  strangerSessions = new StepUpSessions({ publicBaseUrl: strangerUrl });
  registerStepUpRoutes(strangerServer, {
    entra: { ...entra, clientCertificatePath: pemFile('stranger.pem', stranger.pem) },
    publicBaseUrl: strangerUrl,
    sessions: strangerSessions,
    logger: createLogger('debug', { write: (line: string) => void logLines.push(line) }),
    async onSignedIn(result) {
      signedIn.push(result);
    },
  });
});

afterAll(async () => {
  await stack?.close();
  for (const s of [server, strangerServer]) {
    if (!s) continue;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.server.closeAllConnections();
    });
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('certificate credentials against the local Entra authority (issue 13, finding 10)', () => {
  it('the app has no secret at all; app-only and on-behalf-of tokens come with the certificate', async () => {
    expect(stack.botApp.clientSecret).toBeUndefined();
    const appOnly = await appCredential(entra).getToken(GRAPH);
    expect(decodeJwt(appOnly?.token ?? '')).toMatchObject({ appid: entra.clientId, tid: entra.tenantId });

    const sso = await stack.authority.issueTeamsSsoToken({ userId: adele.id, clientId: entra.clientId });
    const obo = await onBehalfOfCredential(entra, sso).getToken(GRAPH);
    expect(decodeJwt(obo?.token ?? '')).toMatchObject({ oid: adele.id, aud: 'https://graph.microsoft.com' });
  });

  it("PimSessions' shared on-behalf-of client signs a client assertion with the certificate; a stranger's is refused", async () => {
    const sso = await stack.authority.issueTeamsSsoToken({ userId: adele.id, clientId: entra.clientId });
    const pims = new PimSessions({ entra, graphBaseUrl: stack.graph.url });
    const token = await pims.credentialFor(sso).getToken(GRAPH);
    expect(decodeJwt(token?.token ?? '')).toMatchObject({ oid: adele.id, aud: 'https://graph.microsoft.com' });

    const wrong = { ...entra, clientCertificatePath: pemFile('stranger-obo.pem', stranger.pem) };
    const refused = await new PimSessions({ entra: wrong, graphBaseUrl: stack.graph.url })
      .credentialFor(sso)
      .getToken(GRAPH)
      .then(
        () => 'issued',
        (err: unknown) => String(err),
      );
    expect(refused).toMatch(/AADSTS700027|invalid_client/);
  });

  it('the step-up sign-in redeems its code with a client assertion and resumes the right user', async () => {
    signedIn.length = 0;
    const { startUrl } = await sessions.begin({
      userAadObjectId: adele.id,
      loginHint: adele.userPrincipalName,
      claims: '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
      resumeKey: 'conversation-1/activation-1',
    });
    const page = await browse(startUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain('signed in');
    expect(signedIn.map((s) => s.userAadObjectId)).toEqual([adele.id]);
    expect(decodeJwt(signedIn[0]?.accessToken.token ?? '').acrs).toContain('c1');
  });

  it('a certificate the app registration does not have is refused: no token, no sign-in', async () => {
    const wrong = { ...entra, clientCertificatePath: pemFile('stranger-app.pem', stranger.pem) };
    const appOnly = await appCredential(wrong)
      .getToken(GRAPH)
      .then(
        () => 'issued',
        (err: unknown) => String(err),
      );
    expect(appOnly).toMatch(/AADSTS700027|invalid_client/);

    signedIn.length = 0;
    const { startUrl } = await strangerSessions.begin({
      userAadObjectId: adele.id,
      loginHint: adele.userPrincipalName,
      claims: '',
      resumeKey: 'conversation-1/activation-2',
    });
    const page = await browse(startUrl);
    expect(page.status).toBe(502);
    expect(page.text).toContain('could not finish the sign-in');
    expect(page.text).toContain('invalid_client');
    expect(signedIn).toHaveLength(0);
    console.log(
      `[issue 13 / finding 10] certificate-only app: app-only, on-behalf-of and step-up work; an unregistered certificate: app-only refused, step-up HTTP ${page.status}, 0 resumed`,
    );
  });
});
