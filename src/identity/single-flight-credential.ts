import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * Concurrent token requests for the same scopes share one: a turn reads eligibility, policies and
 * active roles in parallel, and MSAL would run an on-behalf-of exchange for each of them while its
 * cache is still empty. Requests with claims (step-up) or other options go straight through.
 */
export class SingleFlightCredential implements TokenCredential {
  private readonly inFlight = new Map<string, Promise<AccessToken | null>>();

  constructor(private readonly inner: TokenCredential) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (options?.claims || options?.enableCae || options?.tenantId) return this.inner.getToken(scopes, options);
    const key = (Array.isArray(scopes) ? [...scopes].sort() : [scopes]).join(' ');
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const request = this.inner.getToken(scopes, options).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }
}
