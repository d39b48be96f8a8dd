/**
 * Where a conversation is: the Teams adapter's conversation reference (a 1:1 chat, a channel thread),
 * kept by the domain and handed back to the adapter as it is. The domain reads only what it needs to
 * compare conversations; it never builds one.
 */
export interface ConversationAddress {
  readonly channelId?: string;
  readonly serviceUrl?: string;
  readonly conversation?: {
    readonly id: string;
    readonly tenantId?: string;
    readonly conversationType?: string;
    readonly isGroup?: boolean;
    readonly name?: string;
  };
  readonly user?: { readonly id: string; readonly aadObjectId?: string; readonly name?: string };
  readonly bot?: { readonly id: string; readonly name?: string };
}

/** Where a message the bot posted landed: enough to update it in place later. */
export interface PostedMessage {
  conversation: ConversationAddress;
  activityId: string;
}
