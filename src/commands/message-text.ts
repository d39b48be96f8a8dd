import { own } from '../shared/own-property';

/**
 * The most of a typed message the bot reads (a justification is at most 500 characters). The readers' cost
 * grows faster than the text: unbounded, a 2 KB "activate me me me ..." held the event loop for ~10 s, and a
 * 60k-character answer to the duration prompt for ~10 s. Cut before any pattern runs: the command parser and
 * every dialog answer read at most this.
 */
export const MESSAGE_TEXT_MAX = 2_000;

/** The start of a typed message the readers look at: at most {@link MESSAGE_TEXT_MAX} characters. */
export function capMessageText(text: string): string {
  return text.length > MESSAGE_TEXT_MAX ? text.slice(0, MESSAGE_TEXT_MAX) : text;
}

/**
 * Teams message HTML turned back into the text the user typed. Kept apart from the parser because it is about
 * Teams' markup, not about the words: the parser only ever sees plain text.
 */

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
