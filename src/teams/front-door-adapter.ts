import { type Activity, CloudAdapter, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';
import type { Logger } from '../observability/logger';
import { FrontDoorLog, frontDoorRefusal } from './front-door';

/**
 * The CloudAdapter with the front door (./front-door.ts) between authentication and the turn: a refused
 * activity never reaches a middleware (the SSO token exchange de-duplication writes storage), the bot,
 * its state or the connector. Only inbound activities pass here; proactive turns (continueConversation)
 * start from conversation references the bot stored from activities that passed.
 *
 * Refused with 403 whatever the activity type: the Bot Framework treats 408, 429, 404 and 5xx (but 501
 * and 505) as transient and retries them, not 403 (BotFrameworkHttpStatusCodeErrorDetectionStrategy,
 * https://learn.microsoft.com/dotnet/api/microsoft.bot.builder.botframeworkhttpstatuscodeerrordetectionstrategy).
 */
export class FrontDoorAdapter extends CloudAdapter {
  private readonly log: FrontDoorLog;

  constructor(
    auth: BotFrameworkAuthentication,
    private readonly allowedTenantIds: readonly string[],
    logger: Logger,
  ) {
    super(auth);
    this.log = new FrontDoorLog(logger);
  }

  protected override async processActivity(
    authHeaderOrResult: string | AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    // Authenticate first: an unauthenticated caller gets 401 and learns nothing about which tenants pass.
    const authenticated =
      typeof authHeaderOrResult === 'string'
        ? await this.botFrameworkAuthentication.authenticateRequest(activity, authHeaderOrResult)
        : authHeaderOrResult;
    const refusal = frontDoorRefusal(activity, this.allowedTenantIds);
    if (refusal) {
      this.log.refused(refusal, activity);
      return { status: 403 };
    }
    return super.processActivity(authenticated, activity, logic);
  }
}
