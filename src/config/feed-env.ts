import { z } from 'zod';
import { guid, guidList } from './guid';

/**
 * The channel activation feed and the watcher behind it: FEED_ADMIN_GROUP_ID (who may subscribe a channel),
 * SECURITY_CHANNEL_ID, WATCHED_GROUP_IDS and WATCHER_INTERVAL_SECONDS (docs/deploy-to-your-tenant.md).
 */
export function feedVariables() {
  return {
    FEED_ADMIN_GROUP_ID: z
      .string()
      .regex(guid, { error: 'FEED_ADMIN_GROUP_ID must be the object id (GUID) of an Entra group.' })
      .optional(),
    SECURITY_CHANNEL_ID: z.string().min(1).optional(),
    WATCHED_GROUP_IDS: guidList('WATCHED_GROUP_IDS must be comma-separated Entra group object ids.'),
    WATCHER_INTERVAL_SECONDS: z.coerce
      .number({ error: 'WATCHER_INTERVAL_SECONDS must be a number of seconds (0 turns the watcher off), e.g. 60.' })
      .int()
      .min(0)
      .default(60),
  };
}
