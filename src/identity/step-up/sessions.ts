import { createHash, randomBytes } from 'node:crypto';

/** Time source; the simulators' ManualClock fits, so tests move time instead of sleeping. */
export interface StepUpClock {
  now(): Date;
}

const systemClock: StepUpClock = { now: () => new Date() };

export const STEP_UP_SESSION_TTL_MS = 10 * 60 * 1000;
export const STEP_UP_MAX_SESSIONS = 1000;

/** The client capability MSAL declares for CAE (`clientCapabilities: ['CP1']`); PIM reportedly needs it with acrs. */
export const CLIENT_CAPABILITY_CP1 = 'cp1';

export interface StepUpBeginInput {
  /** The Teams user's Entra object id: the sign-in must come back as this user, or nothing resumes. */
  userAadObjectId: string;
  /** login_hint for the authority: the user's object id or UPN. */
  loginHint: string;
  /** The claims challenge PIM answered with (raw JSON; URL-encoded JSON is accepted too). */
  claims: string;
  /** Opaque to the step-up code: handed back to onSignedIn so the bot can continue the request. */
  resumeKey: string;
}

export interface StepUpSession {
  readonly state: string;
  readonly userAadObjectId: string;
  readonly loginHint: string;
  /** The challenge with client capability CP1 merged in (`xms_cc`): the authorize request's `claims`. */
  readonly claims: string;
  readonly resumeKey: string;
  /** PKCE (RFC 7636) verifier: stays on the server; only its S256 challenge goes to the browser. */
  readonly codeVerifier: string;
  readonly codeChallenge: string;
  readonly expiresAt: number;
}

export interface StepUpSessionsOptions {
  /** The bot's public https base URL (what the sign-in card links to), without a trailing slash. */
  publicBaseUrl: string;
  clock?: StepUpClock;
  /** Default 10 minutes. */
  ttlMs?: number;
  /** Pending sessions kept at most; beyond it the oldest is dropped. Default 1000. */
  maxSessions?: number;
}

/**
 * Pending step-up sign-ins, in memory, keyed by their `state` (32 random bytes, base64url). A session
 * lives 10 minutes and is used up by the callback, successful or not. It holds the PKCE verifier, so the
 * browser never sees it. In memory means the callback must reach the instance that began the sign-in.
 */
export class StepUpSessions {
  private readonly sessions = new Map<string, StepUpSession>();
  private readonly publicBaseUrl: string;
  private readonly clock: StepUpClock;
  private readonly ttlMs: number;
  private readonly maxSessions: number;

  constructor(options: StepUpSessionsOptions) {
    this.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.ttlMs ?? STEP_UP_SESSION_TTL_MS;
    this.maxSessions = options.maxSessions ?? STEP_UP_MAX_SESSIONS;
    if (!(this.ttlMs > 0)) throw new RangeError('ttlMs must be positive.');
    if (!(this.maxSessions >= 1)) throw new RangeError('maxSessions must be at least 1.');
  }

  /** Starts a sign-in: `startUrl` is what the sign-in card opens. */
  begin(input: StepUpBeginInput): { state: string; startUrl: string } {
    if (!input.userAadObjectId.trim()) throw new Error("A step-up sign-in needs the user's object id.");
    if (!input.loginHint.trim()) throw new Error('A step-up sign-in needs a login hint.');
    const claims = claimsWithClientCapabilities(input.claims);
    this.sweep();
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const state = randomBytes(32).toString('base64url');
    const codeVerifier = randomBytes(32).toString('base64url');
    this.sessions.set(state, {
      state,
      userAadObjectId: input.userAadObjectId,
      loginHint: input.loginHint,
      claims,
      resumeKey: input.resumeKey,
      codeVerifier,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      expiresAt: this.clock.now().getTime() + this.ttlMs,
    });
    return { state, startUrl: `${this.publicBaseUrl}/auth/start?state=${encodeURIComponent(state)}` };
  }

  /** The pending session for a state, without using it up (for /auth/start); undefined when unknown or expired. */
  peek(state: string | null | undefined): StepUpSession | undefined {
    if (!state) return undefined;
    const session = this.sessions.get(state);
    if (!session) return undefined;
    if (this.clock.now().getTime() >= session.expiresAt) {
      this.sessions.delete(state);
      return undefined;
    }
    return session;
  }

  /** Uses the session up (for /auth/callback): a state works once. Undefined when unknown, used or expired. */
  take(state: string | null | undefined): StepUpSession | undefined {
    const session = this.peek(state);
    if (session) this.sessions.delete(session.state);
    return session;
  }

  /** Pending sessions (expired ones not yet swept may count). */
  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.clock.now().getTime();
    for (const [state, session] of this.sessions) {
      if (now >= session.expiresAt) this.sessions.delete(state);
    }
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What MSAL sends as `claims` when the app declares client capability CP1: the challenge with
 * `access_token.xms_cc = {values: ['cp1']}` merged in, e.g.
 * `{"access_token":{"acrs":{"essential":true,"value":"c1"},"xms_cc":{"values":["cp1"]}}}`.
 * An empty challenge gives just the capability. Throws on a challenge that is not a JSON object.
 */
export function claimsWithClientCapabilities(challenge: string): string {
  const parsed = challenge.trim() === '' ? {} : parseClaimsJson(challenge);
  const accessToken = isObject(parsed.access_token) ? parsed.access_token : {};
  return JSON.stringify({
    ...parsed,
    access_token: { ...accessToken, xms_cc: { values: [CLIENT_CAPABILITY_CP1] } },
  });
}

/** JSON, or JSON URL-encoded (ARM's PIM puts it in the message that way, PIM-API.md §3). */
function parseClaimsJson(text: string): JsonObject {
  let candidate = text.trim();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (isObject(parsed)) return parsed;
      break;
    } catch {
      if (!candidate.includes('%')) break;
      try {
        candidate = decodeURIComponent(candidate);
      } catch {
        break;
      }
    }
  }
  throw new Error('The claims challenge is not a JSON object; cannot start a step-up sign-in with it.');
}
