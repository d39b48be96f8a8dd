import type { AccessToken } from '@azure/identity';
import { createHash } from 'node:crypto';
import {
  type ActivityHandler,
  type CloudAdapter,
  type ConversationReference,
  type Storage,
  TurnContext,
} from 'botbuilder';
import { STEP_UP_STORAGE_PREFIX, type StepUpSessions } from '../identity/step-up';
import { STEP_UP_EVENT, STEP_UP_TOKEN, type StepUpResult } from '../identity/step-up/resume';
import { takeItem } from '../store/compare-and-swap';
import type { Logger } from '../observability/logger';
import { errorSummary } from '../observability/error-summary';

interface Waiting {
  reference: Partial<ConversationReference>;
  from: TurnContext['activity']['from'];
  expiresAt: number;
}

/**
 * Connects the dialog that needs a stronger sign-in to the bot's /auth/callback: remembers where the
 * user was (on the bot's Storage, so the callback may reach any instance), and when the sign-in
 * completes, resumes that conversation with the new token in the turn's memory (never in state or
 * storage). The conversation's dialog state is on the same Storage, so the dialog continues anywhere.
 */
export class StepUpResumer {
  private bot: ActivityHandler | undefined;

  constructor(
    private readonly sessions: StepUpSessions,
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly logger: Logger,
    private readonly storage: Storage,
    private readonly onStored?: (storageKey: string, expiresAt: Date) => Promise<void>,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  attach(bot: ActivityHandler): void {
    this.bot = bot;
  }

  async begin(context: TurnContext, input: { claims: string; resumeKey: string }): Promise<string> {
    const from = context.activity.from;
    const userAadObjectId = from?.aadObjectId;
    if (!userAadObjectId) throw new Error('The user has no Entra object id in this conversation.');
    const key = waitingKey(input.resumeKey);
    const waiting: Waiting = {
      reference: TurnContext.getConversationReference(context.activity),
      from,
      expiresAt: Date.now() + this.ttlMs,
    };
    await this.storage.write({ [key]: { ...waiting, eTag: '*' } });
    await this.onStored?.(key, new Date(waiting.expiresAt)).catch((err) =>
      this.logger.warn({ err: errorSummary(err) }, 'step-up clean-up not queued'),
    );
    const { startUrl } = await this.sessions.begin({
      userAadObjectId,
      loginHint: userAadObjectId,
      claims: input.claims,
      resumeKey: input.resumeKey,
    });
    return startUrl;
  }

  /** Called by the /auth/callback route once the token is checked to be the same user's. */
  async onSignedIn(result: { resumeKey: string; userAadObjectId: string; accessToken: AccessToken }): Promise<void> {
    const key = waitingKey(result.resumeKey);
    // One resume per sign-in, even if two callbacks reach two instances at once.
    const waiting = await takeItem<Waiting>(this.storage, key);
    if (!waiting || waiting.expiresAt < Date.now() || waiting.from?.aadObjectId !== result.userAadObjectId) {
      this.logger.warn({ resumeKey: result.resumeKey }, 'step-up completed for no waiting conversation');
      return;
    }
    const bot = this.bot;
    if (!bot) throw new Error('StepUpResumer is not attached to the bot.');
    try {
      await this.adapter.continueConversationAsync(this.botAppId, waiting.reference, async (context) => {
        context.activity.type = 'event';
        context.activity.name = STEP_UP_EVENT;
        context.activity.value = { resumeKey: result.resumeKey };
        context.activity.from = waiting.from;
        context.turnState.set(STEP_UP_TOKEN, {
          resumeKey: result.resumeKey,
          token: result.accessToken,
        } satisfies StepUpResult);
        await bot.run(context);
      });
    } catch (err) {
      this.logger.error({ err: errorSummary(err) }, 'could not resume the conversation after step-up');
    }
  }
}

function waitingKey(resumeKey: string): string {
  return `${STEP_UP_STORAGE_PREFIX}waiting/${createHash('sha256').update(resumeKey).digest('base64url')}`;
}
