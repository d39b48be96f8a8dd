import type { DirectoryClient } from '../pim/directory-client';
import { TtlCache } from '../shared/ttl-cache';

/** How long a group's member list is reused before Graph is asked again. */
export const FEED_ADMIN_CACHE_MS = 5 * 60_000;

/** Member ids (lower case) of each admin group, per directory client (one client per app credential). */
const caches = new WeakMap<DirectoryClient, TtlCache<ReadonlySet<string>>>();

function cacheFor(directory: DirectoryClient): TtlCache<ReadonlySet<string>> {
  let cache = caches.get(directory);
  if (!cache) {
    cache = new TtlCache<ReadonlySet<string>>(FEED_ADMIN_CACHE_MS, 100);
    caches.set(directory, cache);
  }
  return cache;
}

/**
 * Whether the user may subscribe and unsubscribe channels: a direct member of the feed admin group,
 * read with the bot's app-only credential (`GET /groups/{id}/members`, GroupMember.Read.All). The
 * member list is cached for {@link FEED_ADMIN_CACHE_MS}, so a removal takes up to that long to apply.
 * No group configured, or no user id: false. Graph failures are thrown (the caller should say it could
 * not check, not that the user is not an admin).
 */
export async function isFeedAdmin(
  directory: DirectoryClient,
  adminGroupId: string | undefined,
  userAadObjectId: string | undefined,
): Promise<boolean> {
  const group = adminGroupId?.trim().toLowerCase();
  const user = userAadObjectId?.trim().toLowerCase();
  if (!group || !user) return false;
  const members = await cacheFor(directory).getOrLoad(
    group,
    async () => new Set((await directory.listGroupMembers(group)).map((m) => m.id.toLowerCase())),
  );
  return members.has(user);
}

/** Forgets the cached member lists of this client (after an admin changed the group, or in tests). */
export function forgetFeedAdmins(directory: DirectoryClient): void {
  caches.delete(directory);
}
