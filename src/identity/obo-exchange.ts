import type { AccessToken } from '@azure/identity';
import type { AuthenticationResult, ConfidentialClientApplication } from '@azure/msal-node';
import type { EntraAppConfig } from '../config';
import { confidentialClient } from './confidential-client';
import { type CacheStats, GraphTokenCache } from './graph-token-cache';
import { aadstsCodes, classifyOboRefusal, type OboRefusal, type TokenEndpointRefusal } from './obo-refusal';
import { tokenExpiry } from './token-expiry';

export interface OboExchangeOptions {
  entra: EntraAppConfig;
  now: () => number;
  /** Graph tokens kept (one per live user token): default 5,000 and 16 MiB, whichever is reached first. */
  maxTokens?: number;
  maxTokenBytes?: number;
  /**
   * The authority's OpenID metadata document, when the process reads it anyway (OpenIdKeys, for the SSO tokens):
   * the confidential client is built with it and asks the authority nothing but tokens. Undefined or a failure: MSAL
   * fetches it itself, once.
   */
  authorityMetadata?: () => Promise<string | undefined>;
}

type ExchangeClient = Pick<ConfidentialClientApplication, 'acquireTokenOnBehalfOf' | 'clearCache'>;

export interface ExchangeRequest {
  /** The user token's hash (PimSessions' key): what the cache is keyed by, never the token itself. */
  key: string;
  /** The user token (Teams SSO) to exchange. */
  assertion: string;
  scopes: string[];
  /** A claims challenge to satisfy (PIM's step-up, a CAE challenge): always a new exchange. */
  claims?: string;
  /** Keep a token obtained with claims for the next requests (the session's CAE refresh); never PIM's step-up one. */
  keepClaimsToken?: boolean;
  /** Told why Entra refused the exchange (./obo-refusal), before the request fails. */
  onRefused?: (refusal: OboRefusal) => void;
}

/** What the exchange did since the process started, and its token cache. Counts only. */
export interface OboExchangeStats {
  /** Requests to the token endpoint (each one authority request). */
  exchanges: number;
  /** Requests answered by a concurrent request's exchange. */
  joined: number;
  refusals: number;
  tokens: CacheStats;
}

/** A Graph token is used until this long before it expires (MSAL's own renewal offset). */
const TOKEN_RENEWAL_MS = 5 * 60_000;
/** ... and no longer than this before the user token it came from expires (the user's session is judged on it). */
const ASSERTION_MARGIN_MS = 2 * 60_000;

/**
 * The on-behalf-of exchange of every user's token for Graph, with one MSAL confidential client for the app
 * (./confidential-client) instead of one @azure/identity credential, MSAL application and authority metadata per
 * user token. Entra: "the middle tier … caches the token", keyed by the incoming assertion
 * (learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow).
 *
 * - The Graph tokens are kept here (GraphTokenCache: by the hash of the user token, bounded in entries and bytes),
 *   each until 5 minutes before it expires: a user's next turns make no authority request. MSAL's own cache is not
 *   used (skipCache) and emptied after each exchange: it keeps a refresh token, an id token and an account per
 *   exchange, without a bound.
 * - Concurrent requests for the same user token and scopes share one exchange (a turn reads eligibility, policies
 *   and active roles in parallel).
 * - A refusal is read from MSAL's error (Entra's error, suberror, claims and codes; ./obo-refusal) and told to the
 *   caller, then the request fails as @azure/identity's did (AuthenticationRequiredError when Entra wants the user,
 *   AuthenticationError otherwise), so the Graph transport reports it as before.
 */
export class OboTokenExchange {
  private client: Promise<ExchangeClient> | undefined;
  private readonly tokens: GraphTokenCache;
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  private exchanges = 0;
  private joined = 0;
  private refusals = 0;

  constructor(private readonly options: OboExchangeOptions) {
    this.tokens = new GraphTokenCache({
      maxEntries: options.maxTokens ?? 5_000,
      maxBytes: options.maxTokenBytes ?? 16 * 1_048_576,
      now: options.now,
    });
  }

  /** A Graph token for the user token: the kept one until it nears expiry, else a new exchange. */
  async token(request: ExchangeRequest): Promise<AccessToken> {
    const cacheKey = `${request.key} ${[...request.scopes].sort().join(' ')}`;
    if (request.claims) {
      const token = await this.exchange(request);
      if (request.keepClaimsToken) this.keep(cacheKey, request.assertion, token);
      return token;
    }
    const kept = this.tokens.get(cacheKey);
    if (kept) return kept;
    const pending = this.inFlight.get(cacheKey);
    if (pending) {
      this.joined++;
      return pending;
    }
    const flight = this.exchange(request)
      .then((token) => {
        this.keep(cacheKey, request.assertion, token);
        return token;
      })
      .finally(() => this.inFlight.delete(cacheKey));
    this.inFlight.set(cacheKey, flight);
    return flight;
  }

  /** A token obtained elsewhere (the step-up sign-in) serves this user token until `until`. */
  adopt(key: string, scopes: string[], token: AccessToken, until: number): void {
    this.tokens.set(`${key} ${[...scopes].sort().join(' ')}`, token, until);
  }

  /** Forgets the tokens kept for this user token (its grant ended). */
  forget(key: string, scopes: string[]): void {
    this.tokens.delete(`${key} ${[...scopes].sort().join(' ')}`);
  }

  stats(): OboExchangeStats {
    return { exchanges: this.exchanges, joined: this.joined, refusals: this.refusals, tokens: this.tokens.stats() };
  }

  private keep(cacheKey: string, assertion: string, token: AccessToken): void {
    // MSAL times the token on the wall clock (expires_in from now); the cache runs on the app's clock, which tests
    // move: the token's remaining lifetime carries over. The user token's exp is the authority's time.
    const now = this.options.now();
    const fromWall = (at: number) => now + (at - Date.now());
    const assertionExpiry = tokenExpiry(assertion)?.getTime() ?? 0;
    const renewAt = Math.min(
      fromWall(token.expiresOnTimestamp) - TOKEN_RENEWAL_MS,
      token.refreshAfterTimestamp !== undefined ? fromWall(token.refreshAfterTimestamp) : Number.POSITIVE_INFINITY,
      assertionExpiry - ASSERTION_MARGIN_MS,
    );
    this.tokens.set(cacheKey, token, renewAt);
  }

  /** The one client, built at the first exchange (concurrent first exchanges share it). */
  private async createClient(): Promise<ExchangeClient> {
    const metadata = await this.options.authorityMetadata?.().catch(() => undefined);
    return confidentialClient(this.options.entra, metadata);
  }

  private async exchange(request: ExchangeRequest): Promise<AccessToken> {
    this.client ??= this.createClient();
    const client = await this.client;
    this.exchanges++;
    let result: AuthenticationResult | null;
    try {
      result = await client.acquireTokenOnBehalfOf({
        oboAssertion: request.assertion,
        scopes: request.scopes,
        ...(request.claims ? { claims: request.claims } : {}),
        skipCache: true,
      });
    } catch (err) {
      const refusal = classifyOboRefusal(err, refusalOf(err), !!request.claims);
      if (refusal) {
        this.refusals++;
        request.onRefused?.(refusal);
      }
      throw exchangeFailure(err);
    } finally {
      // MSAL stored the answer (access, refresh and id token, account): this cache is the one that counts.
      client.clearCache();
    }
    if (!result?.accessToken || !result.expiresOn) {
      throw exchangeFailure(new Error('Entra answered the on-behalf-of exchange without an access token.'));
    }
    return {
      token: result.accessToken,
      expiresOnTimestamp: result.expiresOn.getTime(),
      ...(result.refreshOn ? { refreshAfterTimestamp: result.refreshOn.getTime() } : {}),
    };
  }
}

/** Entra's answer as MSAL's error carries it (ServerError, InteractionRequiredAuthError); undefined for others. */
function refusalOf(err: unknown): TokenEndpointRefusal | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { errorCode?: unknown; subError?: unknown; claims?: unknown; errorNo?: unknown };
  if (typeof e.errorCode !== 'string' || !e.errorCode) return undefined;
  const first = Number(e.errorNo);
  const codes = [...new Set([...(Number.isInteger(first) && first > 0 ? [first] : []), ...aadstsCodes(err)])];
  const nonEmpty = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { error: e.errorCode, suberror: nonEmpty(e.subError), claims: nonEmpty(e.claims), codes };
}

/**
 * The failure a token request reports, named as @azure/identity named it: the Graph transport (../pim/graph-transport)
 * reads an AuthenticationRequiredError or AuthenticationError as the user's sign-in failing (401), anything else as
 * the network (503). The message is MSAL's: Entra's error and description (AADSTS codes), never a token.
 */
function exchangeFailure(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  const failure = new Error(message, { cause: err });
  const name = err instanceof Error ? err.name : '';
  const code = (err as { errorCode?: unknown }).errorCode;
  if (name === 'InteractionRequiredAuthError') failure.name = 'AuthenticationRequiredError';
  else if (name === 'ServerError' || (typeof code === 'string' && code !== 'network_error' && code !== ''))
    failure.name = 'AuthenticationError';
  else failure.name = 'NetworkError';
  return failure;
}
