import { ActivityTypes, type TurnContext } from 'botbuilder';
import { ComponentDialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { turnInput } from './turn-input';

const CANCEL_WORDS = /^\s*(cancel|stop|quit|abort|never\s?mind|nevermind|exit)\s*[.!]?\s*$/i;

/** True when the user asks to stop: typed, or the Cancel button of a card. */
export function isCancel(context: TurnContext): boolean {
  if (context.activity.type !== ActivityTypes.Message) return false;
  const input = turnInput(context);
  return input.action?.verb === 'cancel' || CANCEL_WORDS.test(input.text.replace(/<at>[^<]*<\/at>/gi, ''));
}

/** Ends every dialog of `inner` (and its parents) and says so: nothing is submitted. */
export async function endCancelled(inner: DialogContext): Promise<DialogTurnResult> {
  await inner.context.sendActivity('Cancelled. Nothing was submitted.');
  return inner.cancelAllDialogs(true);
}

/** A dialog that the user can leave at any step with "cancel"; nothing is submitted. */
export class CancellableDialog extends ComponentDialog {
  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    if (isCancel(inner.context)) return endCancelled(inner);
    return super.onContinueDialog(inner);
  }
}
