import type { ChannelSubscription, SubscribeOutcome, UnsubscribeOutcome } from '../notifications/channel-subscriptions';
import type { NameResolution } from '../notifications/subscription-names';
import { plainPart } from '../views/plain-message';

/**
 * What the bot answers to subscribe / unsubscribe / subscriptions in a channel: plain text, every role, group and
 * typed name put in through plainPart (inert), each answer saying what the channel gets now and what to say next.
 */

/** What the channel's cards leave out, said wherever the bot talks about a subscription. */
export const NO_DETAILS_TEXT =
  'Cards show the role, who, when, until when and the approval; justifications and tickets stay out of the channel.';
export const DETAILS_TEXT = "Cards also show the requester's justification and ticket.";

const HOW_TO_CHANGE =
  'Admins: "subscribe <role or group names>" adds to it, "unsubscribe <name>" removes one, "unsubscribe" alone stops it.';

/** "A", "A or B", "A, B or C" (names made inert). */
export function orList(names: readonly string[]): string {
  return joined(names, 'or');
}

function andList(names: readonly string[]): string {
  return joined(names, 'and');
}

function joined(names: readonly string[], word: string): string {
  const inert = names.map((n) => plainPart(n));
  return inert.length <= 1 ? (inert[0] ?? '') : `${inert.slice(0, -1).join(', ')} ${word} ${inert.at(-1)}`;
}

/** "every activation", or "every activation of Exchange Administrator and Global Administrator". */
export function whatItGets(subscription: ChannelSubscription): string {
  return subscription.filters.length ? `every activation of ${andList(subscription.filters)}` : 'every activation';
}

function detailsText(subscription: ChannelSubscription): string {
  return subscription.details === true ? DETAILS_TEXT : NO_DETAILS_TEXT;
}

/** The answer to `subscriptions`. */
export function subscriptionsReply(current: ChannelSubscription | undefined, securityChannel: boolean): string {
  const security = securityChannel
    ? ' It is also the security channel: every activation by an emergency access (break-glass) account gets an urgent card here, whatever the channel follows.'
    : '';
  if (!current) {
    return `This channel has no subscription.${security} An admin can say "subscribe" (every activation) or "subscribe <role or group names>" (add "with details" for justifications and tickets).`;
  }
  return `This channel gets ${whatItGets(current)}. ${detailsText(current)}${security} ${HOW_TO_CHANGE}`;
}

/**
 * Typed names that are not exactly one role or group (for unsubscribe: one the channel follows), as one message
 * ending in "Nothing was changed."; undefined when every name is fine.
 */
export function nameProblems(
  resolved: ReadonlyArray<{ text: string; match: NameResolution }>,
  command: 'subscribe' | 'unsubscribe',
  followed: readonly string[] = [],
): string | undefined {
  const lines: string[] = [];
  for (const { text, match } of resolved) {
    const typed = `"${plainPart(text)}"`;
    if (match.kind === 'ambiguous') {
      lines.push(`${typed} could be ${orList(match.options)}: say which one.`);
    } else if (match.kind === 'none' && command === 'subscribe') {
      lines.push(
        match.suggestions.length
          ? `I don't know a role or group called ${typed}. Did you mean ${orList(match.suggestions)}?`
          : `I don't know a role or group called ${typed}. Use the name Entra shows (a PIM for Groups group must be one the bot watches).`,
      );
    } else if (match.kind === 'none') {
      lines.push(`This channel does not follow ${typed}; it follows ${andList(followed)}.`);
    }
  }
  if (lines.length === 0) return undefined;
  return `${lines.join(' ')} Nothing was changed.`;
}

/** The answer to a subscribe that went through. */
export function subscribedReply(outcome: SubscribeOutcome, namedRoles: boolean, mayShowDetails: boolean): string {
  const { subscription, added, already, unchanged } = outcome;
  const offer =
    subscription.details !== true && mayShowDetails ? ' An admin can add them with "subscribe … with details".' : '';
  if (namedRoles && subscription.filters.length === 0 && added.length === 0) {
    // Adding a role to "everything" narrows nothing: say how to get only some.
    return `This channel already gets every activation, ${andList(already)} included. Nothing was changed. To get only some roles, say "unsubscribe" and then "subscribe <role or group names>".`;
  }
  const before = already.length ? ` (${andList(already)} ${already.length === 1 ? 'was' : 'were'} already there.)` : '';
  if (unchanged)
    return `Nothing changed: this channel already gets ${whatItGets(subscription)}.${before} ${detailsText(subscription)}`;
  return `Subscribed: this channel gets ${whatItGets(subscription)}.${before} ${detailsText(subscription)}${offer}`;
}

/** The answer to an unsubscribe of some names (`named`), or of the whole subscription. */
export function unsubscribedReply(outcome: UnsubscribeOutcome, named: boolean): string {
  const { before, after, removed, notFollowed } = outcome;
  if (!before) return 'This channel had no subscription. Nothing was changed.';
  // Names another admin removed between the check and the change.
  const missing = notFollowed.length ? ` (It no longer followed ${andList(notFollowed)}.)` : '';
  if (after && removed.length === 0) return `Nothing was changed.${missing} This channel gets ${whatItGets(after)}.`;
  if (after) return `Unsubscribed from ${andList(removed)}: this channel still gets ${whatItGets(after)}.${missing}`;
  if (!named) return 'Unsubscribed: this channel no longer gets activations.';
  return `Unsubscribed from ${andList(removed)}: that was the last one, so this channel no longer gets activations.${missing}`;
}
