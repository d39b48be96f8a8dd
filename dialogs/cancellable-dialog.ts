import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';

const CANCEL_WORDS = /^\s*(cancel|stop|quit|abort|never\s?mind|nevermind|exit)\s*[.!]?\s*$/i;

/** True when the user asks to stop: typed, or the Cancel button of a card. */
export function isCancel(activity: DialogContext['context']['activity']): boolean {
  if (activity.type !== ActivityTypes.Message) return false;
  const value = activity.value as { pimbot?: unknown } | undefined;
  if (value && typeof value === 'object' && value.pimbot === 'cancel') return true;
  return CANCEL_WORDS.test((activity.text ?? '').replace(/<at>[^<]*<\/at>/gi, ''));
}

/** A dialog that the user can leave at any step with "cancel"; nothing is submitted. */
export class CancellableDialog extends ComponentDialog {
  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    if (isCancel(inner.context.activity)) {
      await inner.context.sendActivity('Cancelled. Nothing was submitted.');
      return inner.cancelAllDialogs(true);
    }
    return super.onContinueDialog(inner);
  }
}
