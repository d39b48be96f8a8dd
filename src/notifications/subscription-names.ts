import { matchTarget } from '../activation/target-matcher';
import { BUILT_IN_ROLE_NAMES } from '../commands/built-in-role-names';
import type { PimTarget } from '../pim/pim-types';
import { TtlCache } from '../shared/ttl-cache';

/**
 * The role and group names a channel may subscribe to, and what a typed name means among them. Typed names are
 * matched the way `activate` matches them (src/activation/target-matcher: "exch admin", "GA", "sec admin"), but
 * against every role of the tenant and the watched PIM for Groups groups rather than one person's eligibilities:
 * a feed admin subscribes the channel to roles they need not hold themselves.
 */

export interface SubscriptionNameSources {
  /** Every Entra role's display name in the tenant (built-in and custom), read with the bot's own identity. */
  roleNames: () => Promise<readonly string[]>;
  /** The display names of the PIM for Groups groups the feed follows (WATCHED_GROUP_IDS). */
  groupNames: () => Promise<readonly string[]>;
}

export type NameResolution =
  | { kind: 'exact'; name: string }
  | { kind: 'ambiguous'; options: string[] }
  | { kind: 'none'; suggestions: string[] };

/** Roles and groups change rarely; a new custom role is subscribable within this long. */
const NAMES_TTL_MS = 5 * 60_000;

export class SubscriptionNames {
  private readonly cache: TtlCache<readonly string[]>;

  constructor(
    private readonly sources: SubscriptionNameSources,
    now: () => number = Date.now,
  ) {
    this.cache = new TtlCache(NAMES_TTL_MS, 1, now);
  }

  /** The names, built-in role names included. Throws when Graph cannot list the tenant's roles. */
  async known(): Promise<readonly string[]> {
    const cached = this.cache.get('names');
    if (cached) return cached;
    const [roles, groups] = await Promise.all([this.sources.roleNames(), this.sources.groupNames()]);
    const names = uniqueNames([...BUILT_IN_ROLE_NAMES, ...roles, ...groups]);
    this.cache.set('names', names);
    return names;
  }
}

/** What `typed` names among `names`: one of them, several equally well, or none (with the closest few). */
export function resolveSubscriptionName(typed: string, names: readonly string[]): NameResolution {
  const byName = new Map(names.map((name) => [name, asTarget(name)]));
  const match = matchTarget(typed, [...byName.values()]);
  if (match.kind === 'exact') return { kind: 'exact', name: match.target.displayName };
  if (match.kind === 'ambiguous') return { kind: 'ambiguous', options: match.options.map((t) => t.displayName) };
  return { kind: 'none', suggestions: match.suggestions.map((t) => t.displayName) };
}

/** A name as a match candidate: the matcher compares display names; the id only tells candidates apart. */
function asTarget(name: string): PimTarget {
  return { kind: 'role', roleDefinitionId: name.toLowerCase(), directoryScopeId: '/', displayName: name };
}

/** Trimmed, without empties, one spelling per name (ignoring case; the first seen wins). */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.replace(/\s+/g, ' ').trim();
    const key = name.toLowerCase();
    if (name === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}
