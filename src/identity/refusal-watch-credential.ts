import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { classifyOboRefusal, type OboRefusal, type TokenEndpointRefusals } from './obo-refusal';

/**
 * An on-behalf-of credential that reports why Entra refused its user's token (./obo-refusal): the grant ended
 * (sessions revoked, sign-in frequency, inactivity), Conditional Access wants the user at a sign-in page, or admin
 * consent is missing. It watches the plain exchange and the claims refresh a CAE challenge makes (Graph's 401 after a
 * revocation) alike. The refusal still fails the token request; `onRefused` lets the owner act before anything else
 * uses the session.
 */
export class RefusalWatchCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly answers: TokenEndpointRefusals,
    private readonly onRefused: (refusal: OboRefusal) => void,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    try {
      return await this.inner.getToken(scopes, options);
    } catch (err) {
      const refusal = classifyOboRefusal(err, this.answers.take(), !!options?.claims);
      if (refusal) this.onRefused(refusal);
      throw err;
    }
  }
}
