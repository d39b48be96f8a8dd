import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientCertificateCredential, OnBehalfOfCredential } from '@azure/identity';
import { decodeJwt, importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApplicationRegistration,
  type ClientCertificate,
  createClientCertificate,
  type EntraAuthority,
  GRAPH_RESOURCE,
  startEntraAuthority,
} from '../../../simulators/entra';
import { BOT_APPLICATION_PERMISSIONS, DEMO_BOT_CLIENT_ID, demoBotApplication } from '../../../simulators/demo-app';
import { startLocalStack } from '../../../simulators/local-stack';
import { testCertificateAuthority } from '../../support/local-ca';
import {
  adele,
  GRAPH_DEFAULT_SCOPE,
  identityOptions,
  pimBot,
  postToken,
  TENANT_ID,
  tokenEndpoint,
} from './entra-fixture';

/**
 * Certificate credentials (private_key_jwt) at the local authority, checked against
 * https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials (assertion format)
 * and the AADSTS codes of
 * https://learn.microsoft.com/en-us/azure/developer/java/sdk/troubleshooting-authentication-service-principal.
 */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('client assertions signed with a registered certificate', () => {
  let authority: EntraAuthority;
  let dir: string;
  let registered: ClientCertificate;
  let unregistered: ClientCertificate;
  let certOnlyApp: ApplicationRegistration;

  beforeAll(async () => {
    registered = createClientCertificate();
    unregistered = createClientCertificate();
    dir = mkdtempSync(join(tmpdir(), 'entra-cert-'));
    writeFileSync(join(dir, 'registered.pem'), registered.pem, { mode: 0o600 });
    writeFileSync(join(dir, 'unregistered.pem'), unregistered.pem, { mode: 0o600 });
    // A certificate-only app (no secret) and the secret fixture app, also given the certificate.
    const { clientSecret: _none, ...withoutSecret } = pimBot;
    certOnlyApp = { ...withoutSecret, certificates: [{ certificatePem: registered.certificatePem }] };
    authority = await startEntraAuthority({
      ca: testCertificateAuthority(),
      directory: { tenantId: TENANT_ID, users: [adele], applications: [certOnlyApp] },
    });
  });
  afterAll(async () => {
    await authority.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('createClientCertificate: thumbprints are the SHA-1/SHA-256 of the DER, the PEM holds key and certificate', () => {
    const der = new X509Certificate(registered.certificatePem).raw;
    expect(registered.thumbprints.sha1).toBe(createHash('sha1').update(der).digest('hex').toUpperCase());
    expect(registered.thumbprints.sha256).toBe(createHash('sha256').update(der).digest('hex').toUpperCase());
    expect(registered.pem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(registered.pem).toContain(registered.certificatePem.trim());
  });

  // @azure/identity hands MSAL both thumbprints and MSAL then signs PS256 with x5t#S256 (ClientAssertion.mjs),
  // so the credential tests cover that form; the hand-made assertions below cover RS256 with x5t.
  it('ClientCertificateCredential (PEM file) gets an app-only Graph token', async () => {
    const credential = new ClientCertificateCredential(
      TENANT_ID,
      certOnlyApp.clientId,
      { certificatePath: join(dir, 'registered.pem') },
      identityOptions(authority),
    );
    const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE);
    expect(decodeJwt(token)).toMatchObject({ aud: GRAPH_RESOURCE, appid: certOnlyApp.clientId, idtyp: 'app' });
  });

  it('OnBehalfOfCredential with certificatePath exchanges a Teams SSO token for a delegated Graph token', async () => {
    const userAssertionToken = await authority.issueTeamsSsoToken({ userId: adele.id, clientId: certOnlyApp.clientId });
    const credential = new OnBehalfOfCredential({
      tenantId: TENANT_ID,
      clientId: certOnlyApp.clientId,
      certificatePath: join(dir, 'registered.pem'),
      userAssertionToken,
      ...identityOptions(authority),
    });
    const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE);
    expect(decodeJwt(token)).toMatchObject({ aud: GRAPH_RESOURCE, oid: adele.id, appid: certOnlyApp.clientId });
  });

  it('refuses an assertion signed by a certificate the app does not have: invalid_client AADSTS700027', async () => {
    const credential = new ClientCertificateCredential(
      TENANT_ID,
      certOnlyApp.clientId,
      { certificatePath: join(dir, 'unregistered.pem') },
      identityOptions(authority),
    );
    const error = await credential.getToken(GRAPH_DEFAULT_SCOPE).then(
      () => undefined,
      (e: unknown) => e,
    );
    console.log(`wrong certificate -> ${String(error).match(/AADSTS\d+/)?.[0]}`);
    expect(String(error)).toMatch(/AADSTS700027/);
  });

  /** An RS256 + x5t assertion, as the bot signs its own (and as the docs' example header is). */
  async function assertion(overrides: Record<string, unknown> = {}, cert = registered): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const x5t = Buffer.from(cert.thumbprints.sha1, 'hex').toString('base64url');
    return new SignJWT({
      aud: tokenEndpoint(authority),
      iss: certOnlyApp.clientId,
      sub: certOnlyApp.clientId,
      jti: randomUUID(),
      nbf: now,
      exp: now + 600,
      ...overrides,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
      .sign(await importPKCS8(cert.privateKeyPem, 'RS256'));
  }

  const request = (clientAssertion: string, extra: Record<string, string> = {}) =>
    postToken(authority, {
      grant_type: 'client_credentials',
      scope: GRAPH_DEFAULT_SCOPE,
      client_id: certOnlyApp.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
      ...extra,
    });

  it('accepts an RS256 + x5t assertion for each documented audience form', async () => {
    const base = `${authority.url}/${TENANT_ID}`;
    for (const aud of [`${base}/oauth2/v2.0/token`, `${base}/oauth2/token`, `${base}/v2.0`]) {
      const { status } = await request(await assertion({ aud }));
      expect({ aud, status }).toEqual({ aud, status: 200 });
    }
  });

  it('refuses an expired assertion: invalid_client AADSTS700024', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const { status, body } = await request(await assertion({ nbf: past - 600, exp: past }));
    console.log(`expired assertion -> HTTP ${status} AADSTS${(body.error_codes as number[])[0]}`);
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [700024] });
  });

  it('refuses an assertion for another audience: invalid_client AADSTS700023', async () => {
    const { status, body } = await request(
      await assertion({ aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' }),
    );
    console.log(`wrong audience -> HTTP ${status} AADSTS${(body.error_codes as number[])[0]}`);
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [700023] });
  });

  it('refuses iss/sub other than the client id: invalid_client AADSTS700021', async () => {
    const { body } = await request(await assertion({ iss: adele.id, sub: adele.id }));
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [700021] });
  });

  it('refuses a registered thumbprint over a signature by another key: AADSTS700027', async () => {
    const forged = await new SignJWT({
      aud: tokenEndpoint(authority),
      iss: certOnlyApp.clientId,
      sub: certOnlyApp.clientId,
      jti: randomUUID(),
    })
      .setNotBefore('0s')
      .setExpirationTime('10m')
      .setProtectedHeader({ alg: 'RS256', x5t: Buffer.from(registered.thumbprints.sha1, 'hex').toString('base64url') })
      .sign(await importPKCS8(unregistered.privateKeyPem, 'RS256'));
    const { body } = await request(forged);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
    expect(String(body.error_description)).toContain('Key was found');
  });

  it('the dev SSO endpoint authenticates a certificate-only app by its assertion too', async () => {
    const post = async (clientAssertion: string) => {
      const res = await fetch(`${authority.url}/${TENANT_ID}/_dev/teams-sso-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: certOnlyApp.clientId,
          client_assertion_type: JWT_BEARER,
          client_assertion: clientAssertion,
          user: adele.id,
        }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const ok = await post(await assertion());
    expect(ok.status).toBe(200);
    expect(decodeJwt(String(ok.body.token))).toMatchObject({ aud: certOnlyApp.identifierUris[0], oid: adele.id });
    const refused = await post(await assertion({}, unregistered));
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client', error_codes: [700027] } });
  });

  it('refuses any secret for an app that has none: AADSTS7000215', async () => {
    const { status, body } = await postToken(authority, {
      grant_type: 'client_credentials',
      scope: GRAPH_DEFAULT_SCOPE,
      client_id: certOnlyApp.clientId,
      client_secret: 'anything',
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });
});

describe('local stack with a certificate-only demo bot and a managed identity', () => {
  it('registers the certificate (no secret) and serves the managed identity endpoint', async () => {
    const certificate = createClientCertificate();
    const dir = mkdtempSync(join(tmpdir(), 'stack-cert-'));
    const stack = await startLocalStack({
      ca: testCertificateAuthority(),
      botApp: demoBotApplication([], { certificates: [certificate], secret: false }),
      managedIdentities: [{ clientId: '3c1d9e2f-5a4b-4c6d-8e7f-90a1b2c3d4e5', systemAssigned: true }],
    });
    try {
      expect(stack.botApp.clientSecret).toBeUndefined();
      expect(stack.authority.managedIdentityEndpoint?.environment.IDENTITY_ENDPOINT).toBe(
        `${stack.authority.url}/msi/token`,
      );
      writeFileSync(join(dir, 'bot.pem'), certificate.pem, { mode: 0o600 });
      const credential = new ClientCertificateCredential(
        stack.authority.tenantId,
        DEMO_BOT_CLIENT_ID,
        { certificatePath: join(dir, 'bot.pem') },
        identityOptions(stack.authority),
      );
      const { token } = await credential.getToken(GRAPH_DEFAULT_SCOPE);
      expect(decodeJwt(token)).toMatchObject({ appid: DEMO_BOT_CLIENT_ID, roles: BOT_APPLICATION_PERMISSIONS });
    } finally {
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
