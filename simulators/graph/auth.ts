import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { graphErrors } from './errors';

/** The two audiences Graph accepts: its App ID URI and its application id. */
export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];

export type TrustConfig = { issuer: string; jwks: JSONWebKeySet } | { issuer: string; jwksUri: string };

/** Who is calling, as read from a verified access token. */
export interface Caller {
  kind: 'user' | 'app';
  /** `oid`: the signed-in user (delegated) or the client's service principal (app-only). */
  objectId: string;
  appId: string | null;
  tenantId: string;
  /** Delegated `scp` (space separated) or app-only `roles`. */
  permissions: ReadonlySet<string>;
  amr: readonly string[];
  acrs: readonly string[];
  /** `xms_cc` client capabilities, e.g. ['cp1']. */
  clientCapabilities: readonly string[];
  /** `iat`, epoch seconds: CAE refuses tokens issued before a revocation. */
  issuedAt: number | null;
}

function stringArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return [];
}

function claimString(payload: JWTPayload, name: string): string | undefined {
  const v = payload[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Verifies Graph access tokens: RS256 from the trusted issuer, Graph audience, this tenant, not expired
 * against REAL time (tokens are real-world objects; the simulated clock moves only PIM state).
 */
export function createTokenVerifier(
  trust: TrustConfig,
  tenantId: () => string,
): (authorization: string | undefined) => Promise<Caller> {
  const keys: JWTVerifyGetKey =
    'jwks' in trust ? createLocalJWKSet(trust.jwks) : createRemoteJWKSet(new URL(trust.jwksUri));

  return async (authorization) => {
    const match = /^Bearer\s+(.*)$/i.exec(authorization ?? '');
    const token = match?.[1]?.trim();
    if (!token) throw graphErrors.invalidToken('Access token is empty.');
    if (token.split('.').length !== 3) {
      throw graphErrors.invalidToken('CompactToken parsing failed with error code: 80049217');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: trust.issuer,
        audience: GRAPH_AUDIENCES,
        algorithms: ['RS256'],
        clockTolerance: 300,
      }));
    } catch (err) {
      throw translateJoseError(err);
    }
    if (claimString(payload, 'tid')?.toLowerCase() !== tenantId().toLowerCase()) {
      throw graphErrors.invalidToken('Access token validation failure. Invalid issuer.');
    }
    const oid = claimString(payload, 'oid');
    if (!oid) throw graphErrors.invalidToken('Access token validation failure.');
    const scp = claimString(payload, 'scp');
    const idtyp = claimString(payload, 'idtyp');
    const kind: Caller['kind'] = idtyp === 'app' || (idtyp !== 'user' && scp === undefined) ? 'app' : 'user';
    return {
      kind,
      objectId: oid,
      appId: claimString(payload, 'appid') ?? claimString(payload, 'azp') ?? null,
      tenantId: claimString(payload, 'tid') ?? '',
      permissions: new Set(kind === 'user' ? stringArray(scp) : stringArray(payload.roles)),
      amr: stringArray(payload.amr),
      acrs: stringArray(payload.acrs),
      clientCapabilities: stringArray(payload.xms_cc),
      issuedAt: typeof payload.iat === 'number' ? payload.iat : null,
    };
  };
}

function translateJoseError(err: unknown): Error {
  if (err instanceof errors.JWTExpired) {
    return graphErrors.invalidToken('Lifetime validation failed, the token is expired.');
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return graphErrors.invalidToken('Access token validation failure. Invalid audience.');
    if (err.claim === 'iss') return graphErrors.invalidToken('Access token validation failure. Invalid issuer.');
    if (err.claim === 'nbf') return graphErrors.invalidToken('Lifetime validation failed, the token is not yet valid.');
    return graphErrors.invalidToken('Access token validation failure.');
  }
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JOSEAlgNotAllowed ||
    err instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return graphErrors.invalidToken('Signature validation failed. The token signature could not be verified.');
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return graphErrors.invalidToken('CompactToken parsing failed with error code: 80049217');
  }
  return graphErrors.invalidToken('Access token validation failure.');
}
