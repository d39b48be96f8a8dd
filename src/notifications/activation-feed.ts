import { type Activity, CardFactory, type ConversationReference, MessageFactory, type Storage } from 'botbuilder';
import { type ActivationFeedCardModel, type ActivationFeedState, activationFeedCard } from '../../cards';
import type { Logger } from '../observability/logger';
import { errorSummary } from '../observability/error-summary';
import { describeMinutes } from '../pim/iso-duration';
import type { PimTarget } from '../pim/pim-types';
import { formatLocalTime } from '../shared/local-time';
import type { ConversationReferenceStore } from '../store/conversation-references';
import { isConflict } from '../store/tracked-requests';
import type { ChannelSubscriptionStore } from './channel-subscriptions';
import type { Messenger } from './messenger';

/** One activation to announce: made through PIM Bot, or seen in PIM (portal, PowerShell, another tool). */
export interface FeedActivation {
  /**
   * Stable id of the activation: the PIM request id (what the watcher uses, and what the bot should use
   * for its own). Announcing the same key again posts nothing new.
   */
  key: string;
  /** Entra object id of who activated. */
  principalId: string;
  principalName: string;
  principalUpn?: string | null;
  /** The role (at a scope) or the group membership/ownership; `displayName` is matched against filters. */
  target: PimTarget;
  /** When it started (Date, or ISO 8601). */
  startDateTime: Date | string;
  /** When it ends as planned (Date, or ISO 8601); null: no end. */
  endDateTime: Date | string | null;
  justification?: string | null;
  ticket?: string | null;
  ticketSystem?: string | null;
  /** Who approved it, when known. */
  approverName?: string | null;
  source: 'bot' | 'external';
  /**
   * The assignment schedule it created (the request's `targetScheduleId`), when known: how the watcher
   * recognises its assignment instance. Without it, principal + target + start are compared.
   */
  scheduleId?: string | null;
}

/** {@link FeedActivation} as stored: times as ISO strings, optional fields null. */
export interface StoredFeedActivation {
  key: string;
  principalId: string;
  principalName: string;
  principalUpn: string | null;
  target: PimTarget;
  startDateTime: string;
  endDateTime: string | null;
  justification: string | null;
  ticket: string | null;
  ticketSystem: string | null;
  approverName: string | null;
  source: 'bot' | 'external';
  scheduleId: string | null;
}

export type FeedEndState = Exclude<ActivationFeedState, 'active'>;

/** One posted copy of an activation's card (one per channel). */
export interface FeedCopy {
  channelId: string;
  conversation: Partial<ConversationReference>;
  activityId: string;
  /** The state the posted card shows (behind `state` until the in-place update went through). */
  shows: ActivationFeedState;
  /** Posted because the security channel gets every break-glass activation. */
  security: boolean;
}

/** Everything the feed remembers about one announced activation. */
export interface FeedRecord {
  key: string;
  activation: StoredFeedActivation;
  urgent: boolean;
  state: ActivationFeedState;
  /** ISO time it ended (deactivated or expired). */
  endedAt?: string;
  copies: FeedCopy[];
  /** Channels a post is on its way to, with the ISO time the post was claimed (compare-and-swap). */
  posting: Record<string, string>;
  announcedAt: string;
}

export interface ActivationFeedOptions {
  storage: Storage;
  subscriptions: ChannelSubscriptionStore;
  messenger: Messenger;
  /** Channel conversation references (the security channel's, when it has no subscription). */
  refs: ConversationReferenceStore;
  logger: Logger;
  /** Channel that gets an urgent card for every break-glass activation, whatever the subscriptions say. */
  securityChannelId?: string;
  /** Entra object ids of the break-glass (emergency access) accounts. */
  breakGlassIds: ReadonlySet<string> | readonly string[];
  /** IANA time zone of the times on the cards (a channel has no single reader). Default UTC. */
  timeZone?: string;
  now?: () => Date;
}

/** Some copies could not be posted (or updated); calling again retries only those. */
export class FeedDeliveryError extends Error {
  constructor(
    readonly key: string,
    readonly channelIds: readonly string[],
  ) {
    super(`Activation ${key}: could not deliver the card to ${channelIds.length} channel(s).`);
    this.name = 'FeedDeliveryError';
  }
}

export class FeedUpdateConflictError extends Error {
  constructor(key: string) {
    super(`Activation feed record ${key} changed concurrently too many times.`);
    this.name = 'FeedUpdateConflictError';
  }
}

/** A claimed post older than this is taken to have died with its instance, and is claimed again. */
export const POSTING_CLAIM_STALE_MS = 2 * 60_000;

const RECORD_PREFIX = 'feed/activation/';
const OPEN_INDEX_KEY = 'feed/open-index';
const CAS_ATTEMPTS = 20;

const cardActivity = (model: ActivationFeedCardModel): Partial<Activity> =>
  MessageFactory.attachment(CardFactory.adaptiveCard(activationFeedCard(model, {})));

interface Stored<T> {
  value: T;
  eTag?: string;
}

/**
 * The activation feed: one card per activation, as a new thread in every subscribed channel whose
 * filters match the role or group (and, for a break-glass account, an urgent card in the security
 * channel), updated in place when the activation ends.
 *
 * Every copy is remembered under the activation's key with compare-and-swap writes: a channel is
 * claimed before its post and recorded after it, so announcing a key twice (a retried tick, two
 * instances) posts nothing twice; a failed post is released and retried by the next `announce`.
 * Storage has no create-if-absent: a new record is written unconditionally, then claimed with an eTag.
 * Only a create delayed past another instance's whole create-read-claim could wipe that claim (and post
 * twice); the watcher runs on one instance (leader lease) and the bot announces only its own requests.
 */
export class ActivationFeed {
  private readonly breakGlass: ReadonlySet<string>;
  private readonly now: () => Date;

  constructor(private readonly options: ActivationFeedOptions) {
    this.breakGlass = new Set([...options.breakGlassIds].map((id) => id.trim().toLowerCase()));
    this.now = options.now ?? (() => new Date());
  }

  /** Whether the principal is a break-glass account (its cards are urgent). */
  isBreakGlass(principalId: string): boolean {
    return this.breakGlass.has(principalId.trim().toLowerCase());
  }

  /**
   * Posts the activation's card as a new thread in each matching channel that does not have it yet
   * (and in the security channel for a break-glass account). Nothing when no channel wants it, or when
   * it already ended. Throws {@link FeedDeliveryError} after the others went out when some posts failed.
   */
  async announce(input: FeedActivation): Promise<void> {
    const activation = normalize(input);
    const urgent = this.isBreakGlass(activation.principalId);
    const destinations = await this.destinations(activation.target.displayName, urgent);
    if (destinations.size === 0) return;

    const claimedAt = this.now();
    let claimed: string[] = [];
    const record = await this.mutate(
      activation.key,
      (next) => {
        if (next.state !== 'active') return undefined;
        claimed = [...destinations.keys()].filter(
          (channelId) =>
            !next.copies.some((c) => c.channelId === channelId) && !isFreshClaim(next.posting[channelId], claimedAt),
        );
        if (claimed.length === 0) return undefined;
        for (const channelId of claimed) next.posting[channelId] = claimedAt.toISOString();
        return next;
      },
      newRecord(activation, urgent, claimedAt),
    );
    if (!record || claimed.length === 0) return;
    await this.updateOpenIndex((keys) => (keys.includes(record.key) ? keys : [...keys, record.key]));

    const posted: FeedCopy[] = [];
    const failed: string[] = [];
    const activity = cardActivity(this.cardModel(record));
    for (const channelId of claimed) {
      const destination = destinations.get(channelId);
      try {
        const via = destination?.via ?? (await this.fallbackReference(channelId));
        if (!via) throw new Error('No conversation reference for the channel: the bot must be installed in its team.');
        const message = await this.options.messenger.postToChannel(via, channelId, activity);
        posted.push({
          channelId,
          conversation: message.conversation,
          activityId: message.activityId,
          shows: record.state,
          security: destination?.security === true,
        });
      } catch (err) {
        failed.push(channelId);
        this.options.logger.warn(
          { err: errorSummary(err), channelId, key: record.key },
          'could not post an activation to a feed channel',
        );
      }
    }

    await this.mutate(record.key, (current) => {
      for (const copy of posted) {
        if (!current.copies.some((c) => c.channelId === copy.channelId)) current.copies.push(copy);
      }
      for (const channelId of claimed) delete current.posting[channelId];
      return current;
    });
    // If it ended while the posts were on their way, the new copies must show it too.
    await this.sync(record.key);
    if (failed.length > 0) throw new FeedDeliveryError(record.key, failed);
  }

  /**
   * The activation ended: every copy is updated in place (the first end state recorded wins, so a late
   * 'deactivated' never turns an 'expired' card around). Unknown keys are ignored. Throws
   * {@link FeedDeliveryError} when some updates failed; calling again retries them.
   */
  async ended(key: string, state: FeedEndState, at: Date): Promise<void> {
    if (state !== 'deactivated' && state !== 'expired')
      throw new TypeError('ended: state must be deactivated or expired');
    const record = await this.mutate(key, (current) => {
      if (current.state !== 'active') return undefined;
      current.state = state;
      current.endedAt = at.toISOString();
      return current;
    });
    if (!record) return;
    await this.sync(key);
  }

  /** What the feed remembers about an activation. */
  async get(key: string): Promise<FeedRecord | undefined> {
    return (await this.read(key))?.value;
  }

  /**
   * Activations that still need the watcher: active ones (to notice their end), and ended ones whose
   * cards are not all updated yet (call `ended` again to retry).
   */
  async open(): Promise<FeedRecord[]> {
    const keys = await this.openKeys();
    const records = await Promise.all(keys.map((key) => this.get(key)));
    const open = records.filter((r): r is FeedRecord => r !== undefined && needsWork(r));
    if (open.length !== keys.length) {
      const keep = new Set(open.map((r) => r.key));
      await this.updateOpenIndex((current) => current.filter((k) => keep.has(k) || !keys.includes(k)));
    }
    return open;
  }

  /** The card model of a record as it stands (times in the feed's time zone). */
  cardModel(record: FeedRecord): ActivationFeedCardModel {
    const a = record.activation;
    const zone = this.options.timeZone;
    const now = this.now();
    const at = (iso: string) => formatLocalTime(new Date(iso), zone, 'en-GB', now);
    const start = new Date(a.startDateTime);
    const end = a.endDateTime ? new Date(a.endDateTime) : null;
    return {
      kind: a.target.kind,
      principalName: a.principalName,
      principalUpn: a.principalUpn,
      targetName: a.target.displayName,
      scopeText: scopeText(a.target),
      durationText: end ? describeMinutes(Math.max(0, end.getTime() - start.getTime()) / 60_000) : 'No end date',
      justification: a.justification,
      ticketNumber: a.ticket,
      ticketSystem: a.ticketSystem,
      approverName: a.approverName,
      source: a.source,
      startText: at(a.startDateTime),
      endText: a.endDateTime ? at(a.endDateTime) : 'No end date',
      state: record.state,
      endedAtText: record.endedAt ? at(record.endedAt) : null,
      urgent: record.urgent,
    };
  }

  /** Brings every copy to the record's state; drops the key from the open index once nothing is left to do. */
  private async sync(key: string): Promise<void> {
    const record = await this.get(key);
    if (!record) return;
    const stale = record.copies.filter((c) => c.shows !== record.state);
    const updated = new Set<string>();
    const failed: string[] = [];
    if (stale.length > 0) {
      const activity = cardActivity(this.cardModel(record));
      for (const copy of stale) {
        try {
          await this.options.messenger.update(
            { conversation: copy.conversation, activityId: copy.activityId },
            activity,
          );
          updated.add(copy.channelId);
        } catch (err) {
          failed.push(copy.channelId);
          this.options.logger.warn(
            { err: errorSummary(err), channelId: copy.channelId, key },
            'could not update an activation card in a feed channel',
          );
        }
      }
    }
    const after =
      updated.size === 0
        ? record
        : await this.mutate(key, (current) => {
            if (current.state !== record.state) return undefined;
            for (const copy of current.copies) if (updated.has(copy.channelId)) copy.shows = current.state;
            return current;
          });
    if (after && !needsWork(after)) await this.updateOpenIndex((keys) => keys.filter((k) => k !== key));
    if (failed.length > 0) throw new FeedDeliveryError(key, failed);
  }

  private async destinations(
    targetName: string,
    urgent: boolean,
  ): Promise<Map<string, { via?: Partial<ConversationReference>; security: boolean }>> {
    const out = new Map<string, { via?: Partial<ConversationReference>; security: boolean }>();
    for (const s of await this.options.subscriptions.matching(targetName)) {
      out.set(s.channelId, { via: s.reference, security: false });
    }
    const security = this.options.securityChannelId?.trim();
    if (urgent && security) out.set(security, { via: out.get(security)?.via, security: true });
    return out;
  }

  /** The channel's own reference, else any subscribed channel's (same bot, tenant and service URL). */
  private async fallbackReference(channelId: string): Promise<Partial<ConversationReference> | undefined> {
    return (await this.options.refs.channel(channelId)) ?? (await this.options.subscriptions.list())[0]?.reference;
  }

  private async read(key: string): Promise<Stored<FeedRecord> | undefined> {
    const items = await this.options.storage.read([recordKey(key)]);
    return items[recordKey(key)] as Stored<FeedRecord> | undefined;
  }

  /**
   * Compare-and-swap read-modify-write; `change` returns undefined to leave the record as it is. An
   * absent record is first created as `init` (unconditionally: Storage has no create-if-absent) and
   * re-read, so `change` (and with it every claim) only ever runs against a real eTag. Without `init`,
   * an absent record stays absent (undefined).
   */
  private async mutate(
    key: string,
    change: (current: FeedRecord) => FeedRecord | undefined,
    init?: FeedRecord,
  ): Promise<FeedRecord | undefined> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const stored = await this.read(key);
      if (!stored) {
        if (!init) return undefined;
        await this.options.storage.write({ [recordKey(key)]: { value: init, eTag: '*' } });
        continue;
      }
      const next = change(structuredClone(stored.value));
      if (!next) return stored.value;
      try {
        await this.options.storage.write({ [recordKey(key)]: { value: next, eTag: stored.eTag ?? '*' } });
        return next;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    throw new FeedUpdateConflictError(key);
  }

  private async openKeys(): Promise<string[]> {
    const items = await this.options.storage.read([OPEN_INDEX_KEY]);
    return ((items[OPEN_INDEX_KEY] as { keys?: string[] } | undefined)?.keys ?? []).slice();
  }

  private async updateOpenIndex(change: (keys: string[]) => string[]): Promise<void> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const items = await this.options.storage.read([OPEN_INDEX_KEY]);
      const stored = items[OPEN_INDEX_KEY] as { keys?: string[]; eTag?: string } | undefined;
      const before = stored?.keys ?? [];
      const keys = change(before.slice());
      if (keys.length === before.length && keys.every((k, i) => k === before[i])) return;
      if (stored?.eTag === undefined) {
        // Created empty first, so the change itself is always made with an eTag (see `mutate`).
        await this.options.storage.write({ [OPEN_INDEX_KEY]: { keys: before, eTag: '*' } });
        continue;
      }
      try {
        await this.options.storage.write({ [OPEN_INDEX_KEY]: { keys, eTag: stored.eTag } });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    throw new FeedUpdateConflictError(OPEN_INDEX_KEY);
  }
}

function recordKey(key: string): string {
  return `${RECORD_PREFIX}${encodeURIComponent(key)}`;
}

function needsWork(record: FeedRecord): boolean {
  return record.state === 'active' || record.copies.some((c) => c.shows !== record.state);
}

function isFreshClaim(claimedAt: string | undefined, now: Date): boolean {
  return claimedAt !== undefined && now.getTime() - Date.parse(claimedAt) < POSTING_CLAIM_STALE_MS;
}

function newRecord(activation: StoredFeedActivation, urgent: boolean, now: Date): FeedRecord {
  return {
    key: activation.key,
    activation,
    urgent,
    state: 'active',
    copies: [],
    posting: {},
    announcedAt: now.toISOString(),
  };
}

function isoTime(value: Date | string, field: string): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new TypeError(`FeedActivation.${field} is not a valid date`);
  return d.toISOString();
}

function normalize(a: FeedActivation): StoredFeedActivation {
  if (typeof a.key !== 'string' || a.key.trim() === '' || a.key.length > 1024) {
    throw new TypeError('FeedActivation.key must be a non-empty string of at most 1024 characters');
  }
  if (typeof a.principalId !== 'string' || a.principalId.trim() === '') {
    throw new TypeError('FeedActivation.principalId is required');
  }
  if (a.target?.kind !== 'role' && a.target?.kind !== 'group') throw new TypeError('FeedActivation.target is required');
  return {
    key: a.key,
    principalId: a.principalId,
    principalName: a.principalName,
    principalUpn: a.principalUpn ?? null,
    target: { ...a.target },
    startDateTime: isoTime(a.startDateTime, 'startDateTime'),
    endDateTime: a.endDateTime === null || a.endDateTime === undefined ? null : isoTime(a.endDateTime, 'endDateTime'),
    justification: a.justification ?? null,
    ticket: a.ticket ?? null,
    ticketSystem: a.ticketSystem ?? null,
    approverName: a.approverName ?? null,
    source: a.source === 'bot' ? 'bot' : 'external',
    scheduleId: a.scheduleId ?? null,
  };
}

/** 'Directory (tenant-wide)', 'Administrative unit …', 'Group membership' / 'Group ownership'. */
export function scopeText(target: PimTarget): string {
  if (target.kind === 'group') return `Group ${target.accessId === 'owner' ? 'ownership' : 'membership'}`;
  const scope = target.directoryScopeId || '/';
  if (scope === '/') return 'Directory (tenant-wide)';
  const unit = /^\/administrativeUnits\/(.+)$/i.exec(scope);
  return unit ? `Administrative unit ${unit[1]}` : `Scope ${scope}`;
}
