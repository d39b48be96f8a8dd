import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { type ArmError, armErrors } from './errors';

/**
 * ARM's audiences: the resource URI the field guide names (ARM-PIM.md §2) with and without the trailing
 * slash, and the classic management.core.windows.net one tokens from older clients carry (FIDELITY.md).
 */
export const ARM_AUDIENCES = [
  'https://management.azure.com/',
  'https://management.azure.com',
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
];

export type ArmTrust = { issuer: string; jwks: JSONWebKeySet } | { issuer: string; jwksUri: string };

export interface ArmCaller {
  kind: 'user' | 'app';
  objectId: string;
  tenantId: string;
  scopes: readonly string[];
  amr: readonly string[];
  acrs: readonly string[];
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return [];
}

/** RS256 from the trusted issuer (the local Entra authority), an ARM audience, this tenant, not expired (real time). */
export function createArmTokenVerifier(
  trust: ArmTrust,
  tenantId: () => string,
): (authorization: string | undefined) => Promise<ArmCaller> {
  const keys: JWTVerifyGetKey =
    'jwks' in trust ? createLocalJWKSet(trust.jwks) : createRemoteJWKSet(new URL(trust.jwksUri));
  return async (authorization) => {
    if (!authorization) throw armErrors.missingToken();
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    if (token?.split('.').length !== 3) {
      throw armErrors.invalidToken("The access token is invalid. The 'Authorization' header must be 'Bearer <token>'.");
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: trust.issuer,
        audience: ARM_AUDIENCES,
        algorithms: ['RS256'],
        clockTolerance: 300,
      }));
    } catch (err) {
      throw translate(err);
    }
    const tid = typeof payload.tid === 'string' ? payload.tid : '';
    if (tid.toLowerCase() !== tenantId().toLowerCase()) {
      throw armErrors.invalidToken(
        `The access token is from the wrong issuer '${trust.issuer}'. It must match the tenant associated with this subscription.`,
      );
    }
    const oid = typeof payload.oid === 'string' ? payload.oid : undefined;
    if (!oid) throw armErrors.invalidToken('The access token has no object id.');
    const scp = typeof payload.scp === 'string' ? payload.scp : undefined;
    const kind = payload.idtyp === 'app' || (payload.idtyp !== 'user' && scp === undefined) ? 'app' : 'user';
    return {
      kind,
      objectId: oid,
      tenantId: tid,
      scopes: strings(scp),
      amr: strings(payload.amr),
      acrs: strings(payload.acrs),
    };
  };
}

function translate(err: unknown): ArmError {
  if (err instanceof errors.JWTExpired) return armErrors.expiredToken();
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') return armErrors.wrongAudience();
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'iss') {
    return armErrors.invalidToken('The access token is from the wrong issuer.');
  }
  return armErrors.invalidToken('The access token signature is invalid.');
}
