import type { Command } from './command';
import { rawText, type Token } from './command-tokens';

/** Words around the role in "cancel my pending request for Global Administrator" that are not the role. */
const FILLERS = new Set(['my', 'the', 'a', 'pending', 'request', 'requests', 'activation', 'for', 'of', 'to']);

/**
 * "cancel request", "cancel my request", "cancel Global Administrator", "cancel my request for Exchange
 * Administrator": the requester withdraws a request waiting for approval. Plain "cancel" (and "cancel
 * that", "cancel it") stays the dialog's cancel. Undefined when the message is not one.
 */
export function parseCancelRequest(tokens: Token[]): Extract<Command, { type: 'cancelRequest' }> | undefined {
  if (tokens[0]?.word !== 'cancel' || tokens.length < 2) return undefined;
  const rest = tokens.slice(1);
  const named = rest.filter((t) => t.quoted || !FILLERS.has(t.word));
  if (named.length === 0) return { type: 'cancelRequest' };
  return { type: 'cancelRequest', targetText: named.map(rawText).join(' ') };
}
