import type { ConversationAddress } from '../shared/conversation-address';
import { readItem, updateItem } from '../store/compare-and-swap';
import type { KeyValueStore } from '../store/key-value-store';

/** Who subscribed a channel (a feed admin), for the audit trail and the "feed status" answer. */
export interface SubscribedBy {
  aadObjectId: string;
  name?: string;
}

/** One team channel that receives the activation feed. */
export interface ChannelSubscription {
  /** Teams channel id ("19:…@thread.tacv2"). */
  channelId: string;
  /**
   * Role or group display names (or name prefixes) this channel wants, as the admin typed them (trimmed,
   * whitespace collapsed, duplicates and a trailing `*` removed). Empty: every activation.
   */
  filters: string[];
  by: SubscribedBy;
  /** A conversation reference in the channel's team: what the bot posts new threads through. */
  reference: ConversationAddress;
  /** ISO time of the (last) subscribe. */
  subscribedAt: string;
  /**
   * The feed cards here show the requester's justification and ticket (`subscribe … with details`). Absent (every
   * subscription made before the option existed) means no: a channel is read by more people than the approvers
   * the requester wrote them for.
   */
  details?: true;
  /**
   * The channel's language for its feed cards: the Teams locale of the admin who last subscribed it (BCP 47,
   * e.g. de-DE). Absent (subscriptions made before, or a client that sent none): English.
   */
  locale?: string;
}

export interface SubscribeInput {
  /** Names to add to the channel's filters; empty: every activation. */
  filters: readonly string[];
  by: SubscribedBy;
  reference: ConversationAddress;
  /**
   * Justifications and tickets on the channel's cards: true opts in (the caller has checked the channel may),
   * false opts out, undefined keeps what the channel had (none for a new subscription).
   */
  details?: boolean;
  /** The subscriber's Teams locale: the channel's cards are in its language from now on. Undefined keeps it. */
  locale?: string;
}

/** What a subscribe changed. */
export interface SubscribeOutcome {
  subscription: ChannelSubscription;
  /** Filters that were not there before (as stored). */
  added: string[];
  /** Named filters the channel had already (as stored), or that its "every activation" covers. */
  already: string[];
  /** Nothing changed: no filter added, same details, same scope. */
  unchanged: boolean;
}

/** What an unsubscribe changed. */
export interface UnsubscribeOutcome {
  /** The subscription before the change; undefined: the channel had none. */
  before?: ChannelSubscription;
  /** What is left; undefined: the channel gets nothing now. */
  after?: ChannelSubscription;
  /** Filters removed (as they were stored). */
  removed: string[];
  /** Named filters the channel did not have. */
  notFollowed: string[];
}

/** At most this many filters per channel, each at most FILTER_MAX_LENGTH characters. */
export const MAX_FILTERS = 50;
export const FILTER_MAX_LENGTH = 256;

const KEY = 'feed/subscriptions';

type Channels = Record<string, ChannelSubscription>;

/** The form filters are compared in: whitespace collapsed, lower case. */
function comparable(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * A subscription's filters over a limit: a code and the limit (the bot says it in the admin's language), and an
 * English message for logs. A RangeError, as before, so callers that catch RangeError still do.
 */
export class FilterLimitError extends RangeError {
  constructor(
    readonly code: 'filterTooLong' | 'tooManyFilters',
    readonly max: number,
    message: string,
  ) {
    super(message);
    this.name = 'FilterLimitError';
  }
}

/** Filters as stored: trimmed, a trailing `*` dropped (prefix matching is the rule anyway), deduplicated. */
export function normalizeFilters(filters: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of filters) {
    if (typeof raw !== 'string') continue;
    const text = raw
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\s*\*+$/, '')
      .trim();
    if (text === '') continue;
    if (text.length > FILTER_MAX_LENGTH)
      throw new FilterLimitError(
        'filterTooLong',
        FILTER_MAX_LENGTH,
        `A filter may have at most ${FILTER_MAX_LENGTH} characters.`,
      );
    const key = comparable(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  if (out.length > MAX_FILTERS)
    throw new FilterLimitError('tooManyFilters', MAX_FILTERS, `A channel may have at most ${MAX_FILTERS} filters.`);
  return out;
}

/**
 * Whether a subscription wants activations of `targetName`: no filters (everything), or a filter equal
 * to the name or a prefix of it, compared case-insensitively ('exchange' matches 'Exchange
 * Administrator'; 'RAG' matches 'RAG - Helpdesk Admins').
 */
export function filtersMatch(filters: readonly string[], targetName: string): boolean {
  if (filters.length === 0) return true;
  const name = comparable(targetName);
  return filters.some((filter) => {
    const f = comparable(filter);
    return f !== '' && name.startsWith(f);
  });
}

/**
 * Which team channels get the activation feed, and for which roles and groups: one document on the
 * bot's Storage, every change a compare-and-swap read-modify-write (two instances, or two admins in two
 * channels, cannot lose each other's change).
 */
export class ChannelSubscriptionStore {
  constructor(
    private readonly storage: KeyValueStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Adds filters to the channel's subscription (creating it), idempotently: a filter it has already stays once.
   * No filters means every activation. A channel that gets every activation keeps getting every activation
   * (adding a role to "everything" changes nothing). The reference and who subscribed are refreshed only with a
   * change.
   */
  async subscribe(channelId: string, input: SubscribeInput): Promise<SubscribeOutcome> {
    const id = requireChannelId(channelId);
    const wanted = normalizeFilters(input.filters);
    let outcome: SubscribeOutcome | undefined;
    await this.update((channels) => {
      const current = Object.hasOwn(channels, id) ? channels[id] : undefined;
      const has = new Set((current?.filters ?? []).map(comparable));
      const everything = current !== undefined && current.filters.length === 0;
      const added = everything ? [] : wanted.filter((f) => !has.has(comparable(f)));
      const already = everything ? wanted : wanted.filter((f) => has.has(comparable(f)));
      const filters =
        wanted.length === 0 || everything ? [] : normalizeFilters([...(current?.filters ?? []), ...added]);
      const details = input.details ?? current?.details === true;
      const unchanged =
        current !== undefined &&
        (current.details === true) === details &&
        filters.length === current.filters.length &&
        added.length === 0;
      const locale = cleanLocale(input.locale) ?? current?.locale;
      if (unchanged) {
        outcome = { subscription: current, added, already, unchanged };
        // Nothing the admin asked for changed; a new language is still kept for the channel's next cards.
        return locale === current.locale
          ? undefined
          : { ...channels, [id]: { ...current, ...(locale ? { locale } : {}) } };
      }
      const subscription: ChannelSubscription = {
        channelId: id,
        filters,
        by: { aadObjectId: input.by.aadObjectId, ...(input.by.name ? { name: input.by.name } : {}) },
        reference: input.reference,
        subscribedAt: this.now().toISOString(),
        ...(details ? { details: true as const } : {}),
        ...(locale ? { locale } : {}),
      };
      outcome = { subscription, added, already, unchanged };
      return { ...channels, [id]: subscription };
    });
    return outcome!;
  }

  /**
   * Removes the named filters from the channel's subscription, or the whole subscription when none are named.
   * Removing the last filter ends the subscription: the channel then gets nothing (never "every activation").
   */
  async unsubscribe(channelId: string, filters: readonly string[] = []): Promise<UnsubscribeOutcome> {
    const id = requireChannelId(channelId);
    const named = normalizeFilters(filters);
    let outcome: UnsubscribeOutcome = { removed: [], notFollowed: named };
    await this.update((channels) => {
      const before = Object.hasOwn(channels, id) ? channels[id] : undefined;
      if (!before) {
        outcome = { removed: [], notFollowed: named };
        return undefined;
      }
      const gone = new Set(named.map(comparable));
      const removed = named.length === 0 ? before.filters : before.filters.filter((f) => gone.has(comparable(f)));
      const kept = before.filters.filter((f) => !gone.has(comparable(f)));
      const had = new Set(before.filters.map(comparable));
      const notFollowed = named.filter((f) => !had.has(comparable(f)));
      if (named.length > 0 && removed.length === 0) {
        outcome = { before, after: before, removed, notFollowed };
        return undefined;
      }
      const { [id]: _gone, ...rest } = channels;
      if (named.length === 0 || kept.length === 0) {
        outcome = { before, removed, notFollowed };
        return rest;
      }
      const after = { ...before, filters: kept };
      outcome = { before, after, removed, notFollowed };
      return { ...rest, [id]: after };
    });
    return outcome;
  }

  async get(channelId: string): Promise<ChannelSubscription | undefined> {
    const channels = await this.read();
    return Object.hasOwn(channels, channelId) ? channels[channelId] : undefined;
  }

  /** Every subscribed channel, oldest subscription first. */
  async list(): Promise<ChannelSubscription[]> {
    return Object.values(await this.read()).sort((a, b) =>
      a.subscribedAt < b.subscribedAt ? -1 : a.subscribedAt > b.subscribedAt ? 1 : 0,
    );
  }

  /** The subscriptions that want activations of this role or group (see {@link filtersMatch}). */
  async matching(targetName: string): Promise<ChannelSubscription[]> {
    return (await this.list()).filter((s) => filtersMatch(s.filters, targetName));
  }

  private async read(): Promise<Channels> {
    return (await readItem<Channels>(this.storage, KEY)) ?? {};
  }

  /** Compare-and-swap over the one document (created empty first, so two first writers conflict). */
  private async update(change: (channels: Channels) => Channels | undefined): Promise<void> {
    await updateItem<Channels>(this.storage, KEY, change, { init: {} });
  }
}

function requireChannelId(channelId: string): string {
  if (typeof channelId !== 'string' || channelId.trim() === '') throw new TypeError('channelId is required');
  return channelId.trim();
}

const LOCALE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,4}$/;

/** A plausible BCP 47 tag, else undefined: what a client sends is data. */
function cleanLocale(locale: string | undefined): string | undefined {
  return typeof locale === 'string' && LOCALE_TAG.test(locale) ? locale : undefined;
}
