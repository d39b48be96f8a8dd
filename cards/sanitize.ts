/**
 * Neutralises user-controlled text (justifications, ticket numbers, display names, Graph error messages)
 * before it is bound into a card. Text is always bound as template DATA, never concatenated into template
 * JSON; this module makes sure the bound value cannot format, link, mention or template anything.
 *
 * Why look-alike characters and not backslash escapes: Teams clients disagree on markdown escapes. The
 * shared C++ parser behind Teams iOS/Android long showed the backslash or ignored it
 * (microsoft/AdaptiveCards#5590, #7474, #4677; MicrosoftDocs/msteams-docs#5793; only fixed for Android in
 * Teams-AdaptiveCards-Mobile#58, 2023) and its emphasis parser does not honour escapes at all
 * (microsoft/AdaptiveCards#5758). So every markdown metacharacter is replaced by a visually similar,
 * markdown-inert Unicode character: the user's words stay readable on every client, and no client can
 * turn them into syntax. The mapping is {@link DISPLAY_LOOKALIKES}.
 *
 * Two strengths:
 * - {@link displayText}: for anything rendered as text (TextBlock.text, Fact.title/value, labels,
 *   placeholders, choice titles, action titles). Markdown- and HTML-inert.
 * - {@link inputValue}: for Input.Text/ChoiceSet `value`s the user edits and submits back. No look-alikes
 *   (inputs do not render markdown, and the submitted text should stay the user's), but template
 *   expressions are broken all the same.
 *
 * Both: drop C0/C1 controls, bidi overrides/isolates (U+202A–202E, U+2066–2069, LRM/RLM/ALM), invisible
 * characters (ZWSP, word joiner, BOM, soft hyphen, Unicode tag characters), replace lone surrogates with
 * U+FFFD, collapse all whitespace (newlines included) into single spaces, trim, break `${` and `{{`
 * (adaptivecards-templating expressions and the `{{DATE()}}`/`{{TIME()}}` text functions), and cut to a
 * maximum length in UTF-16 code units, never inside a grapheme, ending with `…`. Input beyond
 * 4 × limit + 256 code units is not even looked at (cost stays flat for a 10k-character value).
 */

/** Length limits (UTF-16 code units, the unit of Input.Text `maxLength` and of Graph's string limits). */
export const TEXT_LIMITS = {
  /** Role, group and person names. */
  name: 256,
  /** PIM justification (Graph rejects longer ones). */
  justification: 500,
  ticketNumber: 100,
  ticketSystem: 100,
  /** Ready-formatted times and durations ('14:30 (UTC+1)', '2 hours'). */
  shortText: 100,
  /** Error messages (from Graph) and fixes. */
  message: 1000,
  /** Any other sentence. */
  text: 1000,
  /** Graph error codes, request ids, auth context ids. */
  code: 128,
} as const;

/** Markdown/HTML/template metacharacters and the inert look-alikes shown instead. */
export const DISPLAY_LOOKALIKES: Readonly<Record<string, string>> = {
  '\\': '\uFF3C', // ＼ FULLWIDTH REVERSE SOLIDUS: no escapes
  '`': '\u02CB', // ˋ MODIFIER LETTER GRAVE ACCENT: no code spans
  '*': '\u2217', // ∗ ASTERISK OPERATOR: no emphasis, bullets, rules
  _: '\uFF3F', // ＿ FULLWIDTH LOW LINE: no emphasis
  '~': '\u223C', // ∼ TILDE OPERATOR: no strikethrough
  '[': '\uFF3B', // ［ no links, images, reference links
  ']': '\uFF3D', // ］
  '<': '\uFF1C', // ＜ no HTML, <at> mentions, autolinks
  '>': '\uFF1E', // ＞ no block quotes
  '{': '\uFF5B', // ｛ no ${…} or {{DATE(…)}}
  '}': '\uFF5D', // ｝
};

const LOOKALIKE_PATTERN = /[\\`*_~[\]<>{}]/g;
/** `&` that starts an HTML entity (`&lt;`, `&#91;`, `&#x5B;`): some clients render text as HTML. */
const ENTITY_AMPERSAND = /&(?=#?[0-9A-Za-z]+;)/g;
/** `scheme://`: stop clients from auto-linking URLs typed by users (the URL stays readable). */
const URL_SCHEME = /:\/\//g;
/** Template expressions: `${` and `{{` (lookbehind, so `{{{` is fully broken too). */
const TEMPLATE_OPENER = /(?<=[$\u007B])\u007B/g;
const ELLIPSIS = '\u2026';

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

function isDroppedCodePoint(cp: number): boolean {
  return (
    cp <= 0x08 ||
    (cp >= 0x0e && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xad || // soft hyphen
    cp === 0x061c || // Arabic letter mark
    cp === 0x180e || // Mongolian vowel separator
    cp === 0x200b || // zero-width space
    cp === 0x200e || // LRM
    cp === 0x200f || // RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x206f) || // word joiner, invisible operators, bidi isolates, deprecated formats
    cp === 0xfeff || // BOM / zero-width no-break space
    (cp >= 0xfff9 && cp <= 0xfffb) || // interlinear annotations
    (cp >= 0xe0000 && cp <= 0xe007f) // tag characters (invisible text smuggling)
  );
}

/**
 * How much raw input is looked at for a given limit. Cleaning only ever shortens text, so beyond this
 * the rest could only survive if most of the prefix were invisible characters; capping keeps a 10k-char
 * value as cheap as a short one. A capped value always ends with `…`.
 */
function rawBudget(maxLength: number): number {
  return Math.max(0, Math.floor(maxLength)) * 4 + 256;
}

/** Common first step: string coercion, invisible/control removal, whitespace collapse, input cap. */
function baseClean(value: unknown, maxLength: number): { text: string; capped: boolean } {
  const full = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  const budget = rawBudget(maxLength);
  const capped = full.length > budget;
  const text = capped ? full.slice(0, budget) : full;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\uFFFD'; // lone surrogate (paired ones arrive as one code point)
    } else if (cp === 0x09 || cp === 0x0a || cp === 0x0b || cp === 0x0c || cp === 0x0d) {
      out += ' ';
    } else if (!isDroppedCodePoint(cp)) {
      out += ch;
    }
  }
  return { text: out.replace(/\s+/g, ' ').trim(), capped };
}

/** Last step: the length limit; a capped input is cut (with `…`) even if what is left would fit. */
function finish(text: string, maxLength: number, capped: boolean): string {
  if (!capped) return truncateText(text, maxLength);
  const max = Math.max(0, Math.floor(maxLength));
  if (max === 0) return '';
  return text.length < max ? `${text.trimEnd()}${ELLIPSIS}` : cut(text, max);
}

/**
 * Cuts `text` to at most `maxLength` UTF-16 code units, ending with `…` when cut, never splitting a
 * grapheme (an emoji sequence or a letter with its combining marks).
 */
export function truncateText(text: string, maxLength: number): string {
  const max = Math.max(0, Math.floor(maxLength));
  return text.length <= max ? text : cut(text, max);
}

/** Cuts to at most `max` code units including the final `…`, on a grapheme boundary. */
function cut(text: string, max: number): string {
  if (max === 0) return '';
  const budget = max - ELLIPSIS.length;
  let out = '';
  // Segment only what can be kept (+ a margin so the cluster at the cut is seen whole or not at all).
  for (const { segment } of graphemes.segment(text.slice(0, budget + 16))) {
    if (out.length + segment.length > budget) break;
    out += segment;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/**
 * For Input `value`s (prefilled text the user edits and submits): controls, bidi and invisible characters
 * removed, whitespace collapsed, `${`/`{{` broken (`{` → `｛`), cut to `maxLength` with `…`.
 */
export function inputValue(value: unknown, maxLength: number): string {
  const { text, capped } = baseClean(value, maxLength);
  return finish(text.replace(TEMPLATE_OPENER, DISPLAY_LOOKALIKES['{']), maxLength, capped);
}

/**
 * For everything rendered as text. Everything {@link inputValue} does, plus: markdown/HTML metacharacters
 * replaced by look-alikes ({@link DISPLAY_LOOKALIKES}), entity-starting `&` → `＆`, `://` → `：//`, and
 * line-start block syntax neutralised (`#` → `＃`, `-`/`+` → `‐`/`＋`, `1.`/`1)` → `1．`/`1）`).
 * Idempotent; never longer than `maxLength`.
 */
export function displayText(value: unknown, maxLength: number): string {
  const { text: clean, capped } = baseClean(value, maxLength);
  const text = clean
    .replace(LOOKALIKE_PATTERN, (ch) => DISPLAY_LOOKALIKES[ch] ?? ch)
    .replace(ENTITY_AMPERSAND, '\uFF06')
    .replace(URL_SCHEME, '\uFF1A//')
    // Whitespace is collapsed, so block syntax can only start at the very beginning.
    .replace(/^#/, '\uFF03')
    .replace(/^-/, '\u2010')
    .replace(/^\+/, '\uFF0B')
    .replace(/^(\d+)\./, '$1\uFF0E')
    .replace(/^(\d+)\)/, '$1\uFF09');
  return finish(text, maxLength, capped);
}

/** {@link displayText} for optional values: null/undefined/blank → ''. */
export function optionalDisplayText(value: unknown, maxLength: number): string {
  return value === null || value === undefined ? '' : displayText(value, maxLength);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Validates a URL the bot itself generated (e.g. its step-up sign-in endpoint) before it goes into an
 * Action.OpenUrl: absolute `https://`, or `http://` on loopback (local development) only; no credentials,
 * whitespace or control characters. Returns the normalised URL; throws a TypeError (without echoing the
 * URL, which may carry state) otherwise. Never pass user text here.
 */
export function safeOpenUrl(url: unknown): string {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2048) {
    throw new TypeError('Card URL must be a non-empty string of at most 2048 characters');
  }
  for (const ch of url) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0x20 || (cp >= 0x7f && cp <= 0x9f) || /\s/.test(ch) || isDroppedCodePoint(cp)) {
      throw new TypeError('Card URL must not contain whitespace or control characters');
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('Card URL must be an absolute URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new TypeError('Card URL must not carry credentials');
  }
  if (parsed.protocol === 'https:' && parsed.hostname !== '') return parsed.href;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return parsed.href;
  throw new TypeError('Card URL must use https:// (or http:// on 127.0.0.1/localhost)');
}

/**
 * Validates an opaque id (a view-model key) that goes into action data: a non-empty string of at most
 * 1024 characters without control characters. Ids are never displayed, so they are not otherwise altered.
 */
export function opaqueId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024) {
    throw new TypeError(`${field} must be a non-empty string of at most 1024 characters`);
  }
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) throw new TypeError(`${field} must not contain control characters`);
  }
  return value;
}
