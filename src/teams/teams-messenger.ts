import type { Activity, CloudAdapter, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import type { ChannelRoute, Messenger, Notice } from '../notifications/messenger';
import type { Person } from '../requests/pim-request';
import type { ConversationAddress, PostedMessage } from '../shared/conversation-address';
import type { UserPreferencesStore } from '../store/user-preferences-store';
import type { ConversationReferenceStore } from './conversation-references';
import { noticeActivity, noticeReaderId } from './notice-activity';

/**
 * botbuilder retries the connector's 5xx itself but not 429 (throttling: Teams allows a few messages per
 * second per conversation). Proactive sends retry it here, honouring Retry-After, so an approver's card is
 * not lost to a burst.
 */
async function retryThrottled<T>(send: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 429 || attempt >= attempts) throw err;
      const headers = (err as { response?: { headers?: { get?(name: string): string | undefined } } }).response
        ?.headers;
      const retryAfter = Number(headers?.get?.('retry-after'));
      const waitMs =
        Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 500 * 2 ** (attempt - 1);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** A send refused because the conversation is closed to the bot for good, not for a while. */
function chatGone(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === 403 || status === 404;
}

/**
 * Runs proactive `logic` and hands its outcome back to the caller. botbuilder runs proactive logic
 * through its middleware, which passes a thrown error to the adapter's onTurnError and swallows it:
 * the caller would never learn that a card was not delivered (and onTurnError would post "Sorry,
 * something went wrong" into a channel nobody was talking in). Errors are caught here instead.
 */
async function proactive<T>(
  start: (logic: (context: TurnContext) => Promise<void>) => Promise<void>,
  logic: (context: TurnContext) => Promise<T>,
): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await start(async (context) => {
    try {
      outcome = { ok: true, value: await logic(context) };
    } catch (error) {
      outcome = { ok: false, error };
    }
  });
  if (!outcome) throw new Error('The connector did not run the proactive turn.');
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/**
 * The Messenger port over the Bot Framework connector (CloudAdapter): renders each notice into its card
 * or message, finds where a person or channel is (the conversation references the bot remembered), and
 * sends with continueConversation / createConversation.
 */
export class TeamsMessenger implements Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly refs: ConversationReferenceStore,
    private readonly rendering: { now: () => Date; preferences?: UserPreferencesStore } = { now: () => new Date() },
  ) {}

  /** The notice for its reader, in the time zone and locale they last chatted with (UTC when never). */
  private async render(notice: Notice, readerId: string | undefined): Promise<Partial<Activity>> {
    const reader = readerId ? await this.rendering.preferences?.get(readerId).catch(() => undefined) : undefined;
    return noticeActivity(notice, { now: this.rendering.now(), reader });
  }

  async send(to: ConversationAddress, notice: Notice): Promise<PostedMessage> {
    return this.sendActivity(to, await this.render(notice, noticeReaderId(notice, to)));
  }

  async sendToPerson(person: Person, notice: Notice, via: ConversationAddress): Promise<PostedMessage> {
    const activity = await this.render(notice, noticeReaderId(notice) ?? person.aadObjectId);
    const remembered = await this.refs.user(person.aadObjectId);
    if (remembered) {
      try {
        return await this.sendActivity(remembered, activity);
      } catch (err) {
        if (!chatGone(err)) throw err;
        // The user removed or blocked the bot since (Teams answers 403 MessageWritesBlocked or
        // BotNotInConversationRoster; 404 for a chat that is gone): the reference is no use any more. Forget it,
        // and open the 1:1 chat again (which works once the app is back, e.g. installed for approvers).
        await this.refs.forgetUser(person.aadObjectId);
      }
    }
    return this.openChat(
      via,
      { id: person.mri ?? person.aadObjectId, aadObjectId: person.aadObjectId, name: person.name },
      activity,
    );
  }

  async postToChannel(channelId: string, notice: Notice, route: ChannelRoute = {}): Promise<PostedMessage> {
    const through = route.via ?? (await this.refs.channel(channelId)) ?? route.fallback;
    if (!through) throw new Error('No conversation reference for the channel: the bot must be installed in its team.');
    return this.newThread(through, channelId, await this.render(notice, undefined));
  }

  async update(message: PostedMessage, notice: Notice): Promise<void> {
    const activity = await this.render(notice, noticeReaderId(notice, message.conversation));
    await proactive(
      (logic) => this.adapter.continueConversationAsync(this.botAppId, reference(message.conversation), logic),
      async (context) => {
        await context.updateActivity({
          ...activity,
          id: message.activityId,
          conversation: context.activity.conversation,
        });
      },
    );
  }

  async teamsUserId(aadObjectId: string): Promise<string | undefined> {
    return (await this.refs.user(aadObjectId))?.user?.id;
  }

  private async sendActivity(to: ConversationAddress, activity: Partial<Activity>): Promise<PostedMessage> {
    const activityId = await proactive(
      (logic) => this.adapter.continueConversationAsync(this.botAppId, reference(to), logic),
      async (context) => (await retryThrottled(() => context.sendActivity(activity)))?.id ?? '',
    );
    return { conversation: to, activityId };
  }

  /** Opens (or reuses) the 1:1 chat with a user who has the bot, then sends. */
  private openChat(
    via: ConversationAddress,
    user: { id: string; aadObjectId?: string; name?: string },
    activity: Partial<Activity>,
  ): Promise<PostedMessage> {
    const member = { id: user.id, aadObjectId: user.aadObjectId, name: user.name ?? '' };
    const tenantId = via.conversation?.tenantId;
    const params = {
      isGroup: false,
      bot: via.bot,
      members: [member],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    return this.createConversation(via, params, async (context): Promise<PostedMessage> => {
      const id = (await retryThrottled(() => context.sendActivity(activity)))?.id ?? '';
      return {
        conversation: {
          channelId: via.channelId ?? 'msteams',
          serviceUrl: via.serviceUrl,
          bot: via.bot,
          user: member,
          conversation: {
            id: context.activity.conversation.id,
            conversationType: 'personal',
            isGroup: false,
            tenantId,
            name: '',
          },
        },
        activityId: id,
      };
    });
  }

  /** A new thread in a team channel. */
  private newThread(via: ConversationAddress, channelId: string, activity: Partial<Activity>): Promise<PostedMessage> {
    const tenantId = via.conversation?.tenantId;
    const params = {
      isGroup: true,
      bot: via.bot,
      tenantId,
      activity,
      channelData: { channel: { id: channelId }, tenant: { id: tenantId } },
    } as ConversationParameters;
    return this.createConversation(via, params, async (context): Promise<PostedMessage> => {
      // Teams answers createConversation with the new thread's id ("19:…;messageid=…") and the
      // first activity's id.
      const created = context.activity;
      return {
        conversation: {
          channelId: via.channelId ?? 'msteams',
          serviceUrl: via.serviceUrl,
          bot: via.bot,
          conversation: {
            id: created.conversation.id,
            conversationType: 'channel',
            isGroup: true,
            tenantId,
            name: '',
          },
        },
        activityId: /;messageid=(.+)$/.exec(created.conversation.id)?.[1] ?? created.id ?? '',
      };
    });
  }

  /** createConversation through the service the `via` conversation lives on, its outcome handed back. */
  private createConversation<T>(
    via: ConversationAddress,
    params: ConversationParameters,
    logic: (context: TurnContext) => Promise<T>,
  ): Promise<T> {
    return proactive(
      (run) =>
        this.adapter.createConversationAsync(
          this.botAppId,
          via.channelId ?? 'msteams',
          via.serviceUrl ?? '',
          '',
          params,
          run,
        ),
      logic,
    );
  }
}

/** A stored address is the conversation reference the adapter gave the domain: hand it back as one. */
function reference(address: ConversationAddress): Partial<ConversationReference> {
  return address as Partial<ConversationReference>;
}
