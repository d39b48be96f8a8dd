import type { TurnContext } from 'botbuilder';
import type { Logger } from '../observability/logger';

/** turnState key under which each turn finds its request-scoped logger (request id, activity id). */
export const TURN_LOGGER = Symbol('pimbot.turnLogger');

export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  return (context.turnState.get(TURN_LOGGER) as Logger | undefined) ?? fallback;
}
