import { type Activity, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { type AdaptiveCard, queuedActivationCard, statusCard } from '../cards';
import { describeMinutes } from '../src/pim/iso-duration';
import type { PimClient } from '../src/pim/pim-client';
import type { PimError } from '../src/pim/pim-error';
import { isActivated, type PimTarget } from '../src/pim/pim-types';
import { sameTarget, targetKey } from '../src/pim/target-key';
import { formatLocalTime } from '../src/shared/local-time';
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

/** The status card saying PIM refused the request, with PIM's reason and the fix. */
export function refusalCard(draft: RequestDraft, err: PimError): Partial<Activity> {
  return cardMessage(
    statusCard(
      draftStatusModel(draft, 'failed', {
        message: err.message,
        fix: err.fix,
        graphCode: err.graphCode,
        requestId: err.requestId,
      }),
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
  const endsAt = formatLocalTime(until, localTimezone, locale, now);
  const tracked = await services.activation.tracked(userIdOf(context), target).catch(() => undefined);
  if (tracked?.status === 'active') {
    return cardMessage(
      queuedActivationCard({
        state: 'offered',
        targetName: target.displayName,
        startsAtText: endsAt,
        durationText: describeMinutes(tracked.durationMinutes),
        requestId: tracked.id,
        targetKey: targetKey(target),
      }),
    );
  }
  return plainMessage(
    `${plainPart(target.displayName)} is still active until ${endsAt}. PIM cannot extend a running activation, and this one was not made through me, so I cannot request the next one for you: type "deactivate ${plainPart(target.displayName)}" to end it now and ask again, or ask again after ${endsAt}.`,
  );
}
