import { createHash } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { type EntraAppConfig, PUBLIC_CLOUD } from '../config';
import type { GraphCallObserver, RetryPolicy } from '../pim/graph-middleware';
import { GraphTransport } from '../pim/graph-transport';
import { PimClient } from '../pim/pim-client';
import { TtlCache } from '../shared/ttl-cache';
import { AccessTokenCredential, CaeCapableCredential, ClaimsChallengeCredential } from './claims-credential';
import { onBehalfOfCredential } from './graph-credentials';
import { classifyOboRefusal, type OboRefusal, TokenEndpointRefusals } from './obo-refusal';
import { RefusalWatchCredential } from './refusal-watch-credential';
import { SingleFlightCredential } from './single-flight-credential';
import { reuseFor } from './token-expiry';

export interface PimSessionsOptions {
  entra: EntraAppConfig;
  graphBaseUrl: string;
  observer?: GraphCallObserver;
  retry?: RetryPolicy;
  /** The app's clock (tests run the simulated tenant's): token lifetimes are judged on it. */
  now?: () => Date;
}

/** On-behalf-of credentials kept for reuse (one per user token, in memory); the oldest go first. */
const MAX_CACHED_CREDENTIALS = 1_000;
/** A credential is dropped this long before its user token expires (its Graph token would soon follow). */
const EXPIRY_MARGIN_MS = 2 * 60_000;
/** The scope every Graph call asks for (GraphTransport): the session check asks for the same, so MSAL's cache serves both. */
const GRAPH_SCOPE = PUBLIC_CLOUD.graphScope;
/** How long a refusal other than an ended grant is remembered for the failure that follows it in the same turn. */
const REFUSAL_MEMORY_MS = 5 * 60_000;

/** What the session check found: the session holds, or why Entra refused it (./obo-refusal). */
export type SessionCheck = { kind: 'ok' } | OboRefusal;

/**
 * Builds the PIM client of a user from their token for the bot (Teams SSO or the dev identity),
 * exchanged on-behalf-of for Graph. One credential per user token, kept in this process's memory (never
 * in state, never logged) while that token is valid: MSAL caches the Graph token inside it, so a user's
 * next turns make no on-behalf-of exchange until it nears expiry. Teams hands the bot the same SSO token
 * until then.
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
  private readonly credentials: TtlCache<TokenCredential>;
  /** Why Entra refused a user token (by hash), until it would have expired anyway (ended) or for a while (others). */
  private readonly refusals: TtlCache<OboRefusal>;
  private readonly now: () => Date;

  constructor(private readonly options: PimSessionsOptions) {
    this.now = options.now ?? (() => new Date());
    const clock = () => this.now().getTime();
    this.credentials = new TtlCache<TokenCredential>(60 * 60_000, MAX_CACHED_CREDENTIALS, clock);
    this.refusals = new TtlCache<OboRefusal>(60 * 60_000, MAX_CACHED_CREDENTIALS, clock);
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
   * call would make anyway (its Graph token is cached for the calls that follow; a cached session answers from
   * memory). A refusal says why; any other failure is left to the Graph call, which reports it as before.
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
    const ttl = token.expiresOnTimestamp - EXPIRY_MARGIN_MS - this.now().getTime();
    if (ttl <= 0) return;
    this.refusals.delete(key);
    this.credentials.set(key, new AccessTokenCredential(token), ttl);
  }

  /**
   * The user's PimClient on their token. With `claims` (PIM asked for MFA or an authentication context),
   * a fresh exchange asks Entra for a token meeting them, never the cached one.
   */
  forAssertion(assertion: string, principalId: string | undefined, claims?: string): PimClient {
    const credential = claims
      ? new ClaimsChallengeCredential(onBehalfOfCredential(this.options.entra, assertion), claims)
      : this.credentialFor(assertion);
    return this.client(credential, principalId);
  }

  /** A client on a Graph token obtained by the interactive step-up sign-in. */
  forAccessToken(token: AccessToken, principalId: string): PimClient {
    return this.client(new AccessTokenCredential(token), principalId);
  }

  private credentialFor(assertion: string): TokenCredential {
    const key = keyOf(assertion);
    const hit = this.credentials.get(key);
    if (hit) return hit;
    const ttl = reuseFor(assertion, EXPIRY_MARGIN_MS, this.now().getTime());
    const answers = new TokenEndpointRefusals();
    // CP1 inside the single flight: the cached token is the CAE one, and CAE challenges reach the transport.
    // The refusal watch sits next to Entra, so it sees the plain exchange and the CAE claims refresh alike.
    const credential = new SingleFlightCredential(
      new CaeCapableCredential(
        new RefusalWatchCredential(
          onBehalfOfCredential(this.options.entra, assertion, [answers.policy]),
          answers,
          (refusal) => {
            if (refusal.kind === 'ended') {
              this.credentials.delete(key);
              this.refusals.set(key, refusal, Math.max(ttl, 60_000));
            } else {
              this.refusals.set(key, refusal, REFUSAL_MEMORY_MS);
            }
          },
        ),
      ),
    );
    if (ttl > 0) this.credentials.set(key, credential, ttl);
    return credential;
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
