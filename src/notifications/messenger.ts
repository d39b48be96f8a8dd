import type { QueuedActivation } from '../activation/queued-activation-record';
import type { Person, PimRequest } from '../requests/pim-request';
import type { ConversationAddress, PostedMessage } from '../shared/conversation-address';

export type { ConversationAddress, PostedMessage } from '../shared/conversation-address';

/**
 * What the bot tells people about a request, as data: the Teams adapter turns each notice into a card or
 * a message (in the reader's time zone and language), so the domain never builds cards or text.
 */
export type Notice =
  /** The approval card: the approver's view (Approve/Deny) when `viewerId` is an approver, else read-only. */
  | { kind: 'approvalCard'; request: PimRequest; viewerId?: string }
  /** The requester's status card. */
  | { kind: 'requestStatus'; request: PimRequest }
  /** "Still waiting for your decision" to an approver. */
  | { kind: 'approvalReminder'; request: PimRequest }
  /** The requester is told an approver (or PIM's 24 hours) decided. */
  | { kind: 'requestDecided'; request: PimRequest }
  /** N minutes before the planned end, with Deactivate now / Activate again. */
  | { kind: 'expiryWarning'; request: PimRequest; endsAt: Date; remainingMinutes: number }
  /**
   * The channel feed card of an activation: role, who, when, until and the approval; the justification and
   * ticket only when `details` (a subscription that opted in, see ChannelSubscription.details); in the
   * channel's language (`locale`: the subscription's, English when it has none).
   */
  | { kind: 'feedCard'; request: PimRequest; details: boolean; locale?: string }
  /** "Activate again" queued to follow a running activation: waiting, requested, canceled or refused. */
  | { kind: 'queuedActivation'; queued: QueuedActivation };

/**
 * Which conversation a channel post goes through (a conversation of the channel's team gives the Teams
 * service and tenant): `via` when given (a subscription's: the subscriber's Teams service), else the one the
 * bot remembers for that channel, else `fallback` (any conversation of the same tenant and service).
 */
export interface ChannelRoute {
  via?: ConversationAddress;
  fallback?: ConversationAddress;
}

/** Proactive sends and in-place updates: the port the application services use to reach Teams. */
export interface Messenger {
  /** Into an existing conversation (a user's 1:1 chat, a channel thread). */
  send(to: ConversationAddress, notice: Notice): Promise<PostedMessage>;
  /**
   * Into a person's 1:1 chat with the bot: the one the bot remembers, else a chat opened through `via`
   * (a conversation of the same tenant and Teams service).
   */
  sendToPerson(person: Person, notice: Notice, via: ConversationAddress): Promise<PostedMessage>;
  /** A new thread in a team channel (see {@link ChannelRoute} for which conversation it goes through). */
  postToChannel(channelId: string, notice: Notice, route?: ChannelRoute): Promise<PostedMessage>;
  update(message: PostedMessage, notice: Notice): Promise<void>;
  /** The Teams user id ("29:…") of a person the bot has a chat with, for cards that refresh per user. */
  teamsUserId(aadObjectId: string): Promise<string | undefined>;
}
