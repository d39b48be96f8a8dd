import type { PimTarget, TicketInfo } from '../pim/pim-types';
import type { ConversationAddress, PostedMessage } from '../shared/conversation-address';

/**
 * A PIM request as PIM Bot tracks it, from submission (in chat, or seen by the activation watcher) to
 * its end: one record per request, one status, and an explicit claim per job step. Every change is a
 * compare-and-swap of the whole record (PimRequestStore.update). No tokens, ever.
 */
export interface PimRequest {
  /** PIM's schedule request id. */
  id: string;
  target: PimTarget;
  requester: Person;
  /** Made through PIM Bot, or seen in PIM (portal, PowerShell, another tool). */
  source: 'bot' | 'external';
  durationMinutes: number;
  justification?: string;
  ticket?: TicketInfo;
  /** ISO: when it was requested. */
  requestedAt: string;
  status: RequestStatus;
  /** ISO: when it took effect, and when it ends as planned (null: no end). Set once active. */
  activeFrom?: string;
  activeUntil?: string | null;
  /** ISO: when it ended (expired or deactivated). */
  endedAt?: string;
  /** The assignment schedule it created (Graph's targetScheduleId), when known. */
  scheduleId?: string;
  /** The requester's 1:1 chat with the bot, when the request was made there. */
  chat?: RequesterChat;
  /** Set when PIM answered PendingApproval. */
  approval?: ApprovalPart;
  /** Set when the activation was announced to the channel feed. */
  feed?: FeedPart;
  /** The id of the activation form that made it: a second Activate on that form finds it and sends nothing. */
  submissionKey?: string;
  /** Job steps on this request: who claimed them (a lease) and when they were done. */
  steps: RequestSteps;
}

/**
 * Where a request stands. Before it is in effect: waiting for an approver, approved (PIM is provisioning
 * it). In effect: active. Never in effect: denied, timedOut (nobody decided within PIM's 24 hours),
 * canceled, failed. After: expired (ran to its end) or deactivated (ended early).
 */
export type RequestStatus =
  | 'pendingApproval'
  | 'approved'
  | 'active'
  | 'denied'
  | 'timedOut'
  | 'canceled'
  | 'failed'
  | 'expired'
  | 'deactivated';

export const ENDED_STATUSES: ReadonlySet<RequestStatus> = new Set(['expired', 'deactivated']);
/** Decided by an approver or PIM: no more decisions, reminders or escalations. */
export const SETTLED_STATUSES: ReadonlySet<RequestStatus> = new Set([
  'approved',
  'active',
  'denied',
  'timedOut',
  'canceled',
  'failed',
  'expired',
  'deactivated',
]);

export interface Person {
  aadObjectId: string;
  name: string;
  upn?: string | null;
  /** Teams user id ("29:…"), when known: used for the approval card's refresh.userIds. */
  mri?: string;
}

export interface RequesterChat {
  conversation: ConversationAddress;
  /** The status card in that chat, updated in place as the request moves on. */
  statusMessageId?: string;
  /** The expiry warning card, turned into the final card at the end. */
  warningMessageId?: string;
  /** The requester's Teams client time zone (IANA) and locale, for the times on their cards. */
  timeZone?: string;
  locale?: string;
}

export type ApprovalHintKind =
  | 'outsideBusinessHours'
  | 'severalRoles'
  | 'firstTime'
  | 'breakGlass'
  | 'highPrivilege'
  | 'defaultApprovers';

/**
 * Something an approver should notice, as data: the views word it in each reader's language (approval:hint.*).
 * `count`: how many other requests of the requester were waiting (severalRoles). `text` is the English sentence
 * records written before hints became codes still carry; nothing writes it any more.
 */
export interface ApprovalHint {
  kind: ApprovalHintKind;
  count?: number;
  text?: string;
}

export interface ApprovalPart {
  approvalId: string;
  /** Who may decide (the requester never). */
  approvers: Person[];
  /**
   * The role's PIM policy requires approval but names nobody, so `approvers` are PIM's defaults: whoever held
   * Privileged Role Administrator or Global Administrator when the request was routed (approvals/default-approvers.ts).
   */
  defaultApprovers?: true;
  hints: ApprovalHint[];
  decision?: { by: Person; at: string; comment?: string };
  /** Every approval card posted: 1:1 to approvers, in the approvals channel, escalated to the fallback channel. */
  copies: ApprovalCopy[];
}

export interface ApprovalCopy {
  audience: 'approver' | 'channel';
  /** The approver of a 1:1 copy. */
  userAadObjectId?: string;
  /** The channel of a channel copy. */
  channelId?: string;
  message: PostedMessage;
}

export interface FeedPart {
  /** A break-glass account: the cards are urgent and also go to the security channel. */
  urgent: boolean;
  copies: FeedCopy[];
  /** Channels a post is on its way to, with the ISO time the post was claimed. */
  posting: Record<string, string>;
  announcedAt: string;
}

export interface FeedCopy {
  channelId: string;
  message: PostedMessage;
  /** What the posted card shows: 'active', or the end state (behind the record until its update went through). */
  shows: 'active' | 'expired' | 'deactivated';
  /** Posted because the security channel gets every break-glass activation. */
  security: boolean;
}

/** One step of a job: claimed by one instance (a lease that lapses if it dies), then done. */
export interface Step {
  claimedAt?: string;
  by?: string;
  /** The planned end this step is for (expiry warnings: a moved end gets its own warning). */
  for?: string;
  doneAt?: string;
}

export interface RequestSteps {
  /** An approver's decision on its way to Graph. */
  decide?: Step;
  /** Approval reminder, escalation, and the jobs (timers) that run them. */
  remind?: Step;
  escalate?: Step;
  timers?: Step;
  /** Everyone told it is active (feed, expiry jobs, requester card) after PIM provisioned it. */
  activated?: Step;
  /** The expiry warning before the planned end. */
  warn?: Step;
  /** Every card says it ended. */
  ended?: Step;
}

/** A request the bot just submitted or first saw, before any job touched it. */
export function newRequest(
  fields: Omit<PimRequest, 'steps' | 'source'> & { source?: PimRequest['source'] },
): PimRequest {
  return { source: 'bot', ...fields, steps: {} };
}

/** Whether the request is, or was, in effect and is known to have ended. */
export function hasEnded(request: PimRequest): boolean {
  return ENDED_STATUSES.has(request.status);
}

/** The end state of a request that ended, for cards. */
export function endState(request: PimRequest): 'expired' | 'deactivated' | undefined {
  return request.status === 'expired' || request.status === 'deactivated' ? request.status : undefined;
}
