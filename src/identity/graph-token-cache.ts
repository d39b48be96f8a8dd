import type { AccessToken } from '@azure/identity';

/** What a cache holds and did, for the bench and diagnostics: counts and sizes only, never a key or a token. */
export interface CacheStats {
  entries: number;
  /** The bytes its entries account for (token text, key, a fixed overhead each). */
  bytes: number;
  maxEntries: number;
  maxBytes: number;
  hits: number;
  misses: number;
  /** Entries dropped to stay within maxEntries / maxBytes (oldest first). */
  evictions: number;
}

export interface GraphTokenCacheOptions {
  maxEntries: number;
  maxBytes: number;
  now: () => number;
}

/** A Map entry, its object and the key's string, roughly (V8, 64-bit): counted so many small tokens still add up. */
const ENTRY_OVERHEAD_BYTES = 160;

/** One object per user token: the token's text and times, no AccessToken object kept beside it. */
interface Entry {
  token: string;
  expiresOn: number;
  /** Dropped from this moment (the token nears expiry, or the user token it was exchanged for does). */
  until: number;
  bytes: number;
}

/**
 * The users' Graph tokens, by the hash of the user token they were exchanged for (the caller's key: never a token
 * itself), each until shortly before it expires. Bounded by entries and by bytes: past either bound the entries set
 * longest ago go first (Map insertion order), so a burst of new users costs the oldest sessions one more exchange,
 * never unbounded memory.
 */
export class GraphTokenCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(private readonly options: GraphTokenCacheOptions) {}

  get(key: string): AccessToken | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.until > this.options.now()) {
      this.hits++;
      return { token: entry.token, expiresOnTimestamp: entry.expiresOn };
    }
    if (entry) this.delete(key);
    this.misses++;
    return undefined;
  }

  /** Keeps `token` until `until` (ms since the epoch); nothing when that has passed already. */
  set(key: string, token: AccessToken, until: number): void {
    this.delete(key);
    const now = this.options.now();
    if (until <= now) return;
    // Entries go in roughly in expiry order: the expired ones at the front leave without waiting for a bound.
    for (const [oldKey, old] of this.entries) {
      if (old.until > now) break;
      this.delete(oldKey);
    }
    // Only what the Graph transport reads: a caller's richer object (MSAL's result) is not kept alive here.
    const bytes = token.token.length + key.length + ENTRY_OVERHEAD_BYTES;
    this.entries.set(key, { token: token.token, expiresOn: token.expiresOnTimestamp, until, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.options.maxEntries || this.bytes > this.options.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
      this.evictions++;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  stats(): CacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      maxEntries: this.options.maxEntries,
      maxBytes: this.options.maxBytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }
}
