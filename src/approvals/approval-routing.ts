import type { Messenger } from '../notifications/messenger';
import { errorSummary } from '../observability/error-summary';
import type { Logger } from '../observability/logger';
import type { DirectoryClient } from '../pim/directory-client';
import type { ActivationPolicy, PimTarget } from '../pim/pim-types';
import type { ApprovalCopy, Person, PimRequest } from '../requests/pim-request';
import type { PimRequestStore } from '../requests/pim-request-store';
import type { Scheduler } from '../scheduler/scheduler';
import type { ApprovalCopies } from './approval-copies';
import { approvalHints } from './approval-hints';
import { APPROVAL_JOBS } from './approval-jobs';
import type { ApprovalTimers } from './approval-timers';
import type { ApproverReach } from './approver-reach';
import { resolveApprovers } from './approver-resolver';
import { defaultApprovers } from './default-approvers';

export interface ApprovalRoutingDependencies {
  requests: PimRequestStore;
  messenger: Messenger;
  /** App-only directory reads (approver groups, managers). */
  directory: DirectoryClient;
  scheduler: Scheduler;
  copies: ApprovalCopies;
  timers: ApprovalTimers;
  /** Installs the bot for approvers it has no chat with (INSTALL_FOR_APPROVERS); absent: not tried. */
  reach?: ApproverReach;
  settings: {
    /** Entra object ids of break-glass accounts (lower case): their requests carry a red hint. */
    breakGlassIds: ReadonlySet<string>;
    /** The approvals channel for a role or group, if configured. */
    approvalChannelFor(target: PimTarget): string | undefined;
  };
  logger: Logger;
  now: () => Date;
}

/** A few approvers at a time: one slow connector answer does not hold up the rest, and bursts stay under Teams' limits. */
const DELIVERY_CONCURRENCY = 5;

/**
 * A request came back PendingApproval: who may approve it (from its PIM policy), what they should notice
 * (hints), and its approval card in front of every approver (their 1:1 chat) and in the approvals
 * channel. The cards go out in a job, not in the requester's turn: a slow or failing connector must not
 * hold up the requester, and a delivery that fails is retried for the copies still missing.
 */
export class ApprovalRouting {
  /** PIM for Groups groups whose policy names no approvers, already warned about (lower case). */
  private readonly warnedGroups = new Set<string>();

  constructor(private readonly deps: ApprovalRoutingDependencies) {}

  async route(request: PimRequest, policy: ActivationPolicy, approvalId: string): Promise<void> {
    const { deps } = this;
    const requesterId = request.requester.aadObjectId;
    const { approvers, byDefault } = await this.approversOf(request, policy);
    for (const approver of approvers) {
      const mri = await deps.messenger.teamsUserId(approver.aadObjectId);
      if (mri) approver.mri = mri;
    }
    const others = (await deps.requests.pendingApproval()).filter(
      (p) => p.id !== request.id && p.approval && p.requester.aadObjectId === requesterId,
    );
    const requestedAt = new Date(request.requestedAt);
    const hints = approvalHints({
      target: request.target,
      requestedAt,
      timeZone: request.chat?.timeZone,
      otherPending: others.length,
      askedBefore: await deps.requests.askedBefore(requesterId, request.target),
      isBreakGlass: deps.settings.breakGlassIds.has(requesterId.toLowerCase()),
      defaultApprovers: byDefault,
    });
    const routed = await deps.requests.update(request.id, (current) => ({
      ...current,
      approval: {
        approvalId,
        copies: current.approval?.copies ?? [],
        approvers,
        hints,
        ...(byDefault ? { defaultApprovers: true as const } : {}),
      },
    }));
    if (!routed) throw new Error(`Request ${request.id} is not tracked.`);
    await deps.requests.rememberAsked(requesterId, request.target, deps.now());
    await deps.scheduler.at(deps.now(), { type: APPROVAL_JOBS.deliver, id: request.id, payload: null });
    await deps.timers.schedule(routed.value);
  }

  /**
   * Who decides: the policy's approvers; for an Entra role whose policy requires approval but names nobody,
   * PIM's default approvers (`byDefault`: Privileged Role Administrators and Global Administrators,
   * default-approvers.ts). What PIM does for a PIM for Groups policy without approvers is UNVERIFIED: nobody
   * gets a card, as before, and the log says how to fix it, once per group.
   */
  private async approversOf(
    request: PimRequest,
    policy: ActivationPolicy,
  ): Promise<{ approvers: Person[]; byDefault: boolean }> {
    const { deps } = this;
    const requesterId = request.requester.aadObjectId;
    if (policy.approvers.length > 0) {
      return { approvers: await resolveApprovers(deps.directory, policy.approvers, requesterId), byDefault: false };
    }
    const target = request.target;
    if (target.kind === 'role') {
      const approvers = await defaultApprovers(deps.directory, requesterId);
      if (approvers.length === 0) {
        deps.logger.warn(
          { requestId: request.id, roleDefinitionId: target.roleDefinitionId, policyId: policy.policyId },
          "the PIM policy names no approvers and nobody else holds Privileged Role Administrator or Global Administrator: nobody gets an approval card. Fix: name approvers in the role's PIM policy",
        );
      }
      return { approvers, byDefault: true };
    }
    if (!this.warnedGroups.has(target.groupId.toLowerCase())) {
      this.warnedGroups.add(target.groupId.toLowerCase());
      deps.logger.warn(
        { requestId: request.id, groupId: target.groupId, accessId: target.accessId, policyId: policy.policyId },
        "the group's PIM policy requires approval but names no approvers: nobody gets an approval card (who PIM lets approve is unverified). Fix: name approvers in the group's PIM policy",
      );
    }
    return { approvers: [], byDefault: false };
  }

  /**
   * Puts the approval card in front of every approver and in the approvals channel. Idempotent: copies
   * already recorded are not sent again. Fails (and is retried) while some approver could not be reached.
   */
  async deliver(requestId: string): Promise<void> {
    const { deps } = this;
    const request = await deps.requests.get(requestId);
    const via = request?.chat?.conversation;
    if (request?.status !== 'pendingApproval' || !request.approval || !via) return;
    const copies = request.approval.copies;
    const record = (copy: ApprovalCopy) =>
      deps.requests.update(requestId, (current) =>
        current.approval
          ? { ...current, approval: { ...current.approval, copies: [...current.approval.copies, copy] } }
          : undefined,
      );
    const unreached: string[] = [];
    const deliverTo = async (approver: Person) => {
      try {
        // An approver who never opened PIM Bot: it installs itself for them first (never throws; logs why not).
        await deps.reach?.prepare(approver, via, request.requester.aadObjectId);
        const message = await deps.messenger.sendToPerson(
          approver,
          { kind: 'approvalCard', request, viewerId: approver.aadObjectId },
          via,
        );
        await record({ audience: 'approver', userAadObjectId: approver.aadObjectId, message });
      } catch (err) {
        unreached.push(approver.aadObjectId);
        deps.logger.warn(
          { err: errorSummary(err), requestId, approver: approver.aadObjectId },
          'could not deliver the approval card',
        );
      }
    };
    const waiting = request.approval.approvers.filter(
      (a) => !copies.some((c) => c.audience === 'approver' && c.userAadObjectId === a.aadObjectId),
    );
    for (let i = 0; i < waiting.length; i += DELIVERY_CONCURRENCY) {
      await Promise.all(waiting.slice(i, i + DELIVERY_CONCURRENCY).map(deliverTo));
    }
    const channelId = deps.settings.approvalChannelFor(request.target);
    if (channelId && !copies.some((c) => c.audience === 'channel' && c.channelId === channelId)) {
      const message = await deps.copies.postToChannel(channelId, request, via);
      if (message) await record({ audience: 'channel', channelId, message });
      else unreached.push('the approvals channel');
    }
    // Decided while the cards were on their way: the copies just posted show the decision too.
    const now = await deps.requests.get(requestId);
    if (now && now.status !== 'pendingApproval') {
      const fresh = (now.approval?.copies ?? []).filter(
        (c) => !copies.some((old) => old.message.activityId === c.message.activityId),
      );
      for (const copy of fresh) {
        await deps.messenger
          .update(copy.message, { kind: 'approvalCard', request: now, viewerId: copy.userAadObjectId })
          .catch((err) => deps.logger.warn({ err: errorSummary(err) }, 'card update failed'));
      }
      return;
    }
    if (unreached.length > 0) {
      // Ids only: the message is kept in the queue (and its dead-letter queue).
      throw new Error(`Approval card not delivered to ${unreached.join(', ')}; will retry.`);
    }
  }
}
