import type {
  PrivilegedAccessGroupAssignmentScheduleInstance,
  PrivilegedAccessGroupAssignmentScheduleRequest,
  PrivilegedAccessGroupEligibilityScheduleInstance,
  UnifiedRoleAssignmentScheduleInstance,
  UnifiedRoleAssignmentScheduleRequest,
  UnifiedRoleEligibilityScheduleInstance,
  UnifiedRoleManagementPolicyAssignment,
  User,
} from '@microsoft/microsoft-graph-types';
import { GraphCallFailed, type GraphTransport } from './graph-transport';
import { minutesToIsoDuration } from './iso-duration';
import { type FailureContext, PimError, toPimError } from './pim-error';
import type {
  AccessId,
  ActivationInput,
  ActivationPolicy,
  ActiveAssignment,
  Approval,
  ApprovalDecision,
  ApprovalStep,
  Eligibility,
  PimTarget,
  PimTargetRef,
  ScheduleRequest,
} from './pim-types';
import { toActivationPolicy } from './policy-mapper';

const ROLES = '/roleManagement/directory';
const GROUPS = '/identityGovernance/privilegedAccess/group';

/** OData string literal: quotes doubled, so user-influenced ids cannot break out of a $filter. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function date(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

function pathId(id: string): string {
  return encodeURIComponent(id);
}

/** Beta approval step (roleAssignmentApprovals) / v1.0 approval stage (group assignmentApprovals). */
interface WireApprovalStep {
  id?: string;
  status?: string | null;
  reviewResult?: string | null;
  assignedToMe?: boolean | null;
  reviewedDateTime?: string | null;
  justification?: string | null;
  reviewedBy?: { id?: string | null; displayName?: string | null } | null;
}

interface WireApproval {
  id?: string;
  steps?: WireApprovalStep[];
  stages?: WireApprovalStep[];
}

/**
 * PIM on behalf of one signed-in user (delegated token): what they may activate, under which rules,
 * activation and deactivation, their active assignments, and approvals assigned to them.
 */
export class PimClient {
  private principalId: string | undefined;

  constructor(
    private readonly graph: GraphTransport,
    /** The user's object id when already known (Teams gives aadObjectId); else read from /me once. */
    principalId?: string,
  ) {
    this.principalId = principalId;
  }

  async me(): Promise<string> {
    if (!this.principalId) {
      const me = await this.run({ operation: 'read' }, () => this.graph.get<User>('/me?$select=id'));
      if (!me.id) throw new Error('Graph /me returned no id');
      this.principalId = me.id;
    }
    return this.principalId;
  }

  /** Roles and groups the user may activate now. */
  async listEligible(): Promise<Eligibility[]> {
    const [roles, groups] = await Promise.all([
      this.run({ operation: 'read' }, () =>
        this.graph.list<UnifiedRoleEligibilityScheduleInstance>(
          `${ROLES}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition`,
        ),
      ),
      this.run({ operation: 'read' }, () =>
        this.graph.list<PrivilegedAccessGroupEligibilityScheduleInstance>(
          `${GROUPS}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
        ),
      ),
    ]);
    return [
      ...roles.map(
        (r): Eligibility => ({
          id: r.id ?? '',
          target: {
            kind: 'role',
            roleDefinitionId: r.roleDefinitionId ?? '',
            directoryScopeId: r.directoryScopeId ?? '/',
            displayName: r.roleDefinition?.displayName ?? r.roleDefinitionId ?? 'Unknown role',
          },
          startDateTime: date(r.startDateTime),
          endDateTime: date(r.endDateTime),
          memberType: r.memberType ?? null,
        }),
      ),
      ...groups.map(
        (g): Eligibility => ({
          id: g.id ?? '',
          target: {
            kind: 'group',
            groupId: g.groupId ?? '',
            accessId: (g.accessId ?? 'member') as AccessId,
            displayName: g.group?.displayName ?? g.groupId ?? 'Unknown group',
          },
          startDateTime: date(g.startDateTime),
          endDateTime: date(g.endDateTime),
          memberType: g.memberType ?? null,
        }),
      ),
    ];
  }

  /** The activation rules of a role (tenant-wide scope) or a group membership/ownership. */
  async getActivationPolicy(target: PimTargetRef): Promise<ActivationPolicy> {
    const filter =
      target.kind === 'role'
        ? `scopeId eq ${odataString(target.directoryScopeId ?? '/')} and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${odataString(target.roleDefinitionId)}`
        : `scopeId eq ${odataString(target.groupId)} and scopeType eq 'Group' and roleDefinitionId eq ${odataString(target.accessId)}`;
    const assignments = await this.run({ operation: 'read', target }, () =>
      this.graph.list<UnifiedRoleManagementPolicyAssignment>(
        `/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}&$expand=policy($expand=rules)`,
      ),
    );
    const policy = assignments[0]?.policy;
    if (!policy) {
      throw new PimError({
        kind: 'NotFound',
        graphCode: null,
        httpStatus: 200,
        message: `No PIM policy was found for this ${target.kind}.`,
        fix: 'Check that it is managed by PIM (Entra admin center > PIM > settings).',
      });
    }
    return toActivationPolicy(policy);
  }

  /**
   * selfActivate. With validateOnly, Graph runs every rule and creates nothing. Rule failures come
   * back as PimError naming the rule and the fix; pass the policy for exact limits in the message.
   */
  async activate(input: ActivationInput, policy?: ActivationPolicy): Promise<ScheduleRequest> {
    const principalId = await this.me();
    const ctx: FailureContext = {
      operation: 'activate',
      target: input.target,
      policy,
      requestedMinutes: input.durationMinutes,
    };
    const schedule = {
      ...(input.startDateTime ? { startDateTime: input.startDateTime.toISOString() } : {}),
      expiration: { type: 'afterDuration', duration: minutesToIsoDuration(input.durationMinutes) },
    };
    const common = {
      action: 'selfActivate',
      principalId,
      ...(input.justification ? { justification: input.justification } : {}),
      scheduleInfo: schedule,
      ...(input.ticket
        ? { ticketInfo: { ticketNumber: input.ticket.ticketNumber, ticketSystem: input.ticket.ticketSystem ?? null } }
        : {}),
      ...(input.validateOnly ? { isValidationOnly: true } : {}),
    };
    const target = input.target;
    try {
      if (target.kind === 'role') {
        const created = await this.graph.post<UnifiedRoleAssignmentScheduleRequest>(
          `${ROLES}/roleAssignmentScheduleRequests`,
          { ...common, roleDefinitionId: target.roleDefinitionId, directoryScopeId: target.directoryScopeId ?? '/' },
        );
        return fromRoleRequest(created);
      }
      const created = await this.graph.post<PrivilegedAccessGroupAssignmentScheduleRequest>(
        `${GROUPS}/assignmentScheduleRequests`,
        { ...common, groupId: target.groupId, accessId: target.accessId },
      );
      return fromGroupRequest(created);
    } catch (err) {
      throw await this.explain(err, ctx);
    }
  }

  /** selfDeactivate: ends the user's own active assignment early (not within 5 minutes of activation). */
  async deactivate(target: PimTargetRef): Promise<ScheduleRequest> {
    const principalId = await this.me();
    return this.run({ operation: 'deactivate', target }, async () => {
      if (target.kind === 'role') {
        return fromRoleRequest(
          await this.graph.post<UnifiedRoleAssignmentScheduleRequest>(`${ROLES}/roleAssignmentScheduleRequests`, {
            action: 'selfDeactivate',
            principalId,
            roleDefinitionId: target.roleDefinitionId,
            directoryScopeId: target.directoryScopeId ?? '/',
          }),
        );
      }
      return fromGroupRequest(
        await this.graph.post<PrivilegedAccessGroupAssignmentScheduleRequest>(`${GROUPS}/assignmentScheduleRequests`, {
          action: 'selfDeactivate',
          principalId,
          groupId: target.groupId,
          accessId: target.accessId,
        }),
      );
    });
  }

  /** The user's active roles and groups, with their end times. */
  async listActive(): Promise<ActiveAssignment[]> {
    const [roles, groups] = await Promise.all([
      this.run({ operation: 'read' }, () =>
        this.graph.list<UnifiedRoleAssignmentScheduleInstance>(
          `${ROLES}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition`,
        ),
      ),
      this.run({ operation: 'read' }, () =>
        this.graph.list<PrivilegedAccessGroupAssignmentScheduleInstance>(
          `${GROUPS}/assignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
        ),
      ),
    ]);
    return [
      ...roles.map(
        (r): ActiveAssignment => ({
          id: r.id ?? '',
          target: {
            kind: 'role',
            roleDefinitionId: r.roleDefinitionId ?? '',
            directoryScopeId: r.directoryScopeId ?? '/',
            displayName: r.roleDefinition?.displayName ?? r.roleDefinitionId ?? 'Unknown role',
          },
          assignmentType: r.assignmentType ?? null,
          startDateTime: date(r.startDateTime),
          endDateTime: date(r.endDateTime),
        }),
      ),
      ...groups.map(
        (g): ActiveAssignment => ({
          id: g.id ?? '',
          target: {
            kind: 'group',
            groupId: g.groupId ?? '',
            accessId: (g.accessId ?? 'member') as AccessId,
            displayName: g.group?.displayName ?? g.groupId ?? 'Unknown group',
          },
          assignmentType: g.assignmentType ?? null,
          startDateTime: date(g.startDateTime),
          endDateTime: date(g.endDateTime),
        }),
      ),
    ];
  }

  /** My own requests of one kind (to follow a request, or find a pending one to cancel). */
  async getRequest(kind: 'role' | 'group', requestId: string): Promise<ScheduleRequest> {
    return this.run({ operation: 'read' }, async () =>
      kind === 'role'
        ? fromRoleRequest(
            await this.graph.get<UnifiedRoleAssignmentScheduleRequest>(
              `${ROLES}/roleAssignmentScheduleRequests/${pathId(requestId)}`,
            ),
          )
        : fromGroupRequest(
            await this.graph.get<PrivilegedAccessGroupAssignmentScheduleRequest>(
              `${GROUPS}/assignmentScheduleRequests/${pathId(requestId)}`,
            ),
          ),
    );
  }

  /** Requests waiting for this user's decision, roles and groups. */
  async listAwaitingMyApproval(): Promise<ScheduleRequest[]> {
    const pending = encodeURIComponent("status eq 'PendingApproval'");
    const [roles, groups] = await Promise.all([
      this.run({ operation: 'read' }, () =>
        this.graph.list<UnifiedRoleAssignmentScheduleRequest>(
          `${ROLES}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')?$filter=${pending}`,
        ),
      ),
      this.run({ operation: 'read' }, () =>
        this.graph.list<PrivilegedAccessGroupAssignmentScheduleRequest>(
          `${GROUPS}/assignmentScheduleRequests/filterByCurrentUser(on='approver')?$filter=${pending}`,
        ),
      ),
    ]);
    return [...roles.map(fromRoleRequest), ...groups.map(fromGroupRequest)];
  }

  /** Roles: beta roleAssignmentApprovals (steps). Groups: v1.0 assignmentApprovals (stages). */
  async getApproval(kind: 'role' | 'group', approvalId: string): Promise<Approval> {
    return this.run({ operation: 'read' }, async () => {
      const wire =
        kind === 'role'
          ? await this.graph.get<WireApproval>(`${ROLES}/roleAssignmentApprovals/${pathId(approvalId)}`, 'beta')
          : await this.graph.get<WireApproval>(`${GROUPS}/assignmentApprovals/${pathId(approvalId)}?$expand=stages`);
      return {
        id: wire.id ?? approvalId,
        kind,
        steps: (wire.steps ?? wire.stages ?? []).map(toStep),
      };
    });
  }

  /**
   * Approve or deny as this user: finds the step assigned to them that is still in progress and
   * PATCHes it. 409 (another approver was first) becomes AlreadyDecided.
   */
  async decide(
    kind: 'role' | 'group',
    approvalId: string,
    decision: ApprovalDecision,
    justification: string,
    target?: PimTargetRef,
  ): Promise<void> {
    const approval = await this.getApproval(kind, approvalId);
    const step = approval.steps.find((s) => s.assignedToMe && s.status.toLowerCase() === 'inprogress');
    const ctx: FailureContext = { operation: 'decide', target };
    if (!step) {
      const done = approval.steps.find((s) => s.status.toLowerCase() === 'completed');
      throw done
        ? toPimError(
            { httpStatus: 409, code: 'Conflict', message: 'Already decided', requestId: null, retryAfterSeconds: null },
            ctx,
          )
        : new PimError({
            kind: 'Forbidden',
            graphCode: null,
            httpStatus: null,
            message: 'This request is not waiting for your decision.',
            fix: 'Only an approver of this request, other than the requester, can decide it.',
          });
    }
    await this.run(ctx, () =>
      kind === 'role'
        ? this.graph.patch(
            `${ROLES}/roleAssignmentApprovals/${pathId(approvalId)}/steps/${pathId(step.id)}`,
            { reviewResult: decision, justification },
            'beta',
          )
        : this.graph.patch(`${GROUPS}/assignmentApprovals/${pathId(approvalId)}/stages/${pathId(step.id)}`, {
            reviewResult: decision,
            justification,
          }),
    );
  }

  /** Withdraws my own pending (or granted, not yet started) request. */
  async cancel(kind: 'role' | 'group', requestId: string): Promise<void> {
    await this.run({ operation: 'cancel' }, () =>
      this.graph.post(
        kind === 'role'
          ? `${ROLES}/roleAssignmentScheduleRequests/${pathId(requestId)}/cancel`
          : `${GROUPS}/assignmentScheduleRequests/${pathId(requestId)}/cancel`,
        {},
      ),
    );
  }

  private async run<T>(ctx: FailureContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw await this.explain(err, ctx);
    }
  }

  /** Graph failure → PimError; an ExpirationRule without a known policy fetches it to name the limit. */
  private async explain(err: unknown, ctx: FailureContext): Promise<unknown> {
    if (!(err instanceof GraphCallFailed)) return err;
    let context = ctx;
    if (!ctx.policy && ctx.target && /ExpirationRule/.test(err.failure.message ?? '')) {
      try {
        context = { ...ctx, policy: await this.getActivationPolicy(ctx.target) };
      } catch {
        // The message falls back to "longer than its policy allows".
      }
    }
    return toPimError(err.failure, context);
  }
}

function toStep(s: WireApprovalStep): ApprovalStep {
  return {
    id: s.id ?? '',
    status: s.status ?? 'Unknown',
    reviewResult: s.reviewResult ?? 'NotReviewed',
    assignedToMe: s.assignedToMe === true,
    reviewedById: s.reviewedBy?.id ?? null,
    reviewedByName: s.reviewedBy?.displayName ?? null,
    reviewedDateTime: date(s.reviewedDateTime),
    justification: s.justification ?? null,
  };
}

function fromRoleRequest(r: UnifiedRoleAssignmentScheduleRequest): ScheduleRequest {
  return {
    id: r.id ?? '',
    kind: 'role',
    status: r.status ?? 'Unknown',
    action: r.action ?? 'unknownFutureValue',
    principalId: r.principalId ?? '',
    roleDefinitionId: r.roleDefinitionId ?? null,
    directoryScopeId: r.directoryScopeId ?? null,
    groupId: null,
    accessId: null,
    approvalId: r.approvalId ?? null,
    justification: r.justification ?? null,
    ticket: r.ticketInfo?.ticketNumber
      ? { ticketNumber: r.ticketInfo.ticketNumber, ticketSystem: r.ticketInfo.ticketSystem ?? undefined }
      : null,
    createdDateTime: date(r.createdDateTime),
    completedDateTime: date(r.completedDateTime),
    startDateTime: date(r.scheduleInfo?.startDateTime),
    duration: r.scheduleInfo?.expiration?.duration ?? null,
    isValidationOnly: r.isValidationOnly === true,
    targetScheduleId: r.targetScheduleId ?? null,
  };
}

function fromGroupRequest(r: PrivilegedAccessGroupAssignmentScheduleRequest): ScheduleRequest {
  return {
    id: r.id ?? '',
    kind: 'group',
    status: r.status ?? 'Unknown',
    action: r.action ?? 'unknownFutureValue',
    principalId: r.principalId ?? '',
    roleDefinitionId: null,
    directoryScopeId: null,
    groupId: r.groupId ?? null,
    accessId: (r.accessId as AccessId | undefined) ?? null,
    approvalId: r.approvalId ?? null,
    justification: r.justification ?? null,
    ticket: r.ticketInfo?.ticketNumber
      ? { ticketNumber: r.ticketInfo.ticketNumber, ticketSystem: r.ticketInfo.ticketSystem ?? undefined }
      : null,
    createdDateTime: date(r.createdDateTime),
    completedDateTime: date(r.completedDateTime),
    startDateTime: date(r.scheduleInfo?.startDateTime),
    duration: r.scheduleInfo?.expiration?.duration ?? null,
    isValidationOnly: r.isValidationOnly === true,
    targetScheduleId: r.targetScheduleId ?? null,
  };
}

export type { PimTarget };
