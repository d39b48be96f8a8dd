import type { Activity } from 'botbuilder';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { Reader } from '../shared/local-time';
import type { UserPreferencesStore } from '../store/user-preferences-store';

/**
 * How the sender of this activity reads times, as their Teams client says: the activity's `localTimezone` and
 * `locale`, else the `clientInfo` entity's `timezone` and `locale` (Teams activity schema: TeamsActivity
 * LocalTimezone / Locale, ClientInfoEntity(platform, country, timezone, locale)).
 */
export function readerOfActivity(activity: Partial<Activity>): Reader {
  // What a client sends is data: entities may be missing, not an array, or hold nulls.
  const entities: unknown[] = Array.isArray(activity.entities) ? activity.entities : [];
  const info = entities.find((e) => (e as { type?: unknown } | null)?.type === 'clientInfo') as
    | { timezone?: unknown; locale?: unknown }
    | undefined;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return {
    timeZone: text(activity.localTimezone) ?? text(info?.timezone),
    locale: text(activity.locale) ?? text(info?.locale),
  };
}

/**
 * The reader for a card sent in someone's own turn: what their client sends now, and for what it did not send,
 * what was remembered from earlier turns.
 */
export async function readerForTurn(activity: Partial<Activity>, preferences?: UserPreferencesStore): Promise<Reader> {
  const now = readerOfActivity(activity);
  if (now.timeZone && now.locale) return now;
  const kept = await preferences?.get(activity.from?.aadObjectId).catch(() => undefined);
  return { timeZone: now.timeZone ?? kept?.timeZone, locale: now.locale ?? kept?.locale };
}

/** Remembers the sender's time zone and locale when they changed (a failed write only costs a UTC card later). */
export async function rememberReader(
  activity: Partial<Activity>,
  preferences: UserPreferencesStore,
  logger: Logger,
): Promise<void> {
  const userId = activity.from?.aadObjectId;
  if (!userId) return;
  try {
    await preferences.remember(userId, readerOfActivity(activity));
  } catch (err) {
    logger.warn({ err: errorSummary(err) }, 'could not save the user time zone');
  }
}
