import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogInstance, DialogState } from 'botbuilder-dialogs';
import type { SubmitAction } from '../cards';
import { matchTarget, type MatchHow } from '../src/activation/target-matcher';
import { BUILT_IN_ROLE_NAMES } from '../src/commands/built-in-role-names';
import { type Command, cleanMessageText, parseCommand } from '../src/commands/command-parser';
import { stripPoliteness, tokenize } from '../src/commands/command-tokens';
import { SIMPLE } from '../src/commands/command-vocabulary';
import { isActivated, type PimTarget } from '../src/pim/pim-types';
import { own } from '../src/shared/own-property';
import { userIdOf } from './dialog-replies';
import type { DialogServices } from './dialog-services';
import { turnInput } from './turn-input';

/**
 * BotBuilder's interruption pattern (core-bot's CancelAndHelpDialog.onContinueDialog): while a prompt waits, a
 * message that is a command is understood as that command instead of being taken as the prompt's answer.
 *
 * The rule, so that an answer is never mistaken for a command:
 * - The WHOLE message must be the command, never merely contain a keyword. Commands are read by the same parser
 *   as outside a dialog (src/commands/command-parser.ts), on the same role names.
 * - `activate …` and `deactivate …` interrupt only when typed with that literal first word (the forms the help
 *   card teaches). The synonyms ("I need …", "get …", "drop …", "end …") and a bare role name are answers: a role
 *   name is how the role chooser is answered, and "need more time" is not a new request. A bare `activate`
 *   without a role is not a command here either: it is a "yes" at the confirmation card.
 * - At a free-text prompt (the justification) only exact command forms interrupt: a whole-message command
 *   phrase ("help", "cancel", "roles", "active", "pending", "what's pending", …), "cancel request" / "cancel my
 *   request for X", a bare "deactivate", and `activate X` / `deactivate X` where X clearly names one of the
 *   user's eligible (activate) or active (deactivate) roles or groups. So "need to cancel the stuck job", "help
 *   desk ticket fix" and "deactivate stale accounts in HR" stay justifications.
 * - A card button: Cancel ends; Roles / Active answer; an Activate button is the answer at the role chooser and
 *   replaces the unfinished request anywhere else. Other card submissions (the confirmation, a form) are answers.
 */

/** What the waiting dialog does with an interrupting message. */
export type Interruption =
  /** Answer it, then ask the waiting prompt's question again. */
  | { kind: 'answer'; command: 'help' | 'roles' | 'active' | 'pending' }
  | { kind: 'answer'; command: 'cancelRequest'; targetText?: string }
  /** Drop the unfinished dialog and begin this one instead (and say so). */
  | { kind: 'replace'; command: Extract<Command, { type: 'activate' | 'deactivate' }> | CardActivate }
  /** End the unfinished dialog; nothing is submitted. */
  | { kind: 'cancel' };

/** An Activate button from a card (the roles list): it names its target by key. */
export interface CardActivate {
  type: 'activate';
  targetKey: string;
}

// The dialogs' prompt ids (activate-role-dialog.ts, deactivate-dialog.ts); a prompt not named here is read as
// structured (its answers are not free text), which is the right default for a new one.
/** Prompts whose answer is free text: only exact command forms interrupt there. */
const FREE_TEXT_PROMPTS = new Set(['activate.justification']);
/** Prompts answered by picking a role or group (its button or its name). */
const ROLE_PROMPTS = new Set(['activate.target', 'deactivate.choose']);
/** How clearly a free-text `activate X` / `deactivate X` must name a role to be a command, not a reason. */
const CLEAR_MATCH = new Set<MatchHow>(['name', 'alias', 'words', 'acronym']);
const CANCEL_REQUEST_FORM = /^cancel\s+(?:my\s+|the\s+)?(?:pending\s+)?requests?\b/i;

/** The id of the prompt waiting at the top of a dialog stack (inside any component dialogs). */
export function waitingPromptId(dc: DialogContext): string | undefined {
  let top: DialogInstance | undefined = dc.activeDialog;
  while (top) {
    // A component dialog keeps its own stack in its state; botbuilder's stacks have their top last.
    const nested = (top.state as { dialogs?: DialogState } | undefined)?.dialogs?.dialogStack?.at(-1);
    if (!nested) return top.id;
    top = nested;
  }
  return undefined;
}

/**
 * The role or group of the unfinished request, for "I dropped your unfinished request for X": the one the
 * activation collected (any waterfall's `collected.target`), else what the command named.
 */
export function unfinishedTargetName(dc: DialogContext): string | undefined {
  const found = (stack: DialogInstance[] | undefined): string | undefined => {
    for (const instance of stack ?? []) {
      const state = instance.state as
        | { dialogs?: DialogState; values?: { collected?: { target?: { displayName?: string } } } }
        | undefined;
      const name = state?.values?.collected?.target?.displayName ?? found(state?.dialogs?.dialogStack);
      if (name) return name;
    }
    return undefined;
  };
  const bottom = dc.stack[0]?.state as { options?: { command?: { targetText?: string } } } | undefined;
  return found(dc.stack) ?? bottom?.options?.command?.targetText;
}

/** Reads this turn as an interruption of the prompt `promptId`, or undefined when it is the prompt's answer. */
export async function readInterruption(
  context: TurnContext,
  promptId: string | undefined,
  services: DialogServices,
): Promise<Interruption | undefined> {
  const input = turnInput(context);
  if (input.action) return cardInterruption(input.action, promptId);
  // No text: a card submission the cards' schema does not know (a form), or an event. Never a command.
  if (!input.text) return undefined;
  const command = parseCommand(input.text, {
    targetNames: BUILT_IN_ROLE_NAMES,
    ticketPattern: services.rules.ticketPattern,
  });
  const freeText = promptId !== undefined && FREE_TEXT_PROMPTS.has(promptId);
  const firstWord = tokenize(cleanMessageText(input.text))[0]?.word;
  switch (command.type) {
    case 'cancel':
      return { kind: 'cancel' };
    case 'help':
    case 'roles':
    case 'active':
    case 'pending':
      return !freeText || isWholePhrase(input.text) ? { kind: 'answer', command: command.type } : undefined;
    case 'cancelRequest':
      return !freeText || CANCEL_REQUEST_FORM.test(cleanMessageText(input.text))
        ? { kind: 'answer', command: 'cancelRequest', targetText: command.targetText }
        : undefined;
    case 'activate':
      if (firstWord !== 'activate' || !command.targetText) return undefined;
      if (freeText && !(await namesOwnRole(context, services, command.targetText, 'eligible'))) return undefined;
      return { kind: 'replace', command };
    case 'deactivate':
      if (firstWord !== 'deactivate') return undefined;
      if (freeText && command.targetText && !(await namesOwnRole(context, services, command.targetText, 'active')))
        return undefined;
      return { kind: 'replace', command };
    default:
      return undefined;
  }
}

function cardInterruption(action: SubmitAction, promptId: string | undefined): Interruption | undefined {
  switch (action.verb) {
    case 'cancel':
      return { kind: 'cancel' };
    case 'roles':
    case 'active':
      return { kind: 'answer', command: action.verb };
    case 'activate':
      // At the role chooser, the Activate button is the answer; elsewhere it starts over with that role.
      return promptId !== undefined && ROLE_PROMPTS.has(promptId)
        ? undefined
        : { kind: 'replace', command: { type: 'activate', targetKey: action.target } };
    default:
      return undefined;
  }
}

/** The whole message (politeness aside) is one of the parser's whole-message command phrases. */
function isWholePhrase(text: string): boolean {
  const clean = cleanMessageText(text);
  if (clean === '?') return true;
  const key = stripPoliteness(tokenize(clean))
    .map((t) => t.word)
    .join(' ');
  return own(SIMPLE, key) !== undefined;
}

/** Whether `text` clearly names one of the user's eligible or active roles and groups (asks PIM). */
async function namesOwnRole(
  context: TurnContext,
  services: DialogServices,
  text: string,
  which: 'eligible' | 'active',
): Promise<boolean> {
  const pim = await services.sessions.pimFor(context);
  if (!pim) return false;
  const targets: PimTarget[] =
    which === 'eligible'
      ? (await services.activation.eligibleTargets(pim, userIdOf(context))).map((e) => e.target)
      : (await pim.listActive()).filter(isActivated).map((a) => a.target);
  const match = matchTarget(text, targets);
  return match.kind !== 'none' && CLEAR_MATCH.has(match.how);
}
