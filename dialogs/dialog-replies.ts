import { type Activity, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { type AdaptiveCard, statusCard } from '../cards';
import type { PimClient } from '../src/pim/pim-client';
import type { PimError } from '../src/pim/pim-error';
import { isActivated, type PimTarget } from '../src/pim/pim-types';
import { sameTarget } from '../src/pim/target-key';
import { formatLocalTime } from '../src/shared/local-time';
import { draftStatusModel, type RequestDraft } from '../src/views/status-view';
import type { DialogServices } from './dialog-services';
import { plainPart } from '../src/views/plain-message';

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
 * "Still active until …" when the user already has this target activated (PIM cannot extend a running
 * activation), read from their own active list (allowed for every user, unlike the tenant-wide list).
 */
export async function runningActivation(
  services: DialogServices,
  pim: PimClient,
  target: PimTarget,
  context: TurnContext,
): Promise<string | undefined> {
  const running = await services.activation
    .active(pim)
    .then((active) => active.find((a) => sameTarget(a.target, target) && isActivated(a)))
    .catch(() => undefined);
  const until = running?.endDateTime;
  const now = services.now();
  if (!until || until.getTime() <= now.getTime()) return undefined;
  const { localTimezone, locale } = context.activity;
  return `${plainPart(target.displayName)} is still active until ${formatLocalTime(until, localTimezone, locale, now)}. PIM cannot extend a running activation: click Activate again once it has ended (your status card offers it then), or deactivate it first.`;
}
