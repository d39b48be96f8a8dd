import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../../store/key-value-store';
import { MemoryStore } from '../../store/memory-store';
import { takeItem } from '../../store/compare-and-swap';

/** Time source; the simulators' ManualClock fits, so tests move time instead of sleeping. */
export interface StepUpClock {
  now(): Date;
}

const systemClock: StepUpClock = { now: () => new Date() };

export const STEP_UP_SESSION_TTL_MS = 10 * 60 * 1000;

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
  /** OpenID Connect nonce: sent on /authorize, must come back in the id_token (replayed id_tokens fail). */
  readonly nonce: string;
  readonly expiresAt: number;
}

export interface StepUpSessionsOptions {
  /** The bot's public https base URL (what the sign-in card links to), without a trailing slash. */
  publicBaseUrl: string;
  clock?: StepUpClock;
  /** Default 10 minutes. */
  ttlMs?: number;
  /**
   * Where pending sign-ins are kept: the bot's storage, so the callback may reach any instance.
   * Default: a MemoryStore of this process.
   */
  storage?: KeyValueStore;
  /**
   * Seals the session at rest (AES-256-GCM, key derived with HKDF): STEP_UP_SEALING_KEY (or, without one,
   * the app's client secret: stepUpSealingSecret), the same on every instance. Default: a random key of
   * this process (then only this process can read them).
   */
  sealingSecret?: string;
  /** Told when a session is stored, so its item can be deleted once it expires (the scheduler's job). */
  onStored?: (storageKey: string, expiresAt: Date) => Promise<void>;
}

/** Storage keys of pending sign-ins start with this; nothing else may be deleted by their cleanup. */
export const STEP_UP_STORAGE_PREFIX = 'stepup/';

interface StoredSession {
  sealed: string;
  expiresAt: number;
}

/**
 * Pending step-up sign-ins on the bot's storage, keyed by a hash of their `state` (32 random bytes,
 * base64url), so an instance other than the one that began the sign-in can finish it. A session lives
 * 10 minutes and is used up by the callback, successful or not. It holds the PKCE verifier: sealed with
 * a key derived from the sealing secret before it is stored, and never sent to the browser.
 */
export class StepUpSessions {
  private readonly publicBaseUrl: string;
  private readonly clock: StepUpClock;
  private readonly ttlMs: number;
  private readonly storage: KeyValueStore;
  private readonly key: Buffer;

  constructor(private readonly options: StepUpSessionsOptions) {
    this.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.ttlMs ?? STEP_UP_SESSION_TTL_MS;
    if (!(this.ttlMs > 0)) throw new RangeError('ttlMs must be positive.');
    this.storage = options.storage ?? new MemoryStore();
    this.key = Buffer.from(
      hkdfSync('sha256', options.sealingSecret ?? randomBytes(32), 'pimbot-step-up', 'step-up session sealing key', 32),
    );
  }

  /** Starts a sign-in: `startUrl` is what the sign-in card opens. */
  async begin(input: StepUpBeginInput): Promise<{ state: string; startUrl: string }> {
    if (!input.userAadObjectId.trim()) throw new Error("A step-up sign-in needs the user's object id.");
    if (!input.loginHint.trim()) throw new Error('A step-up sign-in needs a login hint.');
    const claims = claimsWithClientCapabilities(input.claims);
    const state = randomBytes(32).toString('base64url');
    const codeVerifier = randomBytes(32).toString('base64url');
    const session: StepUpSession = {
      state,
      userAadObjectId: input.userAadObjectId,
      loginHint: input.loginHint,
      claims,
      resumeKey: input.resumeKey,
      codeVerifier,
      codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      expiresAt: this.clock.now().getTime() + this.ttlMs,
    };
    const key = storageKey(state);
    const stored: StoredSession = { sealed: this.seal(session, key), expiresAt: session.expiresAt };
    await this.storage.write({ [key]: { ...stored, eTag: '*' } });
    // Clean-up is a nicety: a sign-in must not fail because its clean-up could not be queued.
    await this.options.onStored?.(key, new Date(session.expiresAt)).catch(() => undefined);
    return { state, startUrl: `${this.publicBaseUrl}/auth/start?state=${encodeURIComponent(state)}` };
  }

  /** The pending session for a state, without using it up (for /auth/start); undefined when unknown or expired. */
  async peek(state: string | null | undefined): Promise<StepUpSession | undefined> {
    if (!state || state.length > 200) return undefined;
    const key = storageKey(state);
    const stored = (await this.storage.read([key]))[key] as StoredSession | undefined;
    return stored ? this.valid(stored, key, state) : undefined;
  }

  /**
   * Uses the session up (for /auth/callback): a state works once, also when two callbacks with it reach
   * two instances at the same moment. Undefined when unknown, used or expired.
   */
  async take(state: string | null | undefined): Promise<StepUpSession | undefined> {
    if (!state || state.length > 200) return undefined;
    const key = storageKey(state);
    const stored = await takeItem<StoredSession>(this.storage, key);
    return stored ? this.valid(stored, key, state) : undefined;
  }

  private valid(stored: StoredSession, key: string, state: string): StepUpSession | undefined {
    if (typeof stored.sealed !== 'string') return undefined;
    const session = this.open(stored.sealed, key);
    // The sealed expiry decides (the outer one is only for clean-up).
    if (session?.state !== state || this.clock.now().getTime() >= session.expiresAt) return undefined;
    // Sealed before sessions had a nonce: cannot be verified, as good as unknown.
    if (typeof session.nonce !== 'string') return undefined;
    return session;
  }

  private seal(session: StepUpSession, key: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(key));
    const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  private open(sealed: string, key: string): StepUpSession | undefined {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(key));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as StepUpSession;
    } catch {
      // Sealed with another key (a rotated app secret) or tampered with: as good as unknown.
      return undefined;
    }
  }
}

/** The state is a bearer value for the sign-in: only its hash names the stored item. */
function storageKey(state: string): string {
  return `${STEP_UP_STORAGE_PREFIX}session/${createHash('sha256').update(state).digest('base64url')}`;
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
