import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson, startHttps, type RunningHttps } from '../../simulators/botframework/https-server';
import { OpenIdKeys, OpenIdMetadataUnavailable } from '../../src/identity/openid-keys';
import { type SsoTokenRejected, SsoTokenVerifier } from '../../src/identity/sso-token-verifier';
import { IdTokenVerifier } from '../../src/identity/step-up/id-token';
import { testCertificateAuthority } from '../support/local-ca';

/**
 * One OpenID Connect metadata document and key set per authority and tenant, shared by the SSO token verifier and
 * the step-up id_token verifier. An authority of the test's own, so that every request to it is counted: the
 * metadata at `{authority}/{tenant}/v2.0/.well-known/openid-configuration` (issuer, jwks_uri), the keys at jwks_uri
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-signature). Key rollover: a token
 * signed with a key the cached set lacks makes jose fetch the set again, once its cooldown has passed
 * (jose createRemoteJWKSet: cooldownDuration, default 30 s).
 */
const TENANT = '7c1e0f2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const CLIENT_ID = '4d3c2b1a-0000-4000-8000-0000000c1e47';
const USER = '9a8b7c6d-0000-4000-8000-00000000f00d';

interface Key {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  jwk: JWK;
}
let authority: RunningHttps;
const published: Key[] = [];
const hits = { metadata: 0, jwks: 0 };
let metadataStatus = 200;

async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' } };
}

beforeAll(async () => {
  published.push(await newKey());
  authority = await startHttps(testCertificateAuthority(), (_req, res, url) => {
    if (url.pathname === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
      hits.metadata++;
      if (metadataStatus !== 200) return sendJson(res, metadataStatus, { error: 'temporarily_unavailable' });
      return sendJson(res, 200, {
        issuer: `${authority.url}/${TENANT}/v2.0`,
        jwks_uri: `${authority.url}/${TENANT}/discovery/v2.0/keys`,
      });
    }
    if (url.pathname === `/${TENANT}/discovery/v2.0/keys`) {
      hits.jwks++;
      return sendJson(res, 200, { keys: published.map((k) => k.jwk) });
    }
    return sendJson(res, 404, {});
  });
});

afterAll(async () => {
  await authority?.close();
});

beforeEach(() => {
  hits.metadata = 0;
  hits.jwks = 0;
  metadataStatus = 200;
});

/** A user's token for the bot, as Teams SSO's: delegated (`scp`), signed with `key`. */
function token(key: Key, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ oid: USER, tid: TENANT, scp: 'access_as_user', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(`${authority.url}/${TENANT}/v2.0`)
    .setAudience(CLIENT_ID)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key.privateKey);
}

function verifiers(keys: OpenIdKeys) {
  return {
    sso: new SsoTokenVerifier({
      authorityHost: authority.url,
      tenantId: TENANT,
      audiences: [CLIENT_ID],
      allowedTenantIds: [TENANT],
      keys,
    }),
    idTokens: new IdTokenVerifier({ tenantId: TENANT, clientId: CLIENT_ID, authorityHost: authority.url }, keys),
  };
}

describe('OpenIdKeys: the authority metadata and keys, once', () => {
  it('one metadata fetch and one key set fetch for 40 verifications by both verifiers, concurrent or not', async () => {
    const keys = new OpenIdKeys({ authorityHost: authority.url, tenantId: TENANT });
    const { sso, idTokens } = verifiers(keys);
    const key = published[0] as Key;
    const first = await Promise.all([
      ...Array.from({ length: 10 }, async () => sso.verify(await token(key, {}))),
      ...Array.from({ length: 10 }, async () => idTokens.verify(await token(key, { nonce: 'n1' }), 'n1')),
    ]);
    for (let i = 0; i < 10; i++) {
      await sso.verify(await token(key, {}));
      await idTokens.verify(await token(key, { nonce: 'n2' }), 'n2');
    }
    console.log(`openid keys: 40 verifications, ${hits.metadata} metadata fetch(es), ${hits.jwks} key set fetch(es)`);
    expect(first.every((u) => u.oid === USER)).toBe(true);
    expect(hits).toEqual({ metadata: 1, jwks: 1 });
  });

  it('a token signed with a key published since (rollover) makes the key set be fetched again, not the metadata', async () => {
    const keys = new OpenIdKeys({ authorityHost: authority.url, tenantId: TENANT, cooldownMs: 0 });
    const { sso } = verifiers(keys);
    await sso.verify(await token(published[0] as Key, {}));
    const rolled = await newKey();
    published.push(rolled);
    const user = await sso.verify(await token(rolled, {}));
    expect(user.oid).toBe(USER);
    expect(hits).toEqual({ metadata: 1, jwks: 2 });
  });

  it('forged kids within the cooldown are refused without a request to the authority', async () => {
    const keys = new OpenIdKeys({ authorityHost: authority.url, tenantId: TENANT });
    const { sso } = verifiers(keys);
    await sso.verify(await token(published[0] as Key, {}));
    // One key of the attacker's, under 20 made-up kids.
    const attacker = await newKey();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const forged = await token({ ...attacker, kid: randomUUID() }, {});
        return (await sso.verify(forged).catch((e: unknown) => e)) as SsoTokenRejected;
      }),
    );
    expect(outcomes.map((e) => e.reason)).toEqual(Array(20).fill('badSignature'));
    expect(hits).toEqual({ metadata: 1, jwks: 1 });
  });

  it('a failed metadata fetch is not kept: the next verification fetches again and succeeds', async () => {
    const keys = new OpenIdKeys({ authorityHost: authority.url, tenantId: TENANT });
    metadataStatus = 503;
    await expect(keys.keySet()).rejects.toBeInstanceOf(OpenIdMetadataUnavailable);
    const { sso, idTokens } = verifiers(keys);
    expect(
      ((await sso.verify(await token(published[0] as Key, {})).catch((e: unknown) => e)) as SsoTokenRejected).reason,
    ).toBe('keysUnavailable');
    await expect(idTokens.verify(await token(published[0] as Key, { nonce: 'n' }), 'n')).rejects.toThrow(
      /OpenID metadata could not be read \(HTTP 503\)/,
    );
    metadataStatus = 200;
    expect((await sso.verify(await token(published[0] as Key, {}))).oid).toBe(USER);
    expect(hits.metadata).toBe(4);
  });
});
