import type { Person } from '../requests/pim-request';
import type { ConversationAddress } from '../shared/conversation-address';

/**
 * How an approver was made reachable: `known` (the bot already has a chat with them), `installed` (the bot
 * installed itself for them), `alreadyInstalled` (they had the app, the bot only learnt the chat), or
 * `failed` (logged with Graph's answer and what to do; the card is still tried the usual way).
 */
export type ReachOutcome = 'known' | 'installed' | 'alreadyInstalled' | 'failed';

/**
 * The port that makes sure the bot has a 1:1 chat with an approver before their approval card goes out: an
 * approver who never opened PIM Bot would otherwise never see it (Teams refuses a chat with someone who has
 * not got the app). Implemented in src/teams/approver-installer.ts with Microsoft Graph.
 */
export interface ApproverReach {
  /**
   * Idempotent, and safe to call for the same approver from concurrent deliveries. Never throws.
   * `via`: a conversation of the same tenant and Teams service (the requester's chat);
   * `requesterId`: someone known to have the app, whose installation names the app's catalog id.
   */
  prepare(approver: Person, via: ConversationAddress, requesterId: string): Promise<ReachOutcome>;
}
