import { z } from 'zod';

/**
 * Ticket ids such as INC-42, CHG-1042, INC0012345 or SR12345. Bounded repeats only: the earlier
 * `[A-Za-z0-9]*-?\d+` backtracked quadratically (1.8 s on 60k characters); this one does a bounded amount of
 * work per character. Every pattern also only ever sees at most TICKET_MAX characters (request-rules.ts).
 */
export const DEFAULT_TICKET_PATTERN = '^[A-Za-z][A-Za-z0-9]{0,30}-?[0-9]{1,20}$';

/** TICKET_SYSTEM (the name shown next to a ticket number) and TICKET_PATTERN (what a ticket number looks like). */
export function ticketVariables() {
  return {
    TICKET_SYSTEM: z.string().min(1).max(100).default('Ticket'),
    TICKET_PATTERN: z
      .string()
      .refine(
        (v) => {
          try {
            new RegExp(v);
            return true;
          } catch {
            return false;
          }
        },
        { error: 'TICKET_PATTERN is not a valid regular expression. Example: ^(INC|CHG)\\d{7}$' },
      )
      .default(DEFAULT_TICKET_PATTERN),
  };
}
