import { formattingLocale, type Translate, translator } from '../i18n';
import type { ChannelSubscription, SubscribeOutcome, UnsubscribeOutcome } from '../notifications/channel-subscriptions';
import type { NameResolution } from '../notifications/subscription-names';
import { plainPart } from '../views/plain-message';

/**
 * What the bot answers to subscribe / unsubscribe / subscriptions in a channel: plain text in the language of
 * the admin who typed the command (`locale`, their activity's), every role, group and typed name put in through
 * plainPart (inert) before it becomes a value, each answer saying what the channel gets now and what to say next.
 * Each answer is one key (subscriptions:*); a sentence it may or may not include (the security channel, the
 * details, names already there) is translated on its own and passed in as a value, so each language orders its
 * words and the optional sentences stay whole.
 */

/** A reader's words for one locale: the translation function, and "A, B and C" / "A, B or C" lists. */
class Words {
  readonly t: Translate;
  private readonly and: Intl.ListFormat;
  private readonly or: Intl.ListFormat;

  constructor(locale: string | undefined) {
    this.t = translator(locale);
    // CLDR's lists: "A, B and C" in en-GB (no serial comma, as PIM Bot always wrote them), "A, B und C" in German.
    this.and = new Intl.ListFormat(formattingLocale(locale), { type: 'conjunction' });
    this.or = new Intl.ListFormat(formattingLocale(locale), { type: 'disjunction' });
  }

  /** "A, B and C" (names made inert). */
  andList(names: readonly string[]): string {
    return this.and.format(names.map((n) => plainPart(n)));
  }

  /** "A, B or C" (names made inert). */
  orList(names: readonly string[]): string {
    return this.or.format(names.map((n) => plainPart(n)));
  }

  /** "every activation", or "every activation of Exchange Administrator and Global Administrator". */
  whatItGets(subscription: ChannelSubscription): string {
    return subscription.filters.length
      ? this.t('subscriptions:gets.some', { names: this.andList(subscription.filters) })
      : this.t('subscriptions:gets.all');
  }

  details(subscription: ChannelSubscription): string {
    return subscription.details === true
      ? this.t('subscriptions:details.shown')
      : this.t('subscriptions:details.hidden');
  }
}

/** An optional sentence after another one: a space before it, or nothing at all. */
function then(sentence: string | undefined | false): string {
  return sentence ? ` ${sentence}` : '';
}

/** The answer to `subscriptions`. */
export function subscriptionsReply(
  current: ChannelSubscription | undefined,
  securityChannel: boolean,
  locale?: string,
): string {
  const words = new Words(locale);
  const { t } = words;
  const security = then(securityChannel && t('subscriptions:security'));
  if (!current) return t('subscriptions:status.none', { security });
  return t('subscriptions:status.current', {
    gets: words.whatItGets(current),
    details: words.details(current),
    security,
  });
}

/**
 * Typed names that are not exactly one role or group (for unsubscribe: one the channel follows), as one message
 * ending in "Nothing was changed."; undefined when every name is fine.
 */
export function nameProblems(
  resolved: ReadonlyArray<{ text: string; match: NameResolution }>,
  command: 'subscribe' | 'unsubscribe',
  followed: readonly string[] = [],
  locale?: string,
): string | undefined {
  const words = new Words(locale);
  const { t } = words;
  const lines: string[] = [];
  for (const { text, match } of resolved) {
    const typed = plainPart(text);
    if (match.kind === 'ambiguous') {
      lines.push(t('subscriptions:problems.ambiguous', { typed, options: words.orList(match.options) }));
    } else if (match.kind === 'none' && command === 'subscribe') {
      lines.push(
        match.suggestions.length
          ? t('subscriptions:problems.unknownSuggest', { typed, suggestions: words.orList(match.suggestions) })
          : t('subscriptions:problems.unknown', { typed }),
      );
    } else if (match.kind === 'none') {
      lines.push(t('subscriptions:problems.notFollowed', { typed, followed: words.andList(followed) }));
    }
  }
  if (lines.length === 0) return undefined;
  // One sentence per name, each whole in its language.
  return t('subscriptions:problems.summary', { problems: lines.join(' ') });
}

/** The answer to a subscribe that went through. */
export function subscribedReply(
  outcome: SubscribeOutcome,
  namedRoles: boolean,
  mayShowDetails: boolean,
  locale?: string,
): string {
  const words = new Words(locale);
  const { t } = words;
  const { subscription, added, already, unchanged } = outcome;
  if (namedRoles && subscription.filters.length === 0 && added.length === 0) {
    // Adding a role to "everything" narrows nothing: say how to get only some.
    return t('subscriptions:subscribed.alreadyAll', { names: words.andList(already) });
  }
  const before = then(
    already.length > 0 &&
      t('subscriptions:subscribed.alreadyThere', { names: words.andList(already), count: already.length }),
  );
  const values = { gets: words.whatItGets(subscription), before, details: words.details(subscription) };
  if (unchanged) return t('subscriptions:subscribed.unchanged', values);
  const offer = then(subscription.details !== true && mayShowDetails && t('subscriptions:details.offer'));
  return t('subscriptions:subscribed.done', { ...values, offer });
}

/** The answer to an unsubscribe of some names (`named`), or of the whole subscription. */
export function unsubscribedReply(outcome: UnsubscribeOutcome, named: boolean, locale?: string): string {
  const words = new Words(locale);
  const { t } = words;
  const { before, after, removed, notFollowed } = outcome;
  if (!before) return t('subscriptions:unsubscribed.noSubscription');
  // Names another admin removed between the check and the change.
  const missing = then(
    notFollowed.length > 0 && t('subscriptions:unsubscribed.noLongerFollowed', { names: words.andList(notFollowed) }),
  );
  if (after && removed.length === 0)
    return t('subscriptions:unsubscribed.nothingRemoved', { missing, gets: words.whatItGets(after) });
  if (after)
    return t('subscriptions:unsubscribed.some', {
      names: words.andList(removed),
      gets: words.whatItGets(after),
      missing,
    });
  if (!named) return t('subscriptions:unsubscribed.all');
  return t('subscriptions:unsubscribed.last', { names: words.andList(removed), missing });
}
