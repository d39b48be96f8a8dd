import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { RequesterSessions } from '../activation/queued-activation';
import type { PimClient } from '../pim/pim-client';
import type { ConversationAddress } from '../shared/conversation-address';
import type { TurnSessions } from './turn-sessions';

/**
 * A user's PIM client for a job (an activation queued to follow a running one): a proactive turn in their
 * 1:1 chat gets their token the way their own turns do (Teams SSO through the Bot Framework token
 * service, or the demo identity), verified to name that user. The token stays in memory, in the client.
 */
export class ProactiveRequesterSessions implements RequesterSessions {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly sessions: TurnSessions,
  ) {}

  async pimFor(chat: ConversationAddress, userId: string): Promise<PimClient | undefined> {
    let pim: PimClient | undefined;
    await this.adapter.continueConversationAsync(
      this.botAppId,
      chat as Partial<ConversationReference>,
      async (context) => {
        // The chat's user must be the one it is for (a reference of someone else's chat gets nothing).
        if (context.activity.from?.aadObjectId?.toLowerCase() !== userId.toLowerCase()) return;
        pim = await this.sessions.pimFor(context);
      },
    );
    return pim;
  }
}
