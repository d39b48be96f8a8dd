import { ActivityTypes, type TurnContext } from 'botbuilder';
import { readSubmitAction, type SubmitAction } from '../cards';
import { capMessageText } from '../src/commands/message-text';

/** What the user said in this turn: typed text, or the card button they clicked (Action.Submit). */
export interface TurnInput {
  text: string;
  /** The card action, read with the cards' one schema; undefined for typed text or a malformed value. */
  action?: SubmitAction;
}

const TURN_INPUT = Symbol('pimbot.turnInput');

/** The turn's input, read once per turn (the bot's edge reads it first; prompts get the same value). */
export function turnInput(context: TurnContext): TurnInput {
  const cached = context.turnState.get(TURN_INPUT) as TurnInput | undefined;
  if (cached) return cached;
  const activity = context.activity;
  const input: TurnInput =
    activity.type === ActivityTypes.Message
      ? // Capped before any reader runs: every answer (ticket, justification, duration, role name) is read from here.
        { text: capMessageText(activity.text ?? '').trim(), action: readSubmitAction(activity.value) }
      : { text: '' };
  context.turnState.set(TURN_INPUT, input);
  return input;
}
