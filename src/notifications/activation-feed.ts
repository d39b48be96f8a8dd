import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { FeedCopy, FeedPart, PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { RequestEvent } from '../requests/request-events';
import type { ConversationAddress } from '../shared/conversation-address';
import type { ChannelSubscriptionStore } from './channel-subscriptions';
import type { Messenger } from './messenger';

export interface ActivationFeedOptions {
  requests: PimRequestStore;
  subscriptions: ChannelSubscriptionStore;
  messenger: Messenger;
  logger: Logger;
  /** Channel that gets an urgent card for every break-glass activation, whatever the subscriptions say. */
  securityChannelId?: string;
  /** Entra object ids of the break-glass (emergency access) accounts. */
  breakGlassIds: ReadonlySet<string> | readonly string[];
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

/** A claimed post older than this is taken to have died with its instance, and is claimed again. */
export const POSTING_CLAIM_STALE_MS = 2 * 60_000;

/** Where a card goes: the conversation to post through, whether it is the security channel, and whether it shows details. */
type Destinations = Map<string, { via?: ConversationAddress; security: boolean; details: boolean; locale?: string }>;

/**
 * The activation feed: one card per activation, as a new thread in every subscribed channel whose
 * filters match the role or group (and, for a break-glass account, an urgent card in the security
 * channel), updated in place when the activation ends.
 *
 * Every copy is remembered on the request's record with compare-and-swap writes: a channel is claimed
 * before its post and recorded after it, so announcing twice (a retried tick, two instances) posts
 * nothing twice; a failed post is released and retried by the next `announce`.
 */
export class ActivationFeed {
  private readonly breakGlass: ReadonlySet<string>;
  private readonly now: () => Date;

  constructor(private readonly options: ActivationFeedOptions) {
    this.breakGlass = new Set([...options.breakGlassIds].map((id) => id.trim().toLowerCase()));
    this.now = options.now ?? (() => new Date());
  }

  /** Announces activations made in chat, at once or once approved and provisioned. */
  async onEvent(event: RequestEvent): Promise<void> {
    if (event.type !== 'deactivatedByUser' && event.request.status === 'active') await this.announce(event.request);
  }

  /** Whether the principal is a break-glass account (its cards are urgent). */
  isBreakGlass(principalId: string): boolean {
    return this.breakGlass.has(principalId.trim().toLowerCase());
  }

  /**
   * Posts the activation's card as a new thread in each matching channel that does not have it yet
   * (and in the security channel for a break-glass account). Nothing when no channel wants it, or when
   * it already ended; the request is tracked from here on when it was not yet (one seen by the watcher).
   * Throws {@link FeedDeliveryError} after the others went out when some posts failed.
   */
  async announce(activation: PimRequest): Promise<void> {
    if (typeof activation.id !== 'string' || activation.id.trim() === '' || activation.id.length > 1024)
      throw new TypeError('announce: the request needs an id of at most 1024 characters');
    const urgent = this.isBreakGlass(activation.requester.aadObjectId);
    const destinations = await this.destinations(activation.target.displayName, urgent);
    if (destinations.size === 0) return;

    const claimedAt = this.now();
    let claimed: string[] = [];
    const result = await this.options.requests.update(
      activation.id,
      (current) => {
        if (current.status !== 'active') return undefined;
        const feed: FeedPart = current.feed ?? {
          urgent,
          copies: [],
          posting: {},
          announcedAt: claimedAt.toISOString(),
        };
        claimed = [...destinations.keys()].filter(
          (channelId) =>
            !feed.copies.some((c) => c.channelId === channelId) && !isFreshClaim(feed.posting[channelId], claimedAt),
        );
        if (claimed.length === 0) return undefined;
        for (const channelId of claimed) feed.posting[channelId] = claimedAt.toISOString();
        return { ...current, feed };
      },
      activation,
    );
    if (!result?.changed || claimed.length === 0) return;
    const request = result.value;
    await this.options.requests.followFeed(request.id);

    const posted: FeedCopy[] = [];
    const failed: string[] = [];
    for (const channelId of claimed) {
      const destination = destinations.get(channelId);
      try {
        // Through the subscription (its Teams service is where the subscriber reads the channel); a channel
        // without one (the security channel) through its own conversation, else any subscribed channel's.
        const message = await this.options.messenger.postToChannel(
          channelId,
          { kind: 'feedCard', request, details: destination?.details === true, locale: destination?.locale },
          { via: destination?.via, fallback: (await this.options.subscriptions.list())[0]?.reference },
        );
        posted.push({ channelId, message, shows: 'active', security: destination?.security === true });
      } catch (err) {
        failed.push(channelId);
        this.options.logger.warn(
          { err: errorSummary(err), channelId, key: request.id },
          'could not post an activation to a feed channel',
        );
      }
    }

    await this.options.requests.update(request.id, (current) => {
      if (!current.feed) return undefined;
      const copies = [...current.feed.copies];
      for (const copy of posted) if (!copies.some((c) => c.channelId === copy.channelId)) copies.push(copy);
      const posting = { ...current.feed.posting };
      for (const channelId of claimed) delete posting[channelId];
      return { ...current, feed: { ...current.feed, copies, posting } };
    });
    // If it ended while the posts were on their way, the new copies must show it too.
    await this.sync(request.id);
    if (failed.length > 0) throw new FeedDeliveryError(request.id, failed);
  }

  /**
   * The activation ended: every copy is updated in place (the first end recorded wins, so a late
   * 'deactivated' never turns an 'expired' card around). Unknown ids are ignored. Throws
   * {@link FeedDeliveryError} when some updates failed; calling again retries them.
   */
  async ended(id: string, state: 'expired' | 'deactivated', at: Date): Promise<void> {
    if (state !== 'deactivated' && state !== 'expired')
      throw new TypeError('ended: state must be deactivated or expired');
    const result = await this.options.requests.update(id, (current) =>
      current.status === 'active' ? { ...current, status: state, endedAt: at.toISOString() } : undefined,
    );
    if (result) await this.sync(id);
  }

  /**
   * Activations that still need the watcher: active ones (to notice their end), and ended ones whose
   * cards are not all updated yet (call `ended` again to retry).
   */
  open(): Promise<PimRequest[]> {
    return this.options.requests.withOpenFeed();
  }

  /** Brings every copy to the request's state. */
  private async sync(id: string): Promise<void> {
    const request = await this.options.requests.get(id);
    if (!request?.feed) return;
    const shows: FeedCopy['shows'] =
      request.status === 'expired' || request.status === 'deactivated' ? request.status : 'active';
    const stale = request.feed.copies.filter((c) => c.shows !== shows);
    if (stale.length === 0) return;
    // The channel's subscription as it is now decides the details (an admin may have turned them off since)
    // and the language.
    const subscriptions = new Map((await this.options.subscriptions.list()).map((s) => [s.channelId, s]));
    const updated = new Set<string>();
    const failed: string[] = [];
    for (const copy of stale) {
      try {
        const subscription = subscriptions.get(copy.channelId);
        await this.options.messenger.update(copy.message, {
          kind: 'feedCard',
          request,
          details: subscription?.details === true,
          locale: subscription?.locale,
        });
        updated.add(copy.channelId);
      } catch (err) {
        failed.push(copy.channelId);
        this.options.logger.warn(
          { err: errorSummary(err), channelId: copy.channelId, key: id },
          'could not update an activation card in a feed channel',
        );
      }
    }
    if (updated.size > 0) {
      await this.options.requests.update(id, (current) => {
        if (current.status !== request.status || !current.feed) return undefined;
        const copies = current.feed.copies.map((c) => (updated.has(c.channelId) ? { ...c, shows } : c));
        return { ...current, feed: { ...current.feed, copies } };
      });
    }
    if (failed.length > 0) throw new FeedDeliveryError(id, failed);
  }

  private async destinations(targetName: string, urgent: boolean): Promise<Destinations> {
    const out: Destinations = new Map();
    for (const s of await this.options.subscriptions.matching(targetName)) {
      out.set(s.channelId, { via: s.reference, security: false, details: s.details === true, locale: s.locale });
    }
    const security = this.options.securityChannelId?.trim();
    if (urgent && security) {
      // The security channel shows details only when it is itself subscribed with them.
      const subscribed = out.get(security) ?? (await this.options.subscriptions.get(security));
      const details = subscribed !== undefined && subscribed.details === true;
      out.set(security, { via: out.get(security)?.via, security: true, details, locale: subscribed?.locale });
    }
    return out;
  }
}

function isFreshClaim(claimedAt: string | undefined, now: Date): boolean {
  return claimedAt !== undefined && now.getTime() - Date.parse(claimedAt) < POSTING_CLAIM_STALE_MS;
}
