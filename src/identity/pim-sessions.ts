import { createHash } from 'node:crypto';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { type EntraAppConfig, PUBLIC_CLOUD } from '../config';
import type { GraphCallObserver, RetryPolicy } from '../pim/graph-middleware';
import { GraphTransport } from '../pim/graph-transport';
import { PimClient } from '../pim/pim-client';
import { TtlCache } from '../shared/ttl-cache';
import { AccessTokenCredential } from './claims-credential';
import type { CacheStats } from './graph-token-cache';
import { type ExchangeRequest, type OboExchangeStats, OboTokenExchange } from './obo-exchange';
import { classifyOboRefusal, type OboRefusal } from './obo-refusal';
import { reuseFor } from './token-expiry';

export interface PimSessionsOptions {
  entra: EntraAppConfig;
  graphBaseUrl: string;
  observer?: GraphCallObserver;
  retry?: RetryPolicy;
  /** The app's clock (tests run the simulated tenant's): token lifetimes are judged on it. */
  now?: () => Date;
  /** The exchange (default: one for `entra`, with this clock): tests pass one with smaller bounds. */
  exchange?: OboTokenExchange;
  /** The authority's OpenID metadata document the process reads anyway (OpenIdKeys): see OboTokenExchange. */
  authorityMetadata?: () => Promise<string | undefined>;
}

/** What PimSessions keeps, for the bench and diagnostics (counts and sizes, never a token or key). */
export interface PimSessionsStats {
  exchange: OboExchangeStats;
  refusals: Pick<CacheStats, 'entries' | 'maxEntries'>;
}

/** Refusals remembered (one per user token Entra refused, in memory); the oldest go first. */
const MAX_REFUSALS = 1_000;
/** A step-up token is dropped this long before it expires. */
const EXPIRY_MARGIN_MS = 2 * 60_000;
/** The scope every Graph call asks for (GraphTransport): the session check asks for the same, so MSAL's cache serves both. */
const GRAPH_SCOPE = PUBLIC_CLOUD.graphScope;
/** How long a refusal other than an ended grant is remembered for the failure that follows it in the same turn. */
const REFUSAL_MEMORY_MS = 5 * 60_000;

/** What the session check found: the session holds, or why Entra refused it (./obo-refusal). */
export type SessionCheck = { kind: 'ok' } | OboRefusal;

/**
 * Builds the PIM client of a user from their token for the bot (Teams SSO or the dev identity),
 * exchanged on-behalf-of for Graph (./obo-exchange: one confidential client for the app, the Graph token kept by the
 * hash of the user token in this process's memory, never in state, never logged, until it nears expiry), so a
 * user's next turns make no on-behalf-of exchange. Teams hands the bot the same SSO token until then.
 *
 * Entra may refuse the exchange (./obo-refusal), on the first exchange or on the claims refresh Graph's CAE challenge
 * asks for:
 * - the grant ended (sessions revoked, sign-in frequency, inactivity): the credential is dropped at once and the token
 *   remembered as ended while it lives, so no turn uses it again and the caller can ask the user to sign in;
 * - Conditional Access wants the user at a sign-in page: the caller runs the step-up sign-in with the claims, and the
 *   Graph token it brings back serves this user token (adoptStepUp) until it nears expiry;
 * - admin consent is missing: the caller says so.
 */
export class PimSessions {
  private readonly exchange: OboTokenExchange;
  /** Why Entra refused a user token (by hash), until it would have expired anyway (ended) or for a while (others). */
  private readonly refusals: TtlCache<OboRefusal>;
  private readonly now: () => Date;

  constructor(private readonly options: PimSessionsOptions) {
    this.now = options.now ?? (() => new Date());
    const clock = () => this.now().getTime();
    this.exchange =
      options.exchange ??
      new OboTokenExchange({ entra: options.entra, now: clock, authorityMetadata: options.authorityMetadata });
    this.refusals = new TtlCache<OboRefusal>(60 * 60_000, MAX_REFUSALS, clock);
  }

  /** Whether Entra refused this user token as a grant (in this process): the user must sign in again. */
  hasEnded(assertion: string): boolean {
    return this.refusals.get(keyOf(assertion))?.kind === 'ended';
  }

  /** The last refusal of this user token seen in this process (ended, Conditional Access, consent), if any. */
  refusalOf(assertion: string): OboRefusal | undefined {
    return this.refusals.get(keyOf(assertion));
  }

  /**
   * Whether the session on this token holds, before a turn acts on it: the on-behalf-of exchange the first Graph
   * call would make anyway (its Graph token is kept for the calls that follow; a kept token answers from memory).
   * A refusal says why; any other failure is left to the Graph call, which reports it as before.
   */
  async check(assertion: string): Promise<SessionCheck> {
    const known = this.refusalOf(assertion);
    if (known?.kind === 'ended') return known;
    // Each check judges Entra's answer of now: a Conditional Access or consent refusal may have been fixed since.
    this.refusals.delete(keyOf(assertion));
    try {
      await this.credentialFor(assertion).getToken([GRAPH_SCOPE]);
      return { kind: 'ok' };
    } catch (err) {
      return this.refusalOf(assertion) ?? classifyOboRefusal(err, undefined, false) ?? { kind: 'ok' };
    }
  }

  /** False only when Entra refused this token as a grant (the user must sign in again); see check. */
  async confirm(assertion: string): Promise<boolean> {
    return (await this.check(assertion)).kind !== 'ended';
  }

  /**
   * A Graph token from the step-up sign-in that met a Conditional Access challenge on the exchange of this user
   * token: it serves this token's turns (memory of this process only) until two minutes before it expires.
   */
  adoptStepUp(assertion: string, token: AccessToken): void {
    const key = keyOf(assertion);
    const until = token.expiresOnTimestamp - EXPIRY_MARGIN_MS;
    if (until <= this.now().getTime()) return;
    this.refusals.delete(key);
    this.exchange.adopt(key, [GRAPH_SCOPE], token, until);
  }

  /**
   * The user's PimClient on their token. With `claims` (PIM asked for MFA or an authentication context),
   * a fresh exchange asks Entra for a token meeting them, never the kept one (nor is its token kept).
   */
  forAssertion(assertion: string, principalId: string | undefined, claims?: string): PimClient {
    const credential = claims
      ? new ExchangeCredential(this.exchange, { key: keyOf(assertion), assertion, claims })
      : this.credentialFor(assertion);
    return this.client(credential, principalId);
  }

  /** A client on a Graph token obtained by the interactive step-up sign-in. */
  forAccessToken(token: AccessToken, principalId: string): PimClient {
    return this.client(new AccessTokenCredential(token), principalId);
  }

  stats(): PimSessionsStats {
    return { exchange: this.exchange.stats(), refusals: { entries: this.refusals.size, maxEntries: MAX_REFUSALS } };
  }

  /**
   * The session's credential (what the user's Graph transport is given): the kept Graph token or one exchange, CP1
   * declared (the CAE claims refresh Graph's challenge asks for keeps its new token), and Entra's refusals remembered.
   * Refusals are watched on the plain exchange and the CAE claims refresh alike.
   */
  credentialFor(assertion: string): TokenCredential {
    const key = keyOf(assertion);
    return new ExchangeCredential(this.exchange, {
      key,
      assertion,
      keepClaimsToken: true,
      onRefused: (refusal) => {
        if (refusal.kind === 'ended') {
          this.exchange.forget(key, [GRAPH_SCOPE]);
          const ttl = reuseFor(assertion, EXPIRY_MARGIN_MS, this.now().getTime());
          this.refusals.set(key, refusal, Math.max(ttl, 60_000));
        } else {
          this.refusals.set(key, refusal, REFUSAL_MEMORY_MS);
        }
      },
    });
  }

  private client(credential: TokenCredential, principalId?: string): PimClient {
    return new PimClient(
      new GraphTransport({
        credential,
        graphBaseUrl: this.options.graphBaseUrl,
        observer: this.options.observer,
        retry: this.options.retry,
      }),
      principalId,
    );
  }
}

/** Caches are keyed by a hash: their keys are not the tokens themselves. */
function keyOf(assertion: string): string {
  return createHash('sha256').update(assertion).digest('base64url');
}

/**
 * A TokenCredential over the shared exchange for one user token: what the Graph transport asks for a token. Made per
 * turn (a few fields); the state that lasts (the Graph token, refusals) lives in the exchange and PimSessions.
 * Claims asked by the transport (a CAE challenge) or fixed here (PIM's step-up) make a new exchange.
 */
class ExchangeCredential implements TokenCredential {
  constructor(
    private readonly exchange: OboTokenExchange,
    private readonly request: Omit<ExchangeRequest, 'scopes'>,
  ) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const claims = this.request.claims ?? options?.claims;
    return this.exchange.token({
      ...this.request,
      scopes: Array.isArray(scopes) ? scopes : [scopes],
      ...(claims ? { claims } : {}),
    });
  }
}
