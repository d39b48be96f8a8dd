import { type Activity, CardFactory, type ConversationReference, MessageFactory, type TurnContext } from 'botbuilder';
import { type AdaptiveCard, approvalCard, errorCard, pendingApprovalsCard, statusCard } from '../../cards';
import { describeMinutes } from '../pim/iso-duration';
import { formatLocalTime } from '../shared/local-time';
import type { PimSessions } from '../activation/pim-sessions';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import type { PimClient } from '../pim/pim-client';
import { PimError } from '../pim/pim-error';
import type { ActivationPolicy, ApprovalDecision, PimTarget, ScheduleRequest } from '../pim/pim-types';
import { errorSummary } from '../observability/error-summary';
import type { ConversationReferenceStore } from '../store/conversation-references';
import type { CardCopy, TrackedPerson, TrackedRequest, TrackedRequestStore } from '../store/tracked-requests';
import { leaseHeld } from '../store/compare-and-swap';
import type { FeedActivation } from '../notifications/activation-feed';
import type { Messenger, PostedMessage } from '../notifications/messenger';
import { approvalHints } from './approval-hints';
import { APPROVAL_WINDOW_MS, approvalModel, requesterStatusModel } from './approval-view';
import { resolveApprovers } from './approver-resolver';
import type { ActiveUntilReader, TrackedActivation } from '../activation/activation-lifecycle';
import type { DueJobHandler, RunningJob, Scheduler } from '../scheduler/scheduler';

export interface ApprovalSettings {
  /** Entra object ids of break-glass accounts: their requests carry a red hint. */
  breakGlassIds: ReadonlySet<string>;
  /** The approvals channel for a role or group, if configured. */
  approvalChannelFor(target: PimTarget): string | undefined;
  /** Channel that gets requests nobody decided in time (before the 24 h limit). */
  fallbackChannelId?: string;
  reminderAfterMs: number;
  escalateAfterMs: number;
}

export interface ApprovalServiceDependencies {
  tracked: TrackedRequestStore;
  refs: ConversationReferenceStore;
  messenger: Messenger;
  /** App-only directory reads (approver groups, managers). */
  directory: DirectoryClient;
  sessions: PimSessions;
  settings: ApprovalSettings;
  logger: Logger;
  /** Channel feed: approved activations are announced once PIM has provisioned them. */
  feed?: { announce(activation: FeedActivation): Promise<void> };
  /** Reminders, escalation, expiry and the follow-up until provisioned run as jobs on any instance. */
  scheduler: Scheduler;
  /** App-only read of an activation's end, for the follow-up job (no user token outside a turn). */
  reader: ActiveUntilReader;
  /** Approved activations get their expiry warning and Expired card too. */
  lifecycle?: { track(activation: TrackedActivation): Promise<void> };
  now?: () => Date;
}

export const APPROVAL_JOBS = {
  deliver: 'approval.deliver',
  remind: 'approval.remind',
  escalate: 'approval.escalate',
  expire: 'approval.expire',
  follow: 'approval.follow',
} as const;

/** Follow-up reads after an approval until PIM shows the activation, then it is left to Graph's e-mail. */
const DELIVERY_CONCURRENCY = 5;
const FOLLOW_DELAYS_MS = [0, 2_000, 5_000, 15_000, 30_000, 60_000, 120_000];

export interface RouteInput {
  request: ScheduleRequest;
  target: PimTarget;
  policy: ActivationPolicy;
  requester: TrackedPerson;
  requesterConversation: Partial<ConversationReference>;
  statusActivityId?: string;
  durationMinutes: number;
  justification?: string;
  ticket?: string;
  ticketSystem?: string;
  timeZone?: string;
}

const card = (content: AdaptiveCard): Partial<Activity> => MessageFactory.attachment(CardFactory.adaptiveCard(content));
const DECIDING_STALE_MS = 2 * 60_000;

/**
 * Inline approvals: delivers the approval card to every approver (1:1, and an approvals channel where
 * configured), takes the decision with the approver's own token, keeps exactly one decision per request
 * (compare-and-swap claim, so concurrent clicks and replays are harmless) and updates every card copy.
 */
export class ApprovalService {
  private readonly now: () => Date;

  constructor(private readonly deps: ApprovalServiceDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /** A request came back PendingApproval: find its approvers and put the card in front of them. */
  async route(input: RouteInput): Promise<TrackedRequest> {
    const { deps } = this;
    const approvers = await resolveApprovers(deps.directory, input.policy.approvers, input.requester.aadObjectId);
    for (const approver of approvers) {
      const ref = await deps.refs.user(approver.aadObjectId);
      if (ref?.user?.id) approver.mri = ref.user.id;
    }
    const pending = await deps.tracked.pending();
    const requestedAt = input.request.createdDateTime ?? this.now();
    const tracked: TrackedRequest = {
      requestId: input.request.id,
      approvalId: input.request.approvalId ?? input.request.id,
      kind: input.request.kind,
      target: input.target,
      requester: input.requester,
      durationMinutes: input.durationMinutes,
      justification: input.justification,
      ticket: input.ticket,
      ticketSystem: input.ticketSystem,
      requestedAt: requestedAt.toISOString(),
      approvers,
      hints: approvalHints({
        target: input.target,
        requestedAt,
        timeZone: input.timeZone,
        otherPending: pending.filter((p) => p.requester.aadObjectId === input.requester.aadObjectId).length,
        askedBefore: await this.askedBefore(input.requester.aadObjectId, input.target),
        isBreakGlass: deps.settings.breakGlassIds.has(input.requester.aadObjectId.toLowerCase()),
      }),
      status: 'pending',
      cards: input.statusActivityId
        ? [
            {
              audience: 'requester',
              userAadObjectId: input.requester.aadObjectId,
              conversation: input.requesterConversation,
              activityId: input.statusActivityId,
            },
          ]
        : [],
      requesterTimeZone: input.timeZone,
      requesterConversation: input.requesterConversation,
    };
    await deps.tracked.create(tracked);
    await this.rememberAsked(input.requester.aadObjectId, input.target);
    // The cards go out in a job (due now), not in the requester's turn: a slow or failing connector
    // must not hold up the requester, and a delivery that fails is retried.
    await deps.scheduler.at(this.now(), { type: APPROVAL_JOBS.deliver, id: tracked.requestId, payload: null });
    await this.scheduleTimers(tracked, requestedAt);
    return tracked;
  }

  /**
   * Puts the approval card in front of every approver (their 1:1 chat) and in the approvals channel.
   * Idempotent: copies already recorded are not sent again, so a retried job only fills the gaps; it
   * fails (and is retried) while some approver could not be reached.
   */
  private async deliver(requestId: string): Promise<void> {
    const { deps } = this;
    const request = await deps.tracked.get(requestId);
    if (request?.status !== 'pending') return;
    const via = requesterChat(request);
    if (!via) return;
    const has = (audience: CardCopy['audience'], match: (c: CardCopy) => boolean) =>
      request.cards.some((c) => c.audience === audience && match(c));
    const record = (copy: CardCopy) =>
      deps.tracked.update(requestId, (current) => ({ ...current, cards: [...current.cards, copy] }));
    const unreached: string[] = [];
    const deliverTo = async (approver: TrackedPerson) => {
      try {
        const view = card(
          approvalCard(approvalModel(request, { now: this.now() }), { aadObjectId: approver.aadObjectId }),
        );
        const ref = await deps.refs.user(approver.aadObjectId);
        const posted = ref
          ? await deps.messenger.send(ref, view)
          : await deps.messenger.sendToUser(
              via,
              { id: approver.mri ?? approver.aadObjectId, aadObjectId: approver.aadObjectId, name: approver.name },
              view,
            );
        await record({ audience: 'approver', userAadObjectId: approver.aadObjectId, ...posted });
      } catch (err) {
        unreached.push(approver.aadObjectId);
        deps.logger.warn(
          { err: errorSummary(err), requestId, approver: approver.aadObjectId },
          'could not deliver the approval card',
        );
      }
    };
    // A few at a time: one unreachable approver (the connector can take seconds to say so) does not
    // hold up the others, and a large approver group does not burst past Teams' rate limits.
    const waiting = request.approvers.filter((a) => !has('approver', (c) => c.userAadObjectId === a.aadObjectId));
    for (let i = 0; i < waiting.length; i += DELIVERY_CONCURRENCY) {
      await Promise.all(waiting.slice(i, i + DELIVERY_CONCURRENCY).map(deliverTo));
    }
    const channelId = deps.settings.approvalChannelFor(request.target);
    if (channelId && !has('channel', (c) => c.channelId === channelId)) {
      const posted = await this.postToChannel(channelId, request, via);
      if (posted) await record({ audience: 'channel', channelId, ...posted });
      else unreached.push('the approvals channel');
    }
    // Decided while the cards were on their way: the copies just posted show the decision too.
    const now = await deps.tracked.get(requestId);
    if (now && now.status !== 'pending') {
      const fresh = now.cards.filter((c) => !request.cards.some((old) => old.activityId === c.activityId));
      for (const copy of fresh) {
        const view = approvalCard(approvalModel(now, { now: this.now() }), { aadObjectId: copy.userAadObjectId });
        await deps.messenger
          .update(copy as PostedMessage, card(view))
          .catch((err) => deps.logger.warn({ err: errorSummary(err) }, 'card update failed'));
      }
      return;
    }
    if (unreached.length > 0) {
      // Ids only: the message is kept in the queue (and its dead-letter queue).
      throw new Error(`Approval card not delivered to ${unreached.join(', ')}; will retry.`);
    }
  }

  /** The approver's inbox: requests waiting for their decision, from Graph (also those made outside the bot). */
  async inbox(pim: PimClient, timeZone?: string): Promise<AdaptiveCard> {
    const waiting = await pim.listAwaitingMyApproval();
    const items = await Promise.all(
      waiting.map(async (request) => {
        const tracked = await this.deps.tracked.get(request.id);
        const requested = request.createdDateTime ?? this.now();
        const requester =
          tracked?.requester.name ??
          (await this.deps.directory
            .getUser(request.principalId)
            .then((u) => u.displayName)
            .catch(() => request.principalId));
        return {
          requestId: request.id,
          requesterName: requester,
          targetName: tracked?.target.displayName ?? request.roleDefinitionId ?? request.groupId ?? 'role',
          durationText: tracked ? describeMinutes(tracked.durationMinutes) : (request.duration ?? ''),
          justification: request.justification,
          ticketNumber: request.ticket?.ticketNumber ?? null,
          requestedAtText: formatLocalTime(requested, timeZone, 'en-GB', this.now()),
          expiresAtText: formatLocalTime(
            new Date(requested.getTime() + APPROVAL_WINDOW_MS),
            timeZone,
            'en-GB',
            this.now(),
          ),
          hints: tracked?.hints ?? null,
        };
      }),
    );
    return pendingApprovalsCard({ items });
  }

  /** The approval card as this viewer should see it now (Universal Actions refresh). */
  async view(requestId: string, viewerId: string | undefined): Promise<AdaptiveCard | undefined> {
    const tracked = await this.deps.tracked.get(requestId);
    const viewer = viewerId?.toLowerCase();
    // Only the people the request concerns see it; a request id alone is not a right to read it.
    const concerned =
      viewer !== undefined &&
      (viewer === tracked?.requester.aadObjectId.toLowerCase() ||
        tracked?.approvers.some((a) => a.aadObjectId.toLowerCase() === viewer));
    return tracked && concerned
      ? approvalCard(approvalModel(tracked, { now: this.now() }), { aadObjectId: viewerId })
      : undefined;
  }

  /**
   * Approve or deny from a card. Checks that the clicker is an approver of this request and not the
   * requester, claims the decision (one winner), decides with the clicker's own token, then updates
   * every copy. Returns the card to answer the invoke with.
   */
  async decide(
    context: TurnContext,
    requestId: unknown,
    decision: ApprovalDecision,
    comment: string,
  ): Promise<AdaptiveCard> {
    const { deps } = this;
    const clicker = context.activity.from?.aadObjectId?.toLowerCase() ?? '';
    const tracked = typeof requestId === 'string' ? await deps.tracked.get(requestId) : undefined;
    if (!tracked) {
      return approvalErrorCard('This request is unknown to PIM Bot.', 'Type "pending" to see what waits for you.');
    }
    const viewFor = (
      t: TrackedRequest,
      extra: { alreadyDecidedNote?: string; errorText?: string; commentValue?: string } = {},
    ) => approvalCard(approvalModel(t, { now: this.now(), ...extra }), { aadObjectId: clicker });

    if (clicker === tracked.requester.aadObjectId.toLowerCase()) {
      return viewFor(tracked, { errorText: 'You cannot approve or deny your own request.' });
    }
    if (!tracked.approvers.some((a) => a.aadObjectId.toLowerCase() === clicker)) {
      deps.logger.warn({ requestId: tracked.requestId, clicker }, 'approval action by a non-approver refused');
      return viewFor(tracked, { errorText: 'Only the approvers of this request can decide it.' });
    }
    if (tracked.status !== 'pending') return viewFor(tracked, { alreadyDecidedNote: decidedNote(tracked) });
    const reason = comment.trim();
    if (decision === 'Deny' && !reason) {
      return viewFor(tracked, { errorText: 'A reason is required to deny.' });
    }

    const claimed = await deps.tracked.update(tracked.requestId, (current) => {
      if (current.status !== 'pending' || leaseHeld(current.deciding?.at, this.now(), DECIDING_STALE_MS))
        return undefined;
      return { ...current, deciding: { by: clicker, at: this.now().toISOString() } };
    });
    if (!claimed?.changed) {
      // Someone else's click is deciding: answer with the outcome once it is known.
      const settled = await this.waitForDecision(tracked.requestId);
      return viewFor(settled ?? tracked, settled ? { alreadyDecidedNote: decidedNote(settled) } : {});
    }

    const pim = await deps.sessions.forTurn(context);
    if (!pim) {
      await this.release(tracked.requestId);
      return viewFor(tracked, { errorText: `I could not get your sign-in. ${deps.sessions.tokens.missingTokenHelp}` });
    }
    let final: TrackedRequest;
    let note: string | undefined;
    try {
      await pim.decide(
        tracked.kind,
        tracked.approvalId,
        decision,
        reason || 'Approved in Microsoft Teams',
        tracked.target,
      );
      final = await this.settle(tracked.requestId, {
        status: decision === 'Approve' ? 'approved' : 'denied',
        decidedBy: { aadObjectId: clicker, name: context.activity.from?.name || nameOf(tracked, clicker) },
        decisionComment: reason || undefined,
      });
    } catch (err) {
      if (err instanceof PimError && err.kind === 'AlreadyDecided') {
        final = await this.settleFromGraph(pim, tracked);
        note = decidedNote(final);
      } else {
        await this.release(tracked.requestId);
        const message = err instanceof PimError ? err.userText : 'Something went wrong; nothing was decided.';
        if (!(err instanceof PimError)) deps.logger.error({ err: errorSummary(err) }, 'approval failed');
        return viewFor(tracked, { errorText: message, commentValue: reason });
      }
    }
    await this.publish(final, context.activity.replyToId);
    if (final.status === 'approved') {
      // Outside the approver's turn: a job reads (app-only) until PIM has provisioned it.
      await deps.scheduler
        .at(this.now(), { type: APPROVAL_JOBS.follow, id: final.requestId, payload: { attempt: 0 } })
        .catch((err) => deps.logger.error({ err: errorSummary(err) }, 'approval follow-up not scheduled'));
    }
    return viewFor(final, { alreadyDecidedNote: note });
  }

  /** The approval's jobs, by type, for the scheduler. */
  jobHandlers(): Record<string, DueJobHandler> {
    return {
      [APPROVAL_JOBS.deliver]: (job) => this.deliver(job.id),
      [APPROVAL_JOBS.remind]: (job) => this.remind(job.id),
      [APPROVAL_JOBS.escalate]: (job) => this.escalate(job.id),
      [APPROVAL_JOBS.expire]: (job) => this.expire(job.id),
      [APPROVAL_JOBS.follow]: (job) => this.follow(job),
    };
  }

  /**
   * Expiry, reminder and escalation jobs of a request, the expiry first (a request must not stay pending
   * for ever). One that cannot be queued is logged, not thrown: the request is in PIM either way. Marks
   * the request, so `resumeTimers` at start-up does not queue them again.
   */
  private async scheduleTimers(request: TrackedRequest, requestedAt: Date): Promise<void> {
    const { scheduler, settings, logger } = this.deps;
    const after = (ms: number) => new Date(requestedAt.getTime() + ms);
    const id = request.requestId;
    const timers: Array<[Date, string]> = [
      [after(APPROVAL_WINDOW_MS), APPROVAL_JOBS.expire],
      [after(settings.reminderAfterMs), APPROVAL_JOBS.remind],
    ];
    if (settings.fallbackChannelId) timers.push([after(settings.escalateAfterMs), APPROVAL_JOBS.escalate]);
    let queued = true;
    for (const [at, type] of timers) {
      await scheduler.at(at, { type, id, payload: null }).catch((err) => {
        queued = false;
        logger.error({ err: errorSummary(err), requestId: id, jobType: type }, 'approval timer not queued');
      });
    }
    if (queued) await this.deps.tracked.update(id, (c) => (c.timersQueued ? undefined : { ...c, timersQueued: true }));
  }

  /**
   * At start-up: queues the timers of pending requests that have none (made by a version that kept
   * them in process, or whose queueing failed). Duplicates are harmless: every handler claims its step.
   */
  async resumeTimers(): Promise<number> {
    let resumed = 0;
    for (const request of await this.deps.tracked.pending()) {
      if (request.timersQueued) continue;
      await this.scheduleTimers(request, new Date(request.requestedAt));
      resumed++;
    }
    if (resumed > 0) this.deps.logger.info({ resumed }, 'approval timers queued for pending requests');
    return resumed;
  }

  /** Still undecided after the reminder delay: each approver is nudged once. */
  private async remind(requestId: string): Promise<void> {
    const { deps } = this;
    const claimed = await deps.tracked.update(requestId, (current) =>
      current.status !== 'pending' || current.remindedAt
        ? undefined
        : { ...current, remindedAt: this.now().toISOString() },
    );
    if (!claimed?.changed) return;
    const request = claimed.value;
    for (const copy of request.cards.filter((c) => c.audience === 'approver')) {
      await deps.messenger
        .send(copy.conversation, {
          type: 'message',
          text: `Reminder: ${request.requester.name} is still waiting for your decision on ${request.target.displayName}.`,
        })
        .catch((err) => deps.logger.warn({ err: errorSummary(err) }, 'reminder not delivered'));
    }
    deps.logger.info({ requestId }, 'approvers reminded');
  }

  /** Still undecided after the escalation delay: the card goes to the fallback channel too. */
  private async escalate(requestId: string): Promise<void> {
    const { deps } = this;
    const channelId = deps.settings.fallbackChannelId;
    if (!channelId) return;
    const now = this.now();
    let busyElsewhere = false;
    const claimed = await deps.tracked.update(requestId, (current) => {
      if (current.status !== 'pending' || current.escalated) return undefined;
      // A claim is a lease: if the instance that took it stopped before posting, it lapses.
      if (leaseHeld(current.escalatedAt, now)) {
        busyElsewhere = true;
        return undefined;
      }
      return { ...current, escalatedAt: now.toISOString() };
    });
    if (busyElsewhere) throw new Error(`Approval ${requestId} is being escalated elsewhere; will check again.`);
    if (!claimed?.changed) return;
    const request = claimed.value;
    const via = requesterChat(request);
    const posted = via ? await this.postToChannel(channelId, request, via) : undefined;
    if (!posted) {
      // Not posted: give the claim back so the job's retry posts it.
      await deps.tracked.update(requestId, (c) => (c.escalatedAt ? { ...c, escalatedAt: undefined } : undefined));
      throw new Error(`Approval ${requestId} not escalated: the fallback channel could not be reached; will retry.`);
    }
    await deps.tracked.update(requestId, (c) => ({
      ...c,
      escalated: true,
      cards: [...c.cards, { audience: 'channel', channelId, ...posted }],
    }));
    deps.logger.info({ requestId, channelId }, 'approval escalated');
  }

  /** Nobody decided within PIM's 24 hours: every card says Expired and the requester is told. */
  private async expire(requestId: string): Promise<void> {
    const result = await this.deps.tracked.update(requestId, (current) =>
      current.status === 'pending' ? { ...current, status: 'expired', deciding: undefined } : undefined,
    );
    if (result?.changed) await this.publish(result.value);
  }

  /** After approval, PIM provisions the assignment; then the requester's card says until when. */
  private async follow(job: RunningJob<unknown>): Promise<void> {
    const request = await this.deps.tracked.get(job.id);
    if (request?.status !== 'approved' || request.provisionedNotified) return;
    if (request.activeUntil) {
      // An earlier run saw it provisioned but did not finish telling the requester: finish that.
      await this.provisioned(request, new Date(request.activeUntil));
      return;
    }
    const attempt = Number((job.payload as { attempt?: unknown } | null)?.attempt) || 0;
    // The assignment instance itself says it is provisioned: no need to read the request first.
    const until = await this.deps.reader.activeUntil(request.requester.aadObjectId, request.target);
    if (until) {
      await this.provisioned(request, until);
      return;
    }
    const next = FOLLOW_DELAYS_MS[attempt + 1];
    if (next === undefined) {
      this.deps.logger.warn({ requestId: job.id }, 'approved request not provisioned after the follow-up; left to PIM');
      return;
    }
    await this.deps.scheduler.at(new Date(this.now().getTime() + next), {
      type: APPROVAL_JOBS.follow,
      id: job.id,
      payload: { attempt: attempt + 1 },
    });
  }

  private async settle(requestId: string, outcome: Partial<TrackedRequest>): Promise<TrackedRequest> {
    const result = await this.deps.tracked.update(requestId, (current) => ({
      ...current,
      ...outcome,
      deciding: undefined,
      decidedAt: this.now().toISOString(),
    }));
    if (!result) throw new Error(`Tracked request ${requestId} disappeared.`);
    return result.value;
  }

  /** Graph says someone already decided (409): record who, from the approval itself. */
  private async settleFromGraph(pim: PimClient, tracked: TrackedRequest): Promise<TrackedRequest> {
    const approval = await pim.getApproval(tracked.kind, tracked.approvalId);
    const step = approval.steps.find((s) => s.reviewResult !== 'NotReviewed') ?? approval.steps[0];
    const byId = step?.reviewedById ?? undefined;
    const result = (step?.reviewResult ?? '').toLowerCase();
    return this.settle(tracked.requestId, {
      status: result === 'approve' ? 'approved' : result === 'deny' ? 'denied' : 'expired',
      decidedBy: byId ? { aadObjectId: byId, name: step?.reviewedByName ?? nameOf(tracked, byId) } : undefined,
      decisionComment: step?.justification ?? undefined,
      decidedAt: step?.reviewedDateTime?.toISOString(),
    });
  }

  private async release(requestId: string): Promise<void> {
    await this.deps.tracked.update(requestId, (current) =>
      current.deciding ? { ...current, deciding: undefined } : undefined,
    );
  }

  private async waitForDecision(requestId: string, timeoutMs = 10_000): Promise<TrackedRequest | undefined> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const current = await this.deps.tracked.get(requestId);
      if (current?.status !== 'pending') return current;
      if (!current.deciding || Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Updates every copy of the request's cards, and tells the requester. */
  private async publish(request: TrackedRequest, skipActivityId?: string): Promise<void> {
    const { deps } = this;
    const now = this.now();
    for (const copy of request.cards) {
      if (skipActivityId && copy.activityId === skipActivityId) continue;
      const content =
        copy.audience === 'requester'
          ? statusCard(requesterStatusModel(request, now), { aadObjectId: copy.userAadObjectId })
          : approvalCard(approvalModel(request, { now }), { aadObjectId: copy.userAadObjectId });
      await deps.messenger
        .update(copy as PostedMessage, card(content))
        .catch((err) => deps.logger.warn({ err: errorSummary(err), audience: copy.audience }, 'card update failed'));
    }
    const chat = requesterChat(request);
    if (chat) {
      const text =
        request.status === 'approved'
          ? `${request.decidedBy?.name ?? 'An approver'} approved your request for ${request.target.displayName}.`
          : request.status === 'denied'
            ? `${request.decidedBy?.name ?? 'An approver'} denied your request for ${request.target.displayName}${request.decisionComment ? `: ${request.decisionComment}` : '.'}`
            : request.status === 'expired'
              ? `Nobody approved your request for ${request.target.displayName} within 24 hours, so it expired. Ask again if you still need it.`
              : undefined;
      if (text) {
        await deps.messenger
          .send(chat, { type: 'message', text })
          .catch((err) => deps.logger.warn({ err: errorSummary(err) }, 'requester not told'));
      }
    }
  }

  /** The approved activation is in effect: record until when, announce it, turn the requester's card Active. */
  private async provisioned(request: TrackedRequest, until: Date): Promise<void> {
    const { deps } = this;
    // Each step is safe to repeat (the feed announces a key once; the card update and tracking are
    // overwrites), so a run that failed half-way is finished by the job's retry.
    const updated = await deps.tracked.update(request.requestId, (c) =>
      c.activeUntil ? undefined : { ...c, activeUntil: until.toISOString() },
    );
    if (!updated || updated.value.provisionedNotified) return;
    const start = new Date(until.getTime() - request.durationMinutes * 60_000);
    await deps.feed
      ?.announce({
        key: request.requestId,
        principalId: request.requester.aadObjectId,
        principalName: request.requester.name,
        target: request.target,
        startDateTime: start,
        endDateTime: until,
        justification: request.justification,
        ticket: request.ticket,
        ticketSystem: request.ticketSystem,
        approverName: request.decidedBy?.name,
        source: 'bot',
      })
      .catch((err) => deps.logger.warn({ err: errorSummary(err) }, 'activation not announced'));
    const copy = updated.value.cards.find((c) => c.audience === 'requester');
    if (copy) {
      // Tracked first, and once (a retry of this job must not reset the record): the expiry warning and
      // the Expired card do not depend on this card update.
      const first = await deps.tracked.update(request.requestId, (c) =>
        c.lifecycleTracked ? undefined : { ...c, lifecycleTracked: true },
      );
      if (first?.changed)
        await deps.lifecycle
          ?.track({
            requestId: request.requestId,
            requester: { aadObjectId: request.requester.aadObjectId, name: request.requester.name },
            target: request.target,
            start,
            end: until,
            durationMinutes: request.durationMinutes,
            justification: request.justification,
            ticket: request.ticket,
            timeZone: request.requesterTimeZone,
            conversation: copy.conversation,
            statusActivityId: copy.activityId,
          })
          .catch((err) => deps.logger.warn({ err: errorSummary(err) }, 'expiry warning not scheduled'));
      await deps.messenger.update(
        copy as PostedMessage,
        card(statusCard(requesterStatusModel(updated.value, this.now()), { aadObjectId: copy.userAadObjectId })),
      );
    }
    await deps.tracked.update(request.requestId, (c) => ({ ...c, provisionedNotified: true }));
  }

  private async postToChannel(
    channelId: string,
    request: TrackedRequest,
    fallbackVia: Partial<ConversationReference>,
  ): Promise<PostedMessage | undefined> {
    try {
      const via = (await this.deps.refs.channel(channelId)) ?? fallbackVia;
      return await this.deps.messenger.postToChannel(
        via,
        channelId,
        card(approvalCard(approvalModel(request, { now: this.now() }), {})),
      );
    } catch (err) {
      this.deps.logger.warn({ err: errorSummary(err), channelId }, 'could not post to the approvals channel');
      return undefined;
    }
  }

  private async askedBefore(userId: string, target: PimTarget): Promise<boolean> {
    return this.deps.tracked.hasHistory(historyKey(userId, target));
  }

  private async rememberAsked(userId: string, target: PimTarget): Promise<void> {
    await this.deps.tracked.rememberHistory(historyKey(userId, target), this.now());
  }
}

/** The requester's chat with the bot: where approvers' chats are opened from and the requester is told. */
function requesterChat(request: TrackedRequest): Partial<ConversationReference> | undefined {
  return request.requesterConversation ?? request.cards.find((c) => c.audience === 'requester')?.conversation;
}

function historyKey(userId: string, target: PimTarget): string {
  const id = target.kind === 'role' ? target.roleDefinitionId : `${target.groupId}:${target.accessId}`;
  return `${userId.toLowerCase()}/${id}`;
}

function nameOf(request: TrackedRequest, id: string): string {
  return request.approvers.find((a) => a.aadObjectId.toLowerCase() === id.toLowerCase())?.name ?? 'another approver';
}

function decidedNote(request: TrackedRequest): string | undefined {
  if (request.status === 'approved' || request.status === 'denied') {
    const at = request.decidedAt ? ` at ${new Date(request.decidedAt).toISOString().slice(11, 16)} UTC` : '';
    return `Already ${request.status} by ${request.decidedBy?.name ?? 'another approver'}${at}.`;
  }
  if (request.status === 'expired') return 'This request expired: nobody decided within 24 hours.';
  return undefined;
}

function approvalErrorCard(message: string, fix: string): AdaptiveCard {
  return errorCard({ title: 'Not possible', message, fix });
}
