import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** Thrown when Graph's claims challenge cannot be met without the user: the message carries the claims. */
export const INSUFFICIENT_CLAIMS = 'InsufficientClaimsError';

/**
 * The claims of a continuous-access-evaluation challenge: a 401 whose WWW-Authenticate says
 * error="insufficient_claims" and carries claims="<base64 JSON>" (Entra docs
 * identity-platform/claims-challenge; simulators/graph/FIDELITY.md). Null for any other answer.
 */
export function caeChallengeClaims(response: Response | undefined): string | null {
  if (response?.status !== 401) return null;
  const header = response.headers.get('WWW-Authenticate') ?? '';
  if (!/error="insufficient_claims"/i.test(header)) return null;
  const encoded = /claims="([^"]+)"/i.exec(header)?.[1];
  if (!encoded) return null;
  try {
    const json = Buffer.from(encoded, 'base64').toString('utf8');
    JSON.parse(json);
    return json;
  } catch {
    return null;
  }
}

/**
 * Puts the credential's token on every call to the Graph host, and meets a CAE claims challenge: one new
 * token asked for with those claims (on-behalf-of with claims, CP1 declared) and one retry. When the
 * authority wants the user (interaction required), the call fails with INSUFFICIENT_CLAIMS and the claims,
 * which the PIM error turns into the step-up sign-in.
 */
export class ClaimsChallengeAuthMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scopes: string[],
    /** Tokens go to this host only (Graph, or the simulator). */
    private readonly graphHost: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('Graph middleware chain is missing its HTTP handler.');
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (new URL(url).hostname !== this.graphHost) return this.next.execute(context);

    this.authorize(context, await this.token());
    await this.next.execute(context);
    const claims = caeChallengeClaims(context.response);
    if (!claims || (context.options?.body !== undefined && typeof context.options.body !== 'string')) return;

    let fresh: AccessToken;
    try {
      fresh = await this.token(claims);
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      const failure = new Error(`claims=${claims} Microsoft Graph needs a new sign-in: ${cause}`);
      failure.name = INSUFFICIENT_CLAIMS;
      throw failure;
    }
    await context.response?.body?.cancel().catch(() => undefined);
    this.authorize(context, fresh);
    await this.next.execute(context);
  }

  private async token(claims?: string): Promise<AccessToken> {
    const token = await this.credential.getToken(this.scopes, claims ? { claims, enableCae: true } : undefined);
    if (!token) throw new Error('The credential returned no access token for Microsoft Graph.');
    return token;
  }

  private authorize(context: Context, token: AccessToken): void {
    const headers = new Headers((context.options?.headers as ConstructorParameters<typeof Headers>[0]) ?? undefined);
    headers.set('Authorization', `Bearer ${token.token}`);
    context.options = { ...context.options, headers };
  }
}
