/**
 * What follows "subscribe" (or "follow", "watch") in a channel: the roles and groups the channel wants, and
 * whether its feed cards may show the requester's justification and ticket. Pure: the command parser keeps the
 * arguments as typed ({ type: 'subscribe', args }); the channel command reads them here.
 *
 *   subscribe                                      every activation, no details
 *   subscribe all roles | all | everything | *     the same (words for "no filter", not a role named "all")
 *   subscribe Global Administrator, Exchange       these roles or groups (separated by `,`, `;` or ` and `)
 *   subscribe Exchange with details                …and the cards show justification and ticket
 *   subscribe with details                         every activation, with details
 *   subscribe Exchange without details             explicitly no details (the default)
 */
export interface SubscriptionArgs {
  filters: string[];
  /** The admin asked for justifications and tickets on the channel's cards (`with details`). */
  details: boolean;
}

/** Arguments longer than this are not a list of role names: only this much is read (no regex on more). */
export const MAX_SUBSCRIPTION_ARGS_LENGTH = 4_000;

/** "with details" / "without details" as the last or the first words, with an optional comma or brackets. */
const DETAILS_SUFFIX = /(?:^|[\s,;(])(with(?:out)?)\s+details\s*\)?\s*[.!]?$/i;
const DETAILS_PREFIX = /^\(?\s*(with(?:out)?)\s+details\b\s*\)?[\s,;:]*/i;

/** Whole-argument words that mean "every activation" rather than a role called "all". */
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
  let text = args.slice(0, MAX_SUBSCRIPTION_ARGS_LENGTH).replace(/\s+/g, ' ').trim();
  let details = false;
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
  text = text.replace(/[\s,;]+$/, '');
  if (EVERYTHING.has(text.toLowerCase())) return { filters: [], details };
  const filters = text
    .split(/[,;]| and /i)
    .map((f) => f.trim())
    .filter(Boolean);
  return { filters, details };
}
