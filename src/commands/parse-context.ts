import type { TargetMatch } from '../activation/target-matcher';
import type { PimTarget } from '../pim/pim-types';

/**
 * What every reader needs besides the words, built once per message: the user's target names as match
 * candidates and the ticket pattern. Its own file so the readers can share it without importing the parser's
 * entry point (which imports them).
 */
export interface ParseContext {
  candidates: PimTarget[];
  /** Run it through matchesTicketPattern (request-rules.ts), never directly. */
  ticket: RegExp;
  /**
   * What each text matched, for this message: the readers try the same runs of words again and again ("activate
   * me me me …" reads up to 8 fillers, each with and without itself), and matching is the parser's main cost.
   */
  matches: Map<string, TargetMatch>;
}

export function parseContext(targetNames: readonly string[], ticketPattern: RegExp): ParseContext {
  return {
    candidates: targetNames.map((displayName, i) => ({
      kind: 'role',
      roleDefinitionId: String(i),
      directoryScopeId: '/',
      displayName,
    })),
    // The configured pattern itself, only ever run through matchesTicketPattern (length cap, lastIndex reset).
    ticket: ticketPattern,
    matches: new Map(),
  };
}
