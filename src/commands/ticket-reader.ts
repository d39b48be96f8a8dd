import { matchesTicketPattern } from '../activation/request-rules';
import type { Token } from './command-tokens';
import type { ParseContext } from './parse-context';
import { TICKET_LABELS } from './role-request-vocabulary';

/**
 * Ticket numbers in a request, bare ("INC-42") or labeled ("ticket: 12345"). Shared by the activation reader and
 * the duration reader, which stops a bare number before a ticket.
 */

/** The ticket without surrounding brackets, a leading "#" or trailing punctuation. */
export function ticketText(raw: string): string {
  return raw.replace(/^[([{<#]+/, '').replace(/[)\]}>.,;:!?]+$/, '');
}

export function isTicket(t: Token, ctx: ParseContext): boolean {
  return !t.quoted && matchesTicketPattern(ctx.ticket, ticketText(t.raw));
}

/** "ticket INC-42", "ticket: 12345", "ref: #881", "ticket no 7": the label's length and the ticket. */
export function labeledTicket(tokens: Token[], i: number): { length: number; ticket: string } | undefined {
  const label = tokens[i];
  const value = tokens[i + 1];
  if (!label || !value || label.quoted || value.quoted || !TICKET_LABELS.includes(label.word)) return undefined;
  let at = i + 1;
  if (/^(?:no|number|#|nr)[.:]?$/.test(value.word) && tokens[i + 2] && !tokens[i + 2]!.quoted) at = i + 2;
  const ticket = ticketText(tokens[at]!.raw);
  return /\d/.test(ticket) ? { length: at - i + 1, ticket } : undefined;
}
