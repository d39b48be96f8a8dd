/**
 * The words inside an activation or deactivation request: the verbs that start one, the fillers around the
 * target, and the words that introduce a justification, a ticket or a duration. Word lists only, kept together
 * so the request grammar can be tuned in one place; the readers that use them live in the *-reader/-parser files.
 */

export const DEACTIVATE_TRIGGERS = [
  'deactivate',
  'drop',
  'release',
  'relinquish',
  'end',
  'revoke',
  'remove',
  'disable',
  "i'm done with",
  'im done with',
  'i am done with',
  'done with',
  "i'm finished with",
  'im finished with',
  'i am finished with',
  'finished with',
  'i no longer need',
  'no longer need',
  "i don't need",
  'i dont need',
  'i do not need',
  "don't need",
  'dont need',
  'give up',
  'give back',
];
export const DEACTIVATE_FILLERS = ['my', 'the', 'me', 'from', 'of'];
export const DEACTIVATE_TRAILING = ['now', 'anymore', 'any more', 'any longer', 'for now', 'early', 'role', 'access'];

export const ACTIVATE_TRIGGERS = [
  'activate',
  'elevate',
  'request',
  'enable',
  'sudo',
  'get',
  'get me',
  'give me',
  'grant me',
  'i need',
  'need',
  'i want',
  'want',
  'i require',
  'requesting',
  "i'd like",
  'id like',
  'i would like',
  'can i get',
  'can i have',
  'could i get',
  'could i have',
  'may i get',
  'may i have',
  'let me have',
];
/** Between the verb and the target: "elevate me to GA", "give me access to the Exchange admin role". */
export const ACTIVATE_FILLERS = ['me', 'to', 'as', 'access', 'the', 'my', 'temporary', 'temp'];
/** Right after the target: "the Exchange admin role for 2h". */
export const AFTER_TARGET = ['role', 'roles', 'group', 'access', 'rights', 'permissions', 'privileges'];
/** Words that start a justification; dropped from it. */
export const JUSTIFICATION_MARKERS = [
  'because',
  'cause',
  'coz',
  'cuz',
  'bc',
  'since',
  'to',
  'for',
  'justification',
  'justification:',
  'reason',
  'reason:',
  'why:',
  'in order to',
  '-',
  '--',
  '\u2013',
  '\u2014',
  ':',
];
export const TICKET_LABELS = ['ticket', 'ticket:', 'tkt', 'tkt:', 'ref:', 'incident:', 'change:', 'chg:'];
export const DURATION_LEADS = [
  'the next',
  'next',
  'about',
  'around',
  'roughly',
  'approx',
  'approximately',
  'another',
  'the',
];
export const EMPTY_JUSTIFICATIONS = /^(?:now|right now|asap|immediately|please|pls|thanks|thank you|thx)$/i;
