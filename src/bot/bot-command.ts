import type { TurnContext } from 'botbuilder';
import { parseDuration } from '../activation/duration-parser';
import { type Command, parseCommand } from './command-parser';
import { BUILT_IN_ROLE_NAMES } from './built-in-role-names';

/** A chat command, or the same from a card button (which names its target by key). */
export type BotCommand = Command & { targetKey?: string };

export interface CommandOptions {
  ticketPattern?: RegExp;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** What the user asked for in this message: typed text, or the data of a card they clicked. */
export function commandFromActivity(context: TurnContext, options: CommandOptions = {}): BotCommand {
  const value = context.activity.value as Record<string, unknown> | undefined;
  const verb = value && typeof value === 'object' ? value.pimbot : undefined;
  const key = cardTarget(value);
  if (verb === 'cancel') return { type: 'cancel' };
  if (verb === 'roles') return { type: 'roles' };
  if (verb === 'active') return { type: 'active' };
  if (verb === 'activate' && key) return { type: 'activate', targetKey: key };
  if (verb === 'deactivate' && key) return { type: 'deactivate', targetKey: key };
  if (verb === 'activationForm' && key) {
    const duration = text(value?.duration);
    const parsed = duration ? parseDuration(duration) : undefined;
    return {
      type: 'activate',
      targetKey: key,
      durationText: duration,
      minutes: parsed?.ok ? parsed.minutes : undefined,
      justification: text(value?.justification),
      ticket: text(value?.ticketNumber),
    };
  }
  return parseCommand(context.activity.text ?? '', {
    targetNames: BUILT_IN_ROLE_NAMES,
    ticketPattern: options.ticketPattern,
  });
}

/** The opaque target id a card action carries (`target`; `key` on cards posted before the rename). */
export function cardTarget(value: Record<string, unknown> | undefined): string | undefined {
  const target = value?.target ?? value?.key;
  return typeof target === 'string' && target ? target : undefined;
}
