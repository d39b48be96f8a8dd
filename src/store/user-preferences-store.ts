import { validZone } from '../shared/local-time';
import { updateItem } from './compare-and-swap';
import type { KeyValueStore } from './key-value-store';

/**
 * What the bot remembers about how a person reads: the time zone and locale their Teams client last
 * reported, so cards sent when they are not talking to the bot (approval cards, the inbox, reminders,
 * expiry warnings, status updates) show their own time. Holds nothing else.
 */
export interface UserPreferences {
  /** IANA time zone, e.g. Europe/Berlin. */
  timeZone?: string;
  /** BCP 47 locale, e.g. de-DE. */
  locale?: string;
}

const MAX_LENGTH = 64;
const LOCALE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,4}$/;

/**
 * One small record per user in the KeyValueStore port (`prefs/user/<aadObjectId>`). Written only when what the
 * client reports differs from what is kept (a read per turn, no write), with compare-and-swap like the other
 * stores. No cache in memory: another instance may have written a newer value since.
 */
export class UserPreferencesStore {
  constructor(private readonly storage: KeyValueStore) {}

  async get(aadObjectId: string | undefined): Promise<UserPreferences | undefined> {
    if (!aadObjectId) return undefined;
    const items = await this.storage.read([key(aadObjectId)]);
    return (items[key(aadObjectId)] as { value?: UserPreferences } | undefined)?.value;
  }

  /** Keeps what the client reported, when it differs; parts it did not report stay as they were. */
  async remember(aadObjectId: string, reported: UserPreferences): Promise<void> {
    const incoming = clean(reported);
    if (incoming.timeZone === undefined && incoming.locale === undefined) return;
    // Stryker disable next-line MethodExpression: the id is only used through key(), which lowercases it again.
    const id = aadObjectId.toLowerCase();
    const kept = await this.get(id);
    if (kept && !differs(kept, incoming)) return;
    await updateItem<UserPreferences>(
      this.storage,
      key(id),
      (current) => {
        const next = { ...current, ...incoming };
        return differs(current, next) ? next : undefined;
      },
      { init: {} },
    );
  }
}

function differs(kept: UserPreferences, next: UserPreferences): boolean {
  return (
    (next.timeZone !== undefined && next.timeZone !== kept.timeZone) ||
    (next.locale !== undefined && next.locale !== kept.locale)
  );
}

/** Only a zone Intl knows and a plausible locale tag: what a client sends is data, not trusted. */
function clean(reported: UserPreferences): UserPreferences {
  const out: UserPreferences = {};
  // validZone refuses non-strings, '' and unknown zones itself (no IANA name is 64 long): the cap only spares Intl a long string.
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: equivalent, see above
  const zone = typeof reported.timeZone === 'string' && reported.timeZone.length <= MAX_LENGTH ? reported.timeZone : '';
  if (validZone(zone)) out.timeZone = zone;
  if (typeof reported.locale === 'string' && LOCALE_TAG.test(reported.locale)) out.locale = reported.locale;
  return out;
}

function key(aadObjectId: string): string {
  return `prefs/user/${aadObjectId.toLowerCase()}`;
}
