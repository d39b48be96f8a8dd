import type { DialogContext } from 'botbuilder-dialogs';
import { translator } from '../src/i18n';
import { plainPart } from '../src/views/plain-message';
import { type Interruption, unfinishedTargetName } from './interruptions';

/**
 * "I dropped your unfinished request for X; starting Y.": what was dropped and what comes instead. One sentence
 * per combination (chat:replaced.<dropped>.<starting>), so each language words the whole of it.
 */
export function replacementText(
  inner: DialogContext,
  next: Extract<Interruption, { kind: 'replace' }>['command'],
): string {
  // The main dialog at the bottom of the stack, and the command it began with (MainDialogOptions).
  const bottom = inner.stack[0]?.state as { options?: { command: { type: string } } } | undefined;
  const unfinished = bottom?.options?.command.type;
  const name = unfinishedTargetName(inner);
  const dropped =
    unfinished === 'activate'
      ? name
        ? 'requestFor'
        : 'request'
      : unfinished === 'deactivate'
        ? name
          ? 'deactivationOf'
          : 'deactivation'
        : 'other';
  const named = 'targetText' in next && next.targetText ? plainPart(next.targetText) : undefined;
  const starting =
    next.type === 'deactivate' ? (named ? 'deactivateNamed' : 'deactivate') : named ? 'activateNamed' : 'activate';
  const t = translator(inner.context.activity.locale);
  return t(`chat:replaced.${dropped}.${starting}`, {
    unfinished: name ? plainPart(name) : '',
    next: named ?? '',
  });
}
