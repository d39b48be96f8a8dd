import fc from 'fast-check';
import { exportSPKI, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';

/**
 * The forged Bot Connector tokens of the inbound-auth suites, one defect each, shared by the playground-issuer
 * run (test/abuse/inbound-auth.test.ts) and the production-stack run (test/production/forged-channel-tokens.test.ts)
 * so both judge the same list. Varied by fast-check with a fixed seed: the same 1,175 every run.
 */

/** `iss` of the Bot Connector's tokens (AuthenticationConstants.ToBotFromChannelTokenIssuer). */
export const CHANNEL_ISSUER = 'https://api.botframework.com';

export interface ForgedTokenAttempt {
  category: string;
  /** The whole Authorization header value. */
  authorization: string;
}

export interface TrustedChannelKey {
  /** The kid the bot finds in the Bot Connector's JWKS. */
  kid: string;
  /** Signs `claims` (iat and exp included) with the trusted key under `kid`, RS256. */
  sign(claims: JWTPayload): Promise<string>;
  /** The trusted key's public half, PEM (the HS256 algorithm-confusion cases key their HMAC with it). */
  publicPem: string;
}

export interface ForgedTokenContext {
  trusted: TrustedChannelKey;
  botAppId: string;
  tenantId: string;
  /** The serviceUrl the activities name (the `serviceurl` claim of a good token). */
  serviceUrl: string;
}

/** The claims of a Bot Connector token for this bot and this serviceUrl. */
export function channelClaims(ctx: ForgedTokenContext, extra: JWTPayload = {}): JWTPayload {
  return { iss: CHANNEL_ISSUER, aud: ctx.botAppId, serviceurl: ctx.serviceUrl, ...extra };
}

/** A token the bot must accept: the trusted key, the right claims, valid for ten minutes. */
export async function validChannelToken(ctx: ForgedTokenContext): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return ctx.trusted.sign({ ...channelClaims(ctx), iat: now, exp: now + 600 });
}

export async function forgedChannelTokens(ctx: ForgedTokenContext): Promise<ForgedTokenAttempt[]> {
  const { botAppId: BOT_APP_ID, tenantId: TENANT_ID } = ctx;
  const kidOfTrusted = ctx.trusted.kid;
  const now = Math.floor(Date.now() / 1000);
  const in10m = now + 600;
  const seed = 20240611;
  const sample = <T>(arb: fc.Arbitrary<T>, n: number) => fc.sample(arb, { numRuns: n, seed });
  const attacker = await generateKeyPair('RS256', { extractable: true });
  const attempts: ForgedTokenAttempt[] = [];
  const add = (category: string, token: string) => attempts.push({ category, authorization: `Bearer ${token}` });
  const claims = (extra: JWTPayload = {}) => channelClaims(ctx, extra);
  const forge = (c: JWTPayload, kid: string | undefined, exp: number) => {
    const header = kid === undefined ? { alg: 'RS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid };
    return new SignJWT(c).setProtectedHeader(header).setIssuedAt(now).setExpirationTime(exp).sign(attacker.privateKey);
  };
  const trusted = (c: JWTPayload, exp: number) => ctx.trusted.sign({ ...c, iat: now, exp });

  for (const extra of sample(fc.record({ name: fc.string(), tid: fc.uuid() }), 150))
    add('forged-signature', await forge(claims(extra), kidOfTrusted, in10m));
  for (const kid of sample(fc.string({ minLength: 1, maxLength: 40 }), 100))
    add('forged-unknown-kid', await forge(claims(), kid === kidOfTrusted ? `${kid}x` : kid, in10m));
  for (let i = 0; i < 50; i++) add('forged-no-kid', await forge(claims(), undefined, in10m));
  for (let i = 0; i < 75; i++)
    add('unsigned-alg-none', new UnsecuredJWT(claims()).setIssuedAt(now).setExpirationTime(in10m).encode());
  for (let i = 0; i < 75; i++) {
    // jose's UnsecuredJWT header has no kid: add the trusted one, so the library gets as far as verifying.
    const [, payload] = new UnsecuredJWT(claims()).setExpirationTime(in10m).encode().split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: kidOfTrusted })).toString('base64url');
    add('unsigned-alg-none-kid', `${header}.${payload}.`);
  }
  for (let i = 0; i < 50; i++) {
    const [header, payload] = (await trusted(claims({ jti: String(i) }), in10m)).split('.');
    add('stripped-signature', `${header}.${payload}.`);
  }
  // Expired beyond botbuilder's 5-minute clock tolerance: from 6 minutes to 30 days ago.
  for (const ago of sample(fc.integer({ min: 6 * 60, max: 30 * 86_400 }), 125))
    add('expired', await ctx.trusted.sign({ ...claims(), iat: now - ago - 3600, exp: now - ago }));
  for (const ahead of sample(fc.integer({ min: 6 * 60, max: 86_400 }), 50))
    add('not-yet-valid', await trusted(claims({ nbf: now + ahead }), now + 2 * 86_400));
  const audiences = fc.oneof(
    fc.uuid(),
    fc.constantFrom(`api://${BOT_APP_ID}`, BOT_APP_ID.toUpperCase(), `${BOT_APP_ID} `, 'https://graph.microsoft.com'),
    fc.array(fc.uuid(), { minLength: 1, maxLength: 3 }),
  );
  for (const aud of sample(audiences, 125)) add('wrong-audience', await trusted(claims({ aud }), in10m));
  const issuers = fc.oneof(
    fc.webUrl(),
    fc.constantFrom(
      `${CHANNEL_ISSUER}/`,
      'https://api.botframework.us',
      'http://api.botframework.com',
      `https://sts.windows.net/${TENANT_ID}/`,
      `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
      'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/',
    ),
  );
  for (const iss of sample(issuers, 125)) add('wrong-issuer', await trusted(claims({ iss }), in10m));
  for (const serviceurl of sample(fc.webUrl(), 50))
    add('wrong-serviceurl', await trusted(claims({ serviceurl }), in10m));
  for (let i = 0; i < 50; i++) {
    // Algorithm confusion: HMAC keyed with the Bot Framework's public key.
    const secret = new TextEncoder().encode(ctx.trusted.publicPem);
    add(
      'alg-confusion-hs256',
      await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', kid: kidOfTrusted })
        .setExpirationTime(in10m)
        .sign(secret),
    );
  }
  // Emulator/Entra-shaped: botbuilder's emulator path trusts the issuer of any tenant it is shown.
  for (const tid of sample(fc.uuid(), 100)) {
    const c = { iss: `https://sts.windows.net/${tid}/`, tid, ver: '1.0', appid: BOT_APP_ID, aud: BOT_APP_ID };
    add('emulator-shaped', await forge(c, kidOfTrusted, in10m));
  }
  const valid = await validChannelToken(ctx);
  const headers = fc.oneof(
    fc.constantFrom('Bearer', 'Bearer ', `bearer ${valid}`, `Bearer ${valid} x`, `Basic ${valid}`, `Bearer  ${valid}`),
    fc.string({ maxLength: 200 }).map((s) => `Bearer ${s}`),
    fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim().length > 0 && !/[\r\n\0]/.test(s)),
  );
  for (const header of sample(headers, 50)) {
    // fetch refuses header values with control characters or non-Latin-1 text: those never reach a server.
    if (/^[\x20-\x7e]*$/.test(header)) attempts.push({ category: 'malformed-header', authorization: header });
    else
      attempts.push({
        category: 'malformed-header',
        authorization: `Bearer ${Buffer.from(header).toString('base64')}`,
      });
  }
  return attempts;
}

/** A trusted key of the test's own, playing the Bot Framework's signing key (for a seeded metadata cache). */
export async function ownTrustedKey(kid: string) {
  const keys = await generateKeyPair('RS256', { extractable: true });
  const trusted: TrustedChannelKey = {
    kid,
    publicPem: await exportSPKI(keys.publicKey),
    sign: (c) => new SignJWT(c).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(keys.privateKey),
  };
  return { keys, trusted };
}

/** Distinct `tid` claims among the tokens (read without verifying, as botbuilder does). */
export function distinctTids(attempts: readonly ForgedTokenAttempt[]): number {
  const tids = new Set<string>();
  for (const { authorization } of attempts) {
    try {
      const payload = JSON.parse(Buffer.from(authorization.split('.')[1] ?? '', 'base64url').toString('utf8'));
      if (typeof payload?.tid === 'string') tids.add(payload.tid);
    } catch {
      // not a JWT
    }
  }
  return tids.size;
}
