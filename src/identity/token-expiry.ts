/**
 * When a JWT says it expires (its `exp` claim), read without verifying it: only to know how long a
 * token-derived object may be reused. Never for a security decision. Undefined when it is not a JWT.
 */
export function tokenExpiry(token: string): Date | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** How long to reuse something made from `token`: until `marginMs` before it expires (0 if already). */
export function reuseFor(token: string, marginMs: number, now: number = Date.now()): number {
  const expiry = tokenExpiry(token);
  return expiry ? Math.max(0, expiry.getTime() - marginMs - now) : 0;
}
