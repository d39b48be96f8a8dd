import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DeliveryMarks } from './delivery-marks';

/**
 * Handles each message Teams delivers once, however often it is delivered. Teams sends an activity again,
 * with the same id, when the bot has not answered within about 15 seconds ("If the bot activity takes more
 * than 15 seconds to process, ms teams will send retry request", https://github.com/MicrosoftDocs/msteams-docs/issues/6084;
 * the same id twice: https://github.com/microsoft/botbuilder-dotnet/issues/5005). An activation waiting out
 * Graph's Retry-After can take that long, and a second pass of the same click submitted it to PIM again.
 *
 * Messages only (typed commands and Action.Submit clicks): invokes need their own answer, and the decisions
 * they carry are idempotent on their own (first decision wins). The first delivery claims the mark; a later
 * one is answered 200 with nothing, while the first goes on and replies. A turn that fails gives its mark
 * back, so Teams' retry of a failed delivery is handled. Marks that cannot be written do not stop the turn.
 */
export class RedeliveryGuard implements Middleware {
  constructor(
    private readonly marks: DeliveryMarks,
    private readonly logger: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    if (activity.type !== ActivityTypes.Message || !activity.id || !activity.conversation?.id) return next();
    const key = `${activity.channelId}/${activity.conversation.id}/${activity.id}`;
    let first: boolean;
    try {
      first = await this.marks.claim(key);
    } catch (err) {
      this.logger.warn(
        { err: errorSummary(err), activityId: activity.id },
        'could not record this delivery: handling it anyway (a redelivery of it would be handled again)',
      );
      return next();
    }
    if (!first) {
      this.logger.info({ activityId: activity.id }, 'Teams delivered this message again: already being handled');
      return;
    }
    try {
      await next();
    } catch (err) {
      await this.marks.release(key).catch(() => undefined);
      throw err;
    }
  }
}
