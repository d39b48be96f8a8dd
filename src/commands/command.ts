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
  /** Withdraw the requester's request waiting for approval (the one for `targetText`, if named). */
  | { type: 'cancelRequest'; targetText?: string }
  | { type: 'subscribe' | 'unsubscribe' | 'subscriptions'; args: string }
  | { type: 'unknown'; text: string };

export type ActivateCommand = Extract<Command, { type: 'activate' }>;
