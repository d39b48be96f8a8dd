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
}

export interface SubscribeInput {
  filters: readonly string[];
  by: SubscribedBy;
  reference: ConversationAddress;
  /** Opt in to justifications and tickets on the channel's cards; the caller has checked the channel may. */
  details?: boolean;
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
      throw new RangeError(`A filter may have at most ${FILTER_MAX_LENGTH} characters.`);
    const key = comparable(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  if (out.length > MAX_FILTERS) throw new RangeError(`A channel may have at most ${MAX_FILTERS} filters.`);
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

  /** Subscribes the channel, or replaces its filters, details and reference when already subscribed. */
  async subscribe(channelId: string, input: SubscribeInput): Promise<ChannelSubscription> {
    const id = requireChannelId(channelId);
    const subscription: ChannelSubscription = {
      channelId: id,
      filters: normalizeFilters(input.filters),
      by: { aadObjectId: input.by.aadObjectId, ...(input.by.name ? { name: input.by.name } : {}) },
      reference: input.reference,
      subscribedAt: this.now().toISOString(),
      ...(input.details === true ? { details: true as const } : {}),
    };
    await this.update((channels) => ({ ...channels, [id]: subscription }));
    return subscription;
  }

  /** Stops the feed in the channel. False when it was not subscribed. */
  async unsubscribe(channelId: string): Promise<boolean> {
    const id = requireChannelId(channelId);
    let removed = false;
    await this.update((channels) => {
      removed = Object.hasOwn(channels, id);
      if (!removed) return undefined;
      const { [id]: _gone, ...rest } = channels;
      return rest;
    });
    return removed;
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
