import type { Activity, ConversationReference } from 'botbuilder';

/** Where a proactive message landed: enough to update it in place later. */
export interface PostedMessage {
  conversation: Partial<ConversationReference>;
  activityId: string;
}

/** Proactive sends and in-place updates: the port the application services use to reach Teams. */
export interface Messenger {
  /** Into an existing conversation (a user's 1:1 chat, or a channel thread). */
  send(conversation: Partial<ConversationReference>, activity: Partial<Activity>): Promise<PostedMessage>;
  /** Opens (or reuses) the 1:1 chat with a user who has the bot, then sends. */
  sendToUser(
    via: Partial<ConversationReference>,
    user: { id: string; aadObjectId?: string; name?: string },
    activity: Partial<Activity>,
  ): Promise<PostedMessage>;
  /** A new thread in a team channel. */
  postToChannel(
    via: Partial<ConversationReference>,
    channelId: string,
    activity: Partial<Activity>,
  ): Promise<PostedMessage>;
  update(message: PostedMessage, activity: Partial<Activity>): Promise<void>;
}
