import type { PimClient } from '../pim/pim-client';
import { PimError } from '../pim/pim-error';
import type {
  ActivationPolicy,
  AssignmentInstance,
  Eligibility,
  PimTarget,
  PimTargetRef,
  ScheduleRequest,
  TicketInfo,
} from '../pim/pim-types';
import { targetKey } from '../pim/target-key';
import { newRequest, type Person, type PimRequest, type RequesterChat } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { RequestEvents } from '../requests/request-events';
import { TtlCache } from '../shared/ttl-cache';

/** What the user asked for, checked against the role's policy by the dialog that collected it. */
export interface ActivationRequest {
  target: PimTarget;
  durationMinutes: number;
  justification?: string;
  ticket?: TicketInfo;
  policy: ActivationPolicy;
  /** Default: now. Later for an activation queued to follow a running one (see queued-activation.ts). */
  startDateTime?: Date;
  /** The form it came from (its id), kept on the tracked request so the same form is never submitted twice. */
  submissionKey?: string;
}

/** Who asks, with their own delegated PIM client, and the chat they asked in. */
export interface Requester {
  person: Person;
  pim: PimClient;
  chat: RequesterChat;
}

/** What PIM made of a submitted request. */
export type SubmitOutcome =
  | { kind: 'active'; request: PimRequest }
  | { kind: 'pendingApproval'; request: PimRequest; approversReached: boolean }
  /** PIM refused it (a policy rule, a stronger sign-in needed, …): `error` says why and what to do. */
  | { kind: 'refused'; error: PimError }
  /** PIM answered with a status the bot does not follow. */
  | { kind: 'unexpected'; status: string; requestId: string };

/** The subscriber names on the request events whose failure the requester is told about. */
export const APPROVAL_ROUTING = 'approval routing';

export interface ActivationServiceOptions {
  requests: PimRequestStore;
  events: RequestEvents;
  /** PIM policies change rarely and are the same for everyone: default 5 minutes. */
  policyTtlMs?: number;
  /** A user's eligibility: default 60 seconds, and dropped after each activation or deactivation. */
  eligibilityTtlMs?: number;
  /** Told when a request PIM accepted could not be recorded (nothing follows it: no cards, no feed, no jobs). */
  onUntracked?: (err: unknown, requestId: string) => void;
  now?: () => Date;
}

const ACTIVE_STATUSES = new Set(['granted', 'provisioned', 'scheduled', 'schedulecreated']);

/**
 * Activation use cases for a signed-in user: what they may activate and under which rules (cached:
 * policies shared across users, eligibility per user, both with a bounded TTL), submitting a request
 * (one call: Graph, the tracked record, then one `submitted` event that the feed, the expiry jobs and
 * approval routing follow), and deactivating.
 */
export class ActivationService {
  private readonly policies: TtlCache<ActivationPolicy>;
  private readonly eligibility: TtlCache<Eligibility[]>;
  private readonly now: () => Date;

  constructor(private readonly options: ActivationServiceOptions) {
    this.now = options.now ?? (() => new Date());
    const clock = () => this.now().getTime();
    this.policies = new TtlCache(options.policyTtlMs ?? 5 * 60_000, 2_000, clock);
    this.eligibility = new TtlCache(options.eligibilityTtlMs ?? 60_000, 10_000, clock);
  }

  async eligibleTargets(pim: PimClient, userId: string): Promise<Eligibility[]> {
    return this.eligibility.getOrLoad(userId, () => pim.listEligible());
  }

  async policyFor(pim: PimClient, target: PimTargetRef): Promise<ActivationPolicy> {
    return this.policies.getOrLoad(targetKey(target), () => pim.getActivationPolicy(target));
  }

  /** The user's last activation of the target made through the bot and still followed (none once it ended). */
  tracked(userId: string, target: PimTargetRef): Promise<PimRequest | undefined> {
    return this.options.requests.latest(userId, target);
  }

  async active(pim: PimClient): Promise<AssignmentInstance[]> {
    return pim.listActive();
  }

  /**
   * Submits the activation on behalf of the requester and tells everyone who follows requests.
   * `onAnswer` runs once PIM has answered and the request is tracked, before the followers are told:
   * the requester's status card shows PIM's answer before approval cards go out.
   */
  async submit(
    requester: Requester,
    request: ActivationRequest,
    onAnswer?: (outcome: SubmitOutcome) => Promise<void>,
  ): Promise<SubmitOutcome> {
    let created: ScheduleRequest;
    try {
      created = await requester.pim.activate(
        {
          target: request.target,
          durationMinutes: request.durationMinutes,
          justification: request.justification,
          ticket: request.ticket,
          ...(request.startDateTime ? { startDateTime: request.startDateTime } : {}),
        },
        request.policy,
      );
    } catch (err) {
      if (!(err instanceof PimError)) throw err;
      const refused: SubmitOutcome = { kind: 'refused', error: err };
      await onAnswer?.(refused);
      return refused;
    } finally {
      this.eligibility.delete(requester.person.aadObjectId);
    }
    const status = created.status.toLowerCase();
    const pending = status === 'pendingapproval';
    if (!pending && !ACTIVE_STATUSES.has(status)) {
      const unexpected: SubmitOutcome = { kind: 'unexpected', status: created.status, requestId: created.id };
      await onAnswer?.(unexpected);
      return unexpected;
    }
    const start = created.startDateTime ?? created.createdDateTime ?? this.now();
    const tracked = newRequest({
      id: created.id,
      target: request.target,
      requester: requester.person,
      durationMinutes: request.durationMinutes,
      justification: request.justification,
      ticket: request.ticket,
      requestedAt: (created.createdDateTime ?? this.now()).toISOString(),
      status: pending ? 'pendingApproval' : 'active',
      ...(pending
        ? {}
        : {
            activeFrom: start.toISOString(),
            activeUntil: new Date(start.getTime() + request.durationMinutes * 60_000).toISOString(),
          }),
      scheduleId: created.targetScheduleId ?? undefined,
      ...(request.submissionKey ? { submissionKey: request.submissionKey } : {}),
      chat: requester.chat,
    });
    // PIM has it either way: a record that cannot be kept (storage down) must not hide PIM's answer.
    const recorded = await this.options.requests.create(tracked).then(
      () => true,
      (err: unknown) => {
        this.options.onUntracked?.(err, tracked.id);
        return false;
      },
    );
    const answered: SubmitOutcome = pending
      ? { kind: 'pendingApproval', request: tracked, approversReached: recorded }
      : { kind: 'active', request: tracked };
    await onAnswer?.(answered);
    if (!recorded) return answered;
    const current = (await this.options.requests.get(tracked.id)) ?? tracked;
    const failed = await this.options.events.publish({
      type: 'submitted',
      request: current,
      policy: request.policy,
      approvalId: created.approvalId ?? created.id,
    });
    return answered.kind === 'pendingApproval'
      ? { ...answered, request: current, approversReached: !failed.includes(APPROVAL_ROUTING) }
      : { ...answered, request: current };
  }

  /** The status card could not be updated and a new one was sent: later updates go to the new one. */
  async statusCardMoved(requestId: string, activityId: string): Promise<void> {
    await this.options.requests.update(requestId, (current) =>
      current.chat ? { ...current, chat: { ...current.chat, statusMessageId: activityId } } : undefined,
    );
  }

  /** Ends the user's own activation early (selfDeactivate); their cards say so. */
  async deactivate(pim: PimClient, userId: string, target: PimTarget): Promise<ScheduleRequest> {
    try {
      const request = await pim.deactivate(target);
      await this.options.events.publish({ type: 'deactivatedByUser', userId, target, at: this.now() });
      return request;
    } finally {
      this.eligibility.delete(userId);
    }
  }
}
