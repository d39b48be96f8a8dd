import type { Activity } from 'botbuilder';
import type {
  ChannelRoute,
  ConversationAddress,
  Messenger,
  Notice,
  PostedMessage,
} from '../../src/notifications/messenger';
import type { ConversationReferenceStore } from '../../src/teams/conversation-references';
import { noticeActivity } from '../../src/teams/notice-activity';

export interface Post {
  channelId: string;
  via: ConversationAddress;
  activity: Partial<Activity>;
  message: PostedMessage;
}

/**
 * Records what would reach Teams, each card rendered as the Teams adapter renders it, and finds where a
 * channel is as the adapter does (its remembered reference, else the one given); channels in `failing`
 * refuse posts and updates.
 */
export class RecordingMessenger implements Messenger {
  readonly posts: Post[] = [];
  readonly updates: Array<{ message: PostedMessage; activity: Partial<Activity> }> = [];
  readonly failing = new Set<string>();
  private next = 0;

  constructor(
    private readonly refs: ConversationReferenceStore,
    private readonly now: Date,
  ) {}

  async send(): Promise<PostedMessage> {
    throw new Error('the feed only posts to channels');
  }

  async sendToPerson(): Promise<PostedMessage> {
    throw new Error('the feed only posts to channels');
  }

  async teamsUserId(): Promise<string | undefined> {
    return undefined;
  }

  async postToChannel(channelId: string, notice: Notice, route: ChannelRoute = {}): Promise<PostedMessage> {
    if (this.failing.has(channelId)) throw new Error(`Teams refused the post in ${channelId}`);
    const through = route.via ?? (await this.refs.channel(channelId)) ?? route.fallback;
    if (!through) throw new Error(`No reference for ${channelId}`);
    const id = `msg-${++this.next}`;
    const message = {
      conversation: { ...through, conversation: { id: `${channelId};messageid=${id}`, isGroup: true, name: '' } },
      activityId: id,
    } as PostedMessage;
    this.posts.push({ channelId, via: through, activity: noticeActivity(notice, { now: this.now }), message });
    return message;
  }

  async update(message: PostedMessage, notice: Notice): Promise<void> {
    const channelId = String(message.conversation.conversation?.id).split(';')[0] ?? '';
    if (this.failing.has(channelId)) throw new Error(`Teams refused the update in ${channelId}`);
    this.updates.push({ message, activity: noticeActivity(notice, { now: this.now }) });
  }

  postsIn(channelId: string): Post[] {
    return this.posts.filter((p) => p.channelId === channelId);
  }
}
