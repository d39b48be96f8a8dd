import { type Activity, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { type AdaptiveCard, queuedActivationCard, statusCard } from '../cards';
import { formatDuration, formatTime, translator } from '../src/i18n';
import { pimErrorWords } from '../src/views/pim-error-words';
import type { PimClient } from '../src/pim/pim-client';
import type { PimError } from '../src/pim/pim-error';
import { isActivated, type PimTarget } from '../src/pim/pim-types';
import { sameTarget, targetKey } from '../src/pim/target-key';
import { draftStatusModel, type RequestDraft } from '../src/views/status-view';
import type { DialogServices } from './dialog-services';
import { plainMessage, plainPart } from '../src/views/plain-message';

/** The user of a turn by Entra object id (the Teams id when Teams did not send one). */
export function userIdOf(context: TurnContext): string {
  return context.activity.from?.aadObjectId ?? context.activity.from?.id ?? 'unknown';
}

/** A card as a message. */
export function cardMessage(card: AdaptiveCard, text?: string): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card), text) as Partial<Activity>;
}

/** The status card saying PIM refused the request, with PIM's reason and the fix in the reader's words. */
export function refusalCard(draft: RequestDraft, err: PimError, locale?: string): Partial<Activity> {
  const words = pimErrorWords(err, locale);
  return cardMessage(
    statusCard(
      draftStatusModel(
        draft,
        'failed',
        {
          message: words.message,
          fix: words.fix,
          graphCode: err.graphCode,
          requestId: err.requestId,
        },
        locale,
      ),
      { locale },
    ),
  );
}

/**
 * The user asked to activate what they already have active (PIM cannot extend a running activation, and
 * refuses a second one with RoleAssignmentExists): say until when, and offer what PIM allows. One the bot
 * follows can be requested again to start as it ends (Activate again at …), or deactivated now; one made
 * elsewhere can be deactivated, or asked for again at its end. Read from the user's own active list.
 */
export async function runningActivation(
  services: DialogServices,
  pim: PimClient,
  target: PimTarget,
  context: TurnContext,
): Promise<Partial<Activity> | undefined> {
  const running = await services.activation
    .active(pim)
    .then((active) => active.find((a) => sameTarget(a.target, target) && isActivated(a)))
    .catch(() => undefined);
  const until = running?.endDateTime;
  const now = services.now();
  if (!until || until.getTime() <= now.getTime()) return undefined;
  const { localTimezone, locale } = context.activity;
  const endsAt = formatTime(until, locale, localTimezone, now);
  const tracked = await services.activation.tracked(userIdOf(context), target).catch(() => undefined);
  if (tracked?.status === 'active') {
    return cardMessage(
      queuedActivationCard(
        {
          state: 'offered',
          targetName: target.displayName,
          startsAtText: endsAt,
          durationText: formatDuration(tracked.durationMinutes, locale),
          requestId: tracked.id,
          targetKey: targetKey(target),
        },
        { locale },
      ),
    );
  }
  return plainMessage(translator(locale)('chat:running.notTracked', { name: plainPart(target.displayName), endsAt }));
}
