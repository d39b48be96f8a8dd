import { displayText, TEXT_LIMITS } from '../../cards';

/**
 * A text message the bot sends (a notice, a reply in a channel): Teams renders a message's text as markdown and a
 * subset of HTML unless told otherwise, so a display name, role name, comment or filter written as
 * `[click](https://evil)`, `![x](…)`, `# Heading` or `<at>Megan</at>` would become a link, an image, a heading or a
 * mention "from PIM Bot".
 *
 * Two layers, because Teams clients have not always honoured the first: the message says `textFormat: 'plain'`
 * ("The text must be treated as raw text with no formatting applied", learn.microsoft.com/microsoftteams/platform/
 * bots/how-to/format-your-bot-messages), and every piece of someone else's text is put in through {@link plainPart},
 * the cards' own neutraliser (cards/sanitize.ts: markdown/HTML characters become inert look-alikes), so it reads
 * the same and formats nothing whichever way a client renders it.
 */
export interface PlainMessage {
  type: 'message';
  text: string;
  textFormat: 'plain';
}

/** The bot's own sentence, with any outside text already put in through {@link plainPart}. */
export function plainMessage(text: string): PlainMessage {
  return { type: 'message', text, textFormat: 'plain' };
}

/**
 * Someone else's text (a display name, role or group name, an approver's comment, a filter) for a plain message:
 * markdown- and HTML-inert, one line, at most `maxLength` characters (names by default).
 */
export function plainPart(value: unknown, maxLength: number = TEXT_LIMITS.name): string {
  return displayText(value, maxLength);
}
