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

/**
 * A token signing key (the authority's; also the Bot Framework stand-ins'): generated at start, published as a JWKS
 * with any extra members (e.g. the Bot Connector's `endorsements`), never persisted.
 */
export interface SigningKeys {
  readonly kid: string;
  jwks(): JSONWebKeySet;
  sign(payload: JWTPayload): Promise<string>;
  /** Checks the signature (against these keys only) and exp/nbf at `now`; claims are the caller's business. */
  verify(token: string, now: Date): Promise<JWTVerifyResult>;
}

export async function createSigningKeys(extra: Record<string, unknown> = {}): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  const publicJwk: JWK = { kty: exported.kty, use: 'sig', kid, alg: 'RS256', n: exported.n, e: exported.e };
  const keySet = createLocalJWKSet({ keys: [publicJwk] });

  return {
    kid,
    jwks: () => ({ keys: [{ ...publicJwk, ...extra }] }),
    sign: (payload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(privateKey),
    verify: (token, now) => jwtVerify(token, keySet, { algorithms: ['RS256'], currentDate: now, clockTolerance: 0 }),
  };
}
