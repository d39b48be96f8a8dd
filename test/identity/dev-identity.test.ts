import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntraAppConfig } from '../../src/config';
import { DevIdentity } from '../../src/identity/dev-identity';
import { onBehalfOfCredential } from '../../src/identity/graph-credentials';
import { type LocalStack, startLocalStack } from '../../simulators/local-stack';
import { demoUsers } from '../../simulators/tenant/demo-tenant';
import { testCertificateAuthority } from '../support/local-ca';

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
const { requester: adele, approver: megan } = demoUsers;

/** Playground mode: the Playground user becomes a Teams-SSO-like token, exchanged on-behalf-of as in production. */
describe('DevIdentity (playground stand-in for Teams SSO), against the local authority over HTTPS', () => {
  let stack: LocalStack;
  let entra: EntraAppConfig;
  beforeAll(async () => {
    stack = await startLocalStack({ ca: testCertificateAuthority() });
    entra = {
      tenantId: stack.fixture.tenantId,
      clientId: stack.botApp.clientId,
      clientSecret: stack.botApp.clientSecret,
      authorityHost: stack.authority.url,
    };
  });
  afterAll(() => stack?.close());

  it('gives a token for the bot app that the real on-behalf-of exchange turns into a Graph token for that user', async () => {
    const sso = await new DevIdentity(entra, 'playground').ssoTokenFor(adele.id);
    expect(decodeJwt(sso)).toMatchObject({ aud: stack.botApp.identifierUris[0], oid: adele.id, amr: ['pwd', 'mfa'] });

    const graphToken = await onBehalfOfCredential(entra, sso).getToken(GRAPH_DEFAULT_SCOPE);
    expect(graphToken).not.toBeNull();
    expect(decodeJwt(graphToken?.token ?? '')).toMatchObject({
      aud: 'https://graph.microsoft.com',
      oid: adele.id,
      tid: stack.fixture.tenantId,
      azp: stack.botApp.clientId,
      idtyp: 'user',
      amr: ['pwd', 'mfa'],
    });
  });

  it('signs in whichever Playground user is asked for', async () => {
    const sso = await new DevIdentity(entra, 'playground').ssoTokenFor(megan.id);
    expect(decodeJwt(sso).oid).toBe(megan.id);
  });

  it('is refused with a wrong client secret, and the error does not echo the secret', async () => {
    const wrong = 'definitely-not-the-secret';
    const err = await new DevIdentity({ ...entra, clientSecret: wrong }, 'playground')
      .ssoTokenFor(adele.id)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/invalid_client \(AADSTS7000215\)/);
    expect((err as Error).message).not.toContain(wrong);
  });

  it('is refused for a user the demo tenant does not have', async () => {
    await expect(
      new DevIdentity(entra, 'playground').ssoTokenFor('00000000-0000-4000-8000-000000000000'),
    ).rejects.toThrow(/invalid_grant \(AADSTS50034\)/);
    await expect(new DevIdentity(entra, 'playground').ssoTokenFor('  ')).rejects.toThrow(/no aadObjectId/);
  });

  it('cannot be enabled in production', () => {
    expect(() => new DevIdentity(entra, 'production')).toThrow(
      'The dev identity is for the local demo only; production uses Teams SSO.',
    );
  });

  it('never sends the app secret to Microsoft’s login hosts', async () => {
    const identity = new DevIdentity({ ...entra, authorityHost: 'https://login.microsoftonline.com' }, 'playground');
    await expect(identity.ssoTokenFor(adele.id)).rejects.toThrow(/only works with the local Entra authority/);
  });

  // Issue 13, finding 7: a list of Microsoft's hosts missed the same host with a trailing dot, and any other
  // machine; only loopback is the local authority.
  it.each([
    'https://login.microsoftonline.com.',
    'https://LOGIN.microsoftonline.com.:443',
    'https://login.microsoftonline.us.',
    'https://10.0.0.5:8444',
    'https://192.168.1.20',
    'https://[fe80::1]:8444',
    'https://0.0.0.0:8444',
    'https://localhost.:8444',
  ])('refuses to send the app secret to %s, before any request', async (authorityHost) => {
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request) => {
      sent.push(String(input));
      throw new Error('no request may be made');
    }) as typeof fetch;
    try {
      const identity = new DevIdentity({ ...entra, authorityHost }, 'playground');
      await expect(identity.ssoTokenFor(adele.id)).rejects.toThrow(
        /only works with the local Entra authority on loopback/,
      );
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(sent).toEqual([]);
  });
});
