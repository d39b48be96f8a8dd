import { measureDuration, parseDuration } from '../activation/duration-parser';
import { type MatchHow, matchTarget } from '../activation/target-matcher';
import type { PimTarget } from '../pim/pim-types';
import { own } from '../shared/own-property';

/**
 * What someone asked the bot for, read from a Teams message. Pure: no I/O, no state. The parser never refuses:
 * whatever it cannot place is left out (the activation dialog asks for it) or ends up as `unknown`.
 */
export type Command =
  | { type: 'help' }
  | { type: 'roles' }
  | { type: 'active' }
  | { type: 'cancel' }
  | { type: 'pending' }
  | {
      type: 'activate';
      /** As typed ("Exchange admin"); resolve it with matchTarget. */
      targetText?: string;
      /** Set when durationText is a valid duration (parseDuration); re-parse durationText for the reason if not. */
      minutes?: number;
      durationText?: string;
      ticket?: string;
      justification?: string;
    }
  | { type: 'deactivate'; targetText?: string }
  | { type: 'subscribe' | 'unsubscribe' | 'subscriptions'; args: string }
  | { type: 'unknown'; text: string };

export type ActivateCommand = Extract<Command, { type: 'activate' }>;

export interface ParseOptions {
  /** Display names of the roles and groups the user could mean (their eligibilities): they bound the target. */
  targetNames: readonly string[];
  /** A ticket number token. Default {@link DEFAULT_TICKET_PATTERN}. */
  ticketPattern?: RegExp;
}

/**
 * Ticket numbers as typed in chat, case-insensitive: a Jira/Azure DevOps style key of 2–10 letters and digits
 * starting with a letter, a dash and a number (INC-42, CHG-1042, OPS2-7), or a ServiceNow number: INC, CHG, RITM,
 * REQ, PRB, TASK or SCTASK followed by at least 4 digits (INC0012345). Surrounding brackets, a leading "#" and
 * trailing punctuation are ignored.
 */
export const DEFAULT_TICKET_PATTERN = /^(?:[A-Z][A-Z0-9]{1,9}-\d{1,10}|(?:INC|CHG|RITM|REQ|PRB|TASK|SCTASK)\d{4,12})$/i;

/**
 * Message text as the user wrote it: the leading bot mention(s) removed (`<at>PIM Bot</at>`), other mentions kept
 * as their names, HTML tags dropped, entities decoded, invisible characters removed and whitespace collapsed.
 */
export function cleanMessageText(text: string): string {
  const withoutTags = text.replace(/<br\s*\/?>|<\/(?:p|div|li)>/gi, ' ').replace(/<(?!\/?at\b)[^>]*>/gi, ' ');
  const withoutMention = withoutTags
    .replace(/^\s*(?:<at\b[^>]*>[\s\S]*?<\/at>\s*)+/i, '')
    .replace(/<\/?at\b[^>]*>/gi, '');
  return decodeEntities(withoutMention)
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] !== '#') return own(ENTITIES, body.toLowerCase()) ?? entity;
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
  });
}

/** Whole messages (after politeness is stripped) that are a command by themselves. */
const SIMPLE: Readonly<Record<string, 'help' | 'roles' | 'active' | 'cancel' | 'pending'>> = {
  ...phrases('help', [
    'help',
    'help me',
    '?',
    'commands',
    'usage',
    'menu',
    'options',
    'start',
    'hi',
    'hello',
    'hey',
    'i need help',
    'need help',
    'what can you do',
    'what can i do',
    'what do you do',
    'how does this work',
    'how does it work',
    'how do i use this',
  ]),
  ...phrases('roles', [
    'roles',
    'my roles',
    'eligible',
    'eligible roles',
    'my eligible roles',
    'eligibilities',
    'my eligibilities',
    'list',
    'list roles',
    'list my roles',
    'show roles',
    'show my roles',
    'show me my roles',
    'get my roles',
    'groups',
    'my groups',
    'roles and groups',
    'my roles and groups',
    'what roles do i have',
    'which roles do i have',
    'what can i activate',
    'what can i elevate to',
    'which roles can i activate',
  ]),
  ...phrases('active', [
    'active',
    'status',
    'my status',
    'active roles',
    'my active roles',
    'show active roles',
    'show my active roles',
    'activations',
    'my activations',
    'active assignments',
    'my active assignments',
    'current roles',
    'my current roles',
    "what's active",
    'whats active',
    'what is active',
    'what do i have active',
    'whoami',
  ]),
  ...phrases('cancel', [
    'cancel',
    'cancel that',
    'cancel it',
    'stop',
    'stop that',
    'stop it',
    'quit',
    'exit',
    'abort',
    'nevermind',
    'never mind',
    'nvm',
    'forget it',
  ]),
  ...phrases('pending', [
    'pending',
    'pending requests',
    'my pending requests',
    'requests',
    'my requests',
    'open requests',
    'my open requests',
    'approvals',
    'pending approvals',
    'my approvals',
    'my pending approvals',
    "what's pending",
    'whats pending',
    'what is pending',
    'show pending',
  ]),
};

function phrases<T extends string>(type: T, list: string[]): Record<string, T> {
  return Object.fromEntries(list.map((p) => [p, type]));
}

/** "show pending", "get status", "check my requests": a viewing verb before a simple command. */
const VIEW_VERBS = ['show', 'show me', 'get', 'list', 'view', 'check', 'see', 'display'];

const SUBSCRIBE: Readonly<Record<string, 'subscribe' | 'unsubscribe' | 'subscriptions'>> = {
  subscribe: 'subscribe',
  follow: 'subscribe',
  watch: 'subscribe',
  unsubscribe: 'unsubscribe',
  unfollow: 'unsubscribe',
  unwatch: 'unsubscribe',
  subscriptions: 'subscriptions',
  'my subscriptions': 'subscriptions',
  'list subscriptions': 'subscriptions',
  'show subscriptions': 'subscriptions',
};

const LEADING_POLITENESS = [
  'please',
  'pls',
  'plz',
  'kindly',
  'hey',
  'hi',
  'hello',
  'yo',
  'ok',
  'okay',
  'so',
  'can you',
  'could you',
  'would you',
  'will you',
];
const TRAILING_POLITENESS = ['please', 'pls', 'plz', 'thanks', 'thank you', 'thx', 'ty', 'asap'];

const DEACTIVATE_TRIGGERS = [
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
const DEACTIVATE_FILLERS = ['my', 'the', 'me', 'from', 'of'];
const DEACTIVATE_TRAILING = ['now', 'anymore', 'any more', 'any longer', 'for now', 'early', 'role', 'access'];

const ACTIVATE_TRIGGERS = [
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
const ACTIVATE_FILLERS = ['me', 'to', 'as', 'access', 'the', 'my', 'temporary', 'temp'];
/** Right after the target: "the Exchange admin role for 2h". */
const AFTER_TARGET = ['role', 'roles', 'group', 'access', 'rights', 'permissions', 'privileges'];
/** Words that start a justification; dropped from it. */
const JUSTIFICATION_MARKERS = [
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
const TICKET_LABELS = ['ticket', 'ticket:', 'tkt', 'tkt:', 'ref:', 'incident:', 'change:', 'chg:'];
const DURATION_LEADS = ['the next', 'next', 'about', 'around', 'roughly', 'approx', 'approximately', 'another', 'the'];
const EMPTY_JUSTIFICATIONS = /^(?:now|right now|asap|immediately|please|pls|thanks|thank you|thx)$/i;
const STRONG: ReadonlySet<MatchHow> = new Set(['name', 'alias', 'words', 'acronym']);
const MAX_TARGET_WORDS = 8;
const MAX_DURATION_WORDS = 8;
/**
 * A command is short (a justification is at most 500 characters): only the start of a longer message is read.
 * The parser's cost grows faster than the text; unbounded, a 2 KB "activate me me me ..." held the event loop
 * for ~10 s and a 28 KB message (Teams' limit) for minutes.
 */
const MAX_COMMAND_LENGTH = 2_000;
/** "can I get me temporary access to the ...": more verbs and fillers than this in a row are not a request. */
const MAX_LEADING_FILLERS = 8;

interface Token {
  /** As typed; for a quoted token, the text between the quotes. */
  raw: string;
  /** Lower case, typographic apostrophes made plain, trailing . , ! ? ; dropped (":" kept). */
  word: string;
  quoted: boolean;
}

/**
 * Reads one message. Commands and their synonyms are case-insensitive and may be wrapped in politeness ("please",
 * "hey", "can you", "thanks"). Activation requests are read as: an optional verb phrase ("activate", "elevate me
 * to", "I need", "can I get", "give me", ...), then the target, then in any order a duration ("2h", "for 2 hours"),
 * a ticket ({@link ParseOptions.ticketPattern}) and the justification (the rest: after "because", "to", "for",
 * "justification:", or in quotes). Without a verb, a message that starts with a clearly named target followed by a
 * duration (or nothing) is an activation too ("exchange admin 2h"). See the tests for the full specification.
 */
export function parseCommand(text: string, opts: ParseOptions): Command {
  const clean = cleanMessageText(text.slice(0, MAX_COMMAND_LENGTH));
  const ctx = context(opts);
  const all = tokenize(clean);
  if (!all.length) return { type: 'help' };
  const tokens = stripPoliteness(all);

  const key = tokens.map((t) => (t.quoted ? `"${t.raw}"` : t.word.replace(/[:]+$/, ''))).join(' ');
  const simple = own(SIMPLE, key) ?? (clean === '?' ? 'help' : undefined);
  if (simple) return { type: simple };
  const viewed = startsWith(tokens, VIEW_VERBS);
  const viewedSimple = viewed && own(SIMPLE, key.split(' ').slice(viewed.length).join(' '));
  if (viewedSimple && viewedSimple !== 'help' && viewedSimple !== 'cancel') return { type: viewedSimple };
  // "help me activate a role", but not "help desk admin 2h".
  if (tokens[0]?.word === 'help' && !STRONG.has(findTarget(tokens, ctx)?.how ?? 'prefix')) return { type: 'help' };

  const subscription = startsWith(tokens, Object.keys(SUBSCRIBE));
  if (subscription) {
    return {
      type: own(SUBSCRIBE, subscription.phrase)!,
      args: tokens.slice(subscription.length).map(rawText).join(' '),
    };
  }

  const deactivate = startsWith(tokens, DEACTIVATE_TRIGGERS);
  if (deactivate) return parseDeactivate(tokens.slice(deactivate.length), ctx);

  const activate = startsWith(tokens, ACTIVATE_TRIGGERS);
  if (activate) {
    const rest = skipActivateFillers(tokens.slice(activate.length), ctx);
    if (rest.length === 1 && rest[0]!.word === 'help') return { type: 'help' };
    return parseActivation(rest, ctx, false) ?? { type: 'activate' };
  }

  return parseActivation(tokens, ctx, true) ?? { type: 'unknown', text: clean };
}

interface Ctx {
  candidates: PimTarget[];
  ticket: RegExp;
}

function context(opts: ParseOptions): Ctx {
  const pattern = opts.ticketPattern ?? DEFAULT_TICKET_PATTERN;
  return {
    candidates: opts.targetNames.map((displayName, i) => ({
      kind: 'role',
      roleDefinitionId: String(i),
      directoryScopeId: '/',
      displayName,
    })),
    // A copy without g/y, so test() has no lastIndex state.
    ticket: new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')),
  };
}

/** Words, with quoted passages ("...", “...”, '...') kept as one token. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const closers: Record<string, string> = {
    '"': '"\u201c\u201d',
    '\u201c': '\u201d"',
    '\u201d': '\u201d"',
    '\u201e': '\u201c\u201d"',
    '\u00ab': '\u00bb',
    "'": "'\u2019",
    '\u2018': "\u2019'",
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    const close = own(closers, text[i]!);
    if (close) {
      const end = findClosing(text, i + 1, close);
      if (end !== -1) {
        const inner = text.slice(i + 1, end).trim();
        if (inner) tokens.push({ raw: inner, word: normalizeWord(inner), quoted: true });
        i = end + 1;
        continue;
      }
    }
    let end = text.indexOf(' ', i);
    if (end === -1) end = text.length;
    const raw = text.slice(i, end);
    tokens.push({ raw, word: normalizeWord(raw), quoted: false });
    i = end;
  }
  return tokens;
}

/** The closing quote that ends a word (followed by a space, punctuation or the end). */
function findClosing(text: string, from: number, closers: string): number {
  for (let j = from; j < text.length; j++) {
    if (closers.includes(text[j]!) && (j + 1 === text.length || /[\s.,;:!?)]/.test(text[j + 1]!))) return j;
  }
  return -1;
}

function normalizeWord(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[\u2018\u2019`\u00b4]/g, "'")
    .replace(/[.,!?;\u2026]+$/, '');
}

function rawText(t: Token): string {
  return t.quoted ? `"${t.raw}"` : t.raw;
}

function stripPoliteness(tokens: Token[]): Token[] {
  let rest = tokens;
  for (let changed = true; changed && rest.length > 1; ) {
    changed = false;
    const lead = startsWith(rest, LEADING_POLITENESS);
    if (lead && lead.length < rest.length) {
      rest = rest.slice(lead.length);
      changed = true;
    }
    const trail = endsWith(rest, TRAILING_POLITENESS);
    if (trail && trail < rest.length) {
      rest = rest.slice(0, rest.length - trail);
      changed = true;
    }
  }
  return rest;
}

/** The longest of `list` (phrases of one or more words) that the unquoted tokens start with. */
function startsWith(tokens: Token[], list: readonly string[]): { phrase: string; length: number } | undefined {
  let best: { phrase: string; length: number } | undefined;
  for (const phrase of list) {
    const words = phrase.split(' ');
    if (words.length > tokens.length || (best && words.length <= best.length)) continue;
    if (words.every((w, i) => !tokens[i]!.quoted && tokens[i]!.word === w)) best = { phrase, length: words.length };
  }
  return best;
}

/** How many trailing tokens form one of `list`, or 0. */
function endsWith(tokens: Token[], list: readonly string[]): number {
  let best = 0;
  for (const phrase of list) {
    const words = phrase.split(' ');
    if (words.length > tokens.length || words.length <= best) continue;
    const offset = tokens.length - words.length;
    if (words.every((w, i) => !tokens[offset + i]!.quoted && tokens[offset + i]!.word === w)) best = words.length;
  }
  return best;
}

/** Drops verbs and fillers before the target, unless they begin a target's exact name ("Access Reviewers"). */
function skipActivateFillers(tokens: Token[], ctx: Ctx): Token[] {
  let rest = tokens;
  for (let changed = true, skipped = 0; changed && rest.length && skipped < MAX_LEADING_FILLERS; skipped++) {
    changed = false;
    const trigger = startsWith(rest, ACTIVATE_TRIGGERS);
    const filler = startsWith(rest, ACTIVATE_FILLERS);
    const skip = Math.max(trigger?.length ?? 0, filler?.length ?? 0);
    if (skip && findTarget(rest, ctx)?.how === 'name' && findTarget(rest.slice(skip), ctx)?.how !== 'name') break;
    if (skip) {
      rest = rest.slice(skip);
      changed = true;
    }
  }
  return rest;
}

function parseDeactivate(tokens: Token[], ctx: Ctx): Command {
  let rest = tokens;
  while (rest.length > 1 && !rest[0]!.quoted && DEACTIVATE_FILLERS.includes(rest[0]!.word)) rest = rest.slice(1);
  for (let trail = endsWith(rest, DEACTIVATE_TRAILING); trail; trail = endsWith(rest, DEACTIVATE_TRAILING)) {
    rest = rest.slice(0, rest.length - trail);
  }
  if (!rest.length) return { type: 'deactivate' };
  const target = findTarget(rest, ctx);
  const text = target ? target.text : rest.map((t) => t.raw).join(' ');
  return { type: 'deactivate', targetText: trimPunctuation(text) };
}

interface FoundTarget {
  text: string;
  length: number;
  how: MatchHow;
}

/** The longest run of leading words that names one (or several) of the candidates. */
function findTarget(tokens: Token[], ctx: Ctx): FoundTarget | undefined {
  if (!ctx.candidates.length || !tokens.length) return undefined;
  if (tokens[0]!.quoted) {
    const match = matchTarget(tokens[0]!.raw, ctx.candidates);
    return match.kind === 'none' ? undefined : { text: tokens[0]!.raw, length: 1, how: match.how };
  }
  let max = 0;
  while (max < tokens.length && max < MAX_TARGET_WORDS && !tokens[max]!.quoted) max++;
  for (let length = max; length > 0; length--) {
    const text = trimPunctuation(
      tokens
        .slice(0, length)
        .map((t) => t.raw)
        .join(' '),
    );
    if (!text) continue;
    const match = matchTarget(text, ctx.candidates);
    if (match.kind !== 'none') return withoutTrailingFillers(tokens, { text, length, how: match.how }, ctx);
  }
  return undefined;
}

/** "exchange admin role" matches as well as "exchange admin": keep the shorter text. */
function withoutTrailingFillers(tokens: Token[], found: FoundTarget, ctx: Ctx): FoundTarget {
  let best = found;
  for (let length = found.length - 1; length > 0 && AFTER_TARGET.includes(tokens[length]!.word); length--) {
    const text = trimPunctuation(
      tokens
        .slice(0, length)
        .map((t) => t.raw)
        .join(' '),
    );
    const match = matchTarget(text, ctx.candidates);
    if (match.kind === 'none') break;
    best = { text, length, how: match.how };
  }
  return best;
}

interface FoundDuration {
  length: number;
  text: string;
  minutes?: number;
}

/** The longest duration phrase starting at `start`. A bare number counts only where nothing else can follow it. */
function readDuration(tokens: Token[], start: number, ctx: Ctx, afterFor: boolean): FoundDuration | undefined {
  for (let length = Math.min(MAX_DURATION_WORDS, tokens.length - start); length > 0; length--) {
    const slice = tokens.slice(start, start + length);
    if (slice.some((t) => t.quoted) || !/[\p{L}\p{N}]/u.test(slice.at(-1)!.raw)) continue;
    const text = slice
      .map((t) => t.raw)
      .join(' ')
      .replace(/[\s.,;:!?\u2026]+$/, '');
    const measured = measureDuration(text);
    if (!measured) continue;
    if (measured.bareNumber && !afterFor && !endsStructure(tokens, start + length, ctx)) continue;
    const parsed = parseDuration(text);
    return parsed.ok ? { length, text, minutes: parsed.minutes } : { length, text };
  }
  return undefined;
}

/** Whether position `i` is the end of the message, a ticket, a quote or a justification marker. */
function endsStructure(tokens: Token[], i: number, ctx: Ctx): boolean {
  const t = tokens[i];
  return !t || t.quoted || isTicket(t, ctx) || startsWith(tokens.slice(i), JUSTIFICATION_MARKERS) !== undefined;
}

/** A duration at `i`, optionally introduced by "for" ("for 2 hours", "for the next hour", "for about 90m"). */
function durationAt(tokens: Token[], i: number, ctx: Ctx): FoundDuration | undefined {
  const t = tokens[i];
  if (!t || t.quoted) return undefined;
  if (t.word === 'for' || t.word === 'within') {
    const lead = startsWith(tokens.slice(i + 1), DURATION_LEADS);
    const withLead = lead && readDuration(tokens, i + 1 + lead.length, ctx, true);
    if (withLead) return { ...withLead, length: withLead.length + lead.length + 1 };
    const plain = readDuration(tokens, i + 1, ctx, true);
    return plain && { ...plain, length: plain.length + 1 };
  }
  return readDuration(tokens, i, ctx, false);
}

function ticketText(raw: string): string {
  return raw.replace(/^[([{<#]+/, '').replace(/[)\]}>.,;:!?]+$/, '');
}

function isTicket(t: Token, ctx: Ctx): boolean {
  return !t.quoted && ctx.ticket.test(ticketText(t.raw));
}

/** "ticket INC-42", "ticket: 12345", "ref: #881", "ticket no 7": the label's length and the ticket. */
function labeledTicket(tokens: Token[], i: number): { length: number; ticket: string } | undefined {
  const label = tokens[i];
  const value = tokens[i + 1];
  if (!label || !value || label.quoted || value.quoted || !TICKET_LABELS.includes(label.word)) return undefined;
  let at = i + 1;
  if (/^(?:no|number|#|nr)[.:]?$/.test(value.word) && tokens[i + 2] && !tokens[i + 2]!.quoted) at = i + 2;
  const ticket = ticketText(tokens[at]!.raw);
  return /\d/.test(ticket) ? { length: at - i + 1, ticket } : undefined;
}

/**
 * Target, duration, ticket and justification from the words after the verb. With `verbless`, only a message that
 * starts with a strongly matching target followed by a duration or nothing counts; otherwise undefined.
 */
function parseActivation(tokens: Token[], ctx: Ctx, verbless: boolean): ActivateCommand | undefined {
  const command: ActivateCommand = { type: 'activate' };
  let i = 0;

  // "2 hours of Exchange admin": a duration before the target.
  if (!verbless) {
    const early = durationAt(tokens, 0, ctx);
    const next = early && tokens[early.length];
    if (early && next && !next.quoted && ['of', 'as', 'on', 'with'].includes(next.word)) {
      setDuration(command, early);
      i = early.length + 1;
      while (tokens[i] && !tokens[i]!.quoted && ['the', 'my'].includes(tokens[i]!.word)) i++;
    }
  }

  const target = findTarget(tokens.slice(i), ctx);
  if (verbless) {
    if (!target || !STRONG.has(target.how)) return undefined;
  }
  if (target) {
    command.targetText = target.text;
    i += target.length;
  } else {
    const start = i;
    while (i < tokens.length && !startsStructure(tokens, i, ctx)) i++;
    if (i > start)
      command.targetText = trimPunctuation(
        tokens
          .slice(start, i)
          .map((t) => t.raw)
          .join(' '),
      );
  }
  while (tokens[i] && !tokens[i]!.quoted && AFTER_TARGET.includes(tokens[i]!.word)) i++;
  if (verbless && i < tokens.length && !durationAt(tokens, i, ctx)) return undefined;

  const justification: string[] = [];
  let free: Token[] = [];
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.quoted) {
      justification.push(t.raw);
      i++;
      continue;
    }
    const labeled = labeledTicket(tokens, i);
    if (labeled && command.ticket === undefined) {
      command.ticket = labeled.ticket;
      i += labeled.length;
      continue;
    }
    if (command.ticket === undefined && isTicket(t, ctx)) {
      command.ticket = ticketText(t.raw);
      i++;
      continue;
    }
    if (command.durationText === undefined) {
      const duration = durationAt(tokens, i, ctx);
      if (duration) {
        setDuration(command, duration);
        i += duration.length;
        continue;
      }
    }
    free = tokens.slice(i);
    break;
  }

  free = dropMarker(free);
  free = pullTrailingFields(command, free, ctx);
  if (free.length) justification.push(free.length === 1 ? free[0]!.raw : free.map(rawText).join(' '));
  const text = justification
    .join(' ')
    .replace(/^[\s\-\u2013\u2014:,;]+/, '')
    .replace(/[\s\-\u2013\u2014:,;]+$/, '');
  if (text && !EMPTY_JUSTIFICATIONS.test(text)) command.justification = text;
  return command;
}

/** Where the target (when it names no candidate) ends: a duration, ticket, quote or justification marker. */
function startsStructure(tokens: Token[], i: number, ctx: Ctx): boolean {
  const t = tokens[i]!;
  return (
    t.quoted ||
    isTicket(t, ctx) ||
    labeledTicket(tokens, i) !== undefined ||
    durationAt(tokens, i, ctx) !== undefined ||
    startsWith(tokens.slice(i), JUSTIFICATION_MARKERS) !== undefined
  );
}

function setDuration(command: ActivateCommand, duration: FoundDuration): void {
  command.durationText = duration.text;
  if (duration.minutes !== undefined) command.minutes = duration.minutes;
}

function dropMarker(tokens: Token[]): Token[] {
  const marker = startsWith(tokens, JUSTIFICATION_MARKERS);
  return marker ? tokens.slice(marker.length) : tokens;
}

/**
 * Fields people put after the justification: a trailing "for 2 hours" / "2h" or a trailing ticket is taken out
 * of it; a ticket labeled ("ticket 4711") or typed in capitals (INC-42) inside it is read but left in the text.
 */
function pullTrailingFields(command: ActivateCommand, tokens: Token[], ctx: Ctx): Token[] {
  let rest = tokens;
  for (let changed = true; changed && rest.length; ) {
    changed = false;
    const labeled = rest.length >= 2 ? labeledTicket(rest, rest.length - 2) : undefined;
    if (command.ticket === undefined && labeled) {
      command.ticket = labeled.ticket;
      rest = rest.slice(0, -2);
      changed = true;
    } else if (command.ticket === undefined && isTicket(rest.at(-1)!, ctx)) {
      command.ticket = ticketText(rest.at(-1)!.raw);
      rest = rest.slice(0, -1);
      changed = true;
    }
    if (command.durationText === undefined) {
      for (let start = Math.max(0, rest.length - MAX_DURATION_WORDS - 1); start < rest.length; start++) {
        const duration = durationAt(rest, start, ctx);
        if (duration && start + duration.length === rest.length && !duration.text.match(/^\d+(?:[.,]\d+)?$/)) {
          setDuration(command, duration);
          rest = rest.slice(0, start);
          changed = true;
          break;
        }
      }
    }
  }
  if (command.ticket === undefined) {
    for (let i = 0; i < rest.length; i++) {
      const labeled = labeledTicket(rest, i);
      const t = rest[i]!;
      if (labeled) {
        command.ticket = labeled.ticket;
        break;
      }
      if (isTicket(t, ctx) && ticketText(t.raw) === ticketText(t.raw).toUpperCase()) {
        command.ticket = ticketText(t.raw);
        break;
      }
    }
  }
  return rest;
}

function trimPunctuation(text: string): string {
  return text.replace(/^[\s\-\u2013\u2014:,;]+/, '').replace(/[\s.,;:!?\u2026\-\u2013\u2014]+$/, '');
}
