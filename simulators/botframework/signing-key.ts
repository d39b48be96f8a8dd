import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyResult,
  jwtVerify,
  SignJWT,
} from 'jose';

/** One RS256 key, generated at start and never persisted; published with the given extra members (e.g. endorsements). */
export interface SigningKey {
  readonly kid: string;
  jwks(): JSONWebKeySet;
  sign(payload: JWTPayload): Promise<string>;
  /** Signature, algorithm and exp/nbf at `now`; the claims are the caller's business. */
  verify(token: string, now: Date): Promise<JWTVerifyResult>;
}

export async function createSigningKey(extra: Record<string, unknown> = {}): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  const publicJwk: JWK = { kty: exported.kty, use: 'sig', kid, n: exported.n, e: exported.e };
  const keySet = createLocalJWKSet({ keys: [publicJwk] });
  return {
    kid,
    jwks: () => ({ keys: [{ ...publicJwk, ...extra }] }),
    sign: (payload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey),
    verify: (token, now) => jwtVerify(token, keySet, { algorithms: ['RS256'], currentDate: now, clockTolerance: 0 }),
  };
}
