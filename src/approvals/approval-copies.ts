import type { Messenger } from '../notifications/messenger';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { PimRequest } from '../requests/pim-request';
import type { ConversationAddress, PostedMessage } from '../shared/conversation-address';
import { isDecided } from './approval-rules';

/** Copies updated at once (each is its own conversation; Teams' limits are per conversation). */
const UPDATE_CONCURRENCY = 5;

/**
 * Every Teams copy of a request's approval: the approval cards (approvers' 1:1 chats, the approvals
 * channel, the fallback channel), and the requester's status card and chat. Updates are best effort per
 * copy: one card that cannot be updated does not keep the others stale.
 */
export class ApprovalCopies {
  constructor(
    private readonly messenger: Messenger,
    private readonly logger: Logger,
  ) {}

  /** A new approval card in a channel (read-only view; approvers get theirs by refresh); undefined when it failed. */
  async postToChannel(
    channelId: string,
    request: PimRequest,
    via: ConversationAddress,
  ): Promise<PostedMessage | undefined> {
    try {
      // The channel's own conversation when the bot has one; the requester's chat gives tenant and service.
      return await this.messenger.postToChannel(channelId, { kind: 'approvalCard', request }, { fallback: via });
    } catch (err) {
      this.logger.warn({ err: errorSummary(err), channelId }, 'could not post to the approvals channel');
      return undefined;
    }
  }

  /**
   * The request was decided (or expired): every approval card, the requester's status card, and a line
   * to the requester. `skipActivityId`: the card the deciding approver clicked (the invoke answers it).
   */
  async publish(request: PimRequest, skipActivityId?: string): Promise<void> {
    const copies = (request.approval?.copies ?? []).filter(
      (copy) => !skipActivityId || copy.message.activityId !== skipActivityId,
    );
    // A few copies at a time, each in its own conversation: the deciding approver's click waits for this, and
    // Teams stops waiting for an answer after about 15 s (one update after another would reach that with a
    // dozen approvers on a slow connector).
    for (let i = 0; i < copies.length; i += UPDATE_CONCURRENCY) {
      await Promise.all(
        copies
          .slice(i, i + UPDATE_CONCURRENCY)
          .map((copy) =>
            this.messenger
              .update(copy.message, { kind: 'approvalCard', request, viewerId: copy.userAadObjectId })
              .catch((err) =>
                this.logger.warn({ err: errorSummary(err), audience: copy.audience }, 'card update failed'),
              ),
          ),
      );
    }
    const chat = request.chat;
    if (!chat) return;
    if (chat.statusMessageId && chat.statusMessageId !== skipActivityId) {
      await this.messenger
        .update(
          { conversation: chat.conversation, activityId: chat.statusMessageId },
          { kind: 'requestStatus', request },
        )
        .catch((err) => this.logger.warn({ err: errorSummary(err), audience: 'requester' }, 'card update failed'));
    }
    if (isDecided(request)) {
      await this.messenger
        .send(chat.conversation, { kind: 'requestDecided', request })
        .catch((err) => this.logger.warn({ err: errorSummary(err) }, 'requester not told'));
    }
  }
}
