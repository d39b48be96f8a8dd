/**
 * What follows "subscribe" / "unsubscribe" (or "follow", "watch", "unfollow", "unwatch") in a channel: the roles and
 * groups named, and for subscribe whether the feed cards may show the requester's justification and ticket. Pure:
 * the command parser keeps the arguments as typed ({ type: 'subscribe', args }); the channel command reads them
 * here and resolves the names against the tenant's roles and groups.
 *
 *   subscribe                                      every activation
 *   subscribe all roles | all | everything | *     the same (words for "no filter", not a role named "all")
 *   subscribe Global Administrator, Exchange       add these roles or groups (separated by `,`, `;` or ` and `)
 *   subscribe Exchange with details                …and the cards show justification and ticket
 *   subscribe with details                         every activation, with details
 *   subscribe Exchange without details             …and the cards leave them out
 *   unsubscribe Exchange Administrator             remove this one (or several, separated the same way)
 *   unsubscribe | unsubscribe all                  remove the channel's subscription altogether
 */
export interface SubscriptionArgs {
  /** The names as typed; empty: every activation. */
  filters: string[];
  /**
   * `with details` (true), `without details` (false), or not said (undefined: a new subscription gets none, an
   * existing one keeps what it had).
   */
  details?: boolean;
}

/** Arguments longer than this are not a list of role names: only this much is read (no regex on more). */
export const MAX_SUBSCRIPTION_ARGS_LENGTH = 4_000;

/** "with details" / "without details" as the last or the first words, with an optional comma or brackets. */
const DETAILS_SUFFIX = /(?:^|[\s,;(])(with(?:out)?)\s+details\s*\)?\s*[.!]?$/i;
const DETAILS_PREFIX = /^\(?\s*(with(?:out)?)\s+details\b\s*\)?[\s,;:]*/i;

/** Whole-argument words that mean "every activation" (or, after unsubscribe, "all of them"), not a role called "all". */
const EVERYTHING = new Set([
  'all',
  'all roles',
  'all groups',
  'all roles and groups',
  'all activations',
  'every activation',
  'every role',
  'everything',
  '*',
]);

export function readSubscriptionArgs(args: string): SubscriptionArgs {
  let text = collapse(args);
  let details: boolean | undefined;
  const suffix = DETAILS_SUFFIX.exec(text);
  if (suffix) {
    details = suffix[1]!.toLowerCase() === 'with';
    text = text.slice(0, suffix.index).trim();
  } else {
    const prefix = DETAILS_PREFIX.exec(text);
    if (prefix) {
      details = prefix[1]!.toLowerCase() === 'with';
      text = text.slice(prefix[0].length).trim();
    }
  }
  return details === undefined ? { filters: names(text) } : { filters: names(text), details };
}

/** The names after "unsubscribe"; empty: all of the channel's subscription. */
export function readUnsubscribeArgs(args: string): string[] {
  return names(collapse(args));
}

function collapse(args: string): string {
  return args.slice(0, MAX_SUBSCRIPTION_ARGS_LENGTH).replace(/\s+/g, ' ').trim();
}

function names(text: string): string[] {
  const list = text.replace(/[\s,;.]+$/, '');
  if (EVERYTHING.has(list.toLowerCase())) return [];
  return list
    .split(/[,;]| and /i)
    .map((f) => f.trim())
    .filter(Boolean);
}
