import type { UnifiedRoleManagementPolicyAssignment, User } from '@microsoft/microsoft-graph-types';
import { GraphCallFailed, type GraphTransport } from './graph-transport';
import {
  GROUPS,
  odataString,
  pathId,
  ROLES,
  requestsPath,
  toApprovalSteps,
  toAssignmentInstance,
  toEligibility,
  toScheduleRequest,
  type WireApproval,
  type WireEligibility,
  type WireInstance,
  type WireRequest,
} from './graph-wire';
import { minutesToIsoDuration } from './iso-duration';
import { type FailureContext, PimError, toPimError } from './pim-error';
import type {
  ActivationInput,
  ActivationPolicy,
  Approval,
  ApprovalDecision,
  AssignmentInstance,
  Eligibility,
  PimTargetRef,
  ScheduleRequest,
} from './pim-types';
import { matchPolicyAssignment } from './policy-assignment-match';
import { toActivationPolicy } from './policy-mapper';

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
        this.graph.list<WireEligibility>(
          `${ROLES}/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope`,
        ),
      ),
      this.run({ operation: 'read' }, () =>
        this.graph.list<WireEligibility>(
          `${GROUPS}/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
        ),
      ),
    ]);
    return [...roles.map((r) => toEligibility('role', r)), ...groups.map((g) => toEligibility('group', g))];
  }

  /**
   * The activation rules of a role or a group membership/ownership. A role's rules are the tenant-wide
   * scope's whatever scope it is eligible at: PIM assigns role policies at `/` only (PIM-API.md §3: "For
   * Entra roles scopeId is `/`"), so an administrative-unit eligibility reads the same policy.
   */
  async getActivationPolicy(target: PimTargetRef): Promise<ActivationPolicy> {
    const filter =
      target.kind === 'role'
        ? `scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${odataString(target.roleDefinitionId)}`
        : `scopeId eq ${odataString(target.groupId)} and scopeType eq 'Group' and roleDefinitionId eq ${odataString(target.accessId)}`;
    const assignments = await this.run({ operation: 'read', target }, () =>
      this.graph.list<UnifiedRoleManagementPolicyAssignment>(
        `/policies/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}&$expand=policy($expand=rules)`,
      ),
    );
    const policy = matchPolicyAssignment(assignments, target)?.policy;
    if (!policy) {
      throw new PimError({
        kind: 'NotFound',
        graphCode: null,
        httpStatus: 200,
        message: `No PIM policy was found for this ${target.kind}.`,
        fix: 'Check that it is managed by PIM (Entra admin center > PIM > settings).',
        reasons: [{ code: target.kind === 'group' ? 'noPolicyGroup' : 'noPolicyRole', values: {} }],
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
    const where =
      target.kind === 'role'
        ? { roleDefinitionId: target.roleDefinitionId, directoryScopeId: target.directoryScopeId ?? '/' }
        : { groupId: target.groupId, accessId: target.accessId };
    try {
      const created = await this.graph.post<WireRequest>(requestsPath(target.kind), { ...common, ...where });
      return toScheduleRequest(target.kind, created);
    } catch (err) {
      throw await this.explain(err, ctx);
    }
  }

  /** selfDeactivate: ends the user's own active assignment early (not within 5 minutes of activation). */
  async deactivate(target: PimTargetRef): Promise<ScheduleRequest> {
    const principalId = await this.me();
    const where =
      target.kind === 'role'
        ? { roleDefinitionId: target.roleDefinitionId, directoryScopeId: target.directoryScopeId ?? '/' }
        : { groupId: target.groupId, accessId: target.accessId };
    return this.run({ operation: 'deactivate', target }, async () =>
      toScheduleRequest(
        target.kind,
        await this.graph.post<WireRequest>(requestsPath(target.kind), {
          action: 'selfDeactivate',
          principalId,
          ...where,
        }),
      ),
    );
  }

  /** The user's active roles and groups, with their end times. */
  async listActive(): Promise<AssignmentInstance[]> {
    const [roles, groups] = await Promise.all([
      this.run({ operation: 'read' }, () =>
        this.graph.list<WireInstance>(
          `${ROLES}/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition`,
        ),
      ),
      this.run({ operation: 'read' }, () =>
        this.graph.list<WireInstance>(
          `${GROUPS}/assignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=group`,
        ),
      ),
    ]);
    return [
      ...roles.map((r) => toAssignmentInstance('role', r)),
      ...groups.map((g) => toAssignmentInstance('group', g)),
    ];
  }

  /** My own requests of one kind (to follow a request, or find a pending one to cancel). */
  async getRequest(kind: 'role' | 'group', requestId: string): Promise<ScheduleRequest> {
    return this.run({ operation: 'read' }, async () =>
      toScheduleRequest(kind, await this.graph.get<WireRequest>(`${requestsPath(kind)}/${pathId(requestId)}`)),
    );
  }

  /**
   * Requests waiting for this user's decision, roles and groups, with the role's or group's name expanded
   * (filterByCurrentUser supports $select, $filter and $expand: DOCS rbacapplication / privilegedaccessgroup
   * filterbycurrentuser), so requests made outside the bot show names, not ids.
   */
  async listAwaitingMyApproval(): Promise<ScheduleRequest[]> {
    const pending = encodeURIComponent("status eq 'PendingApproval'");
    const [roles, groups] = await Promise.all([
      this.run({ operation: 'read' }, () =>
        this.graph.list<WireRequest>(
          `${ROLES}/roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')?$filter=${pending}&$expand=roleDefinition`,
        ),
      ),
      this.run({ operation: 'read' }, () =>
        this.graph.list<WireRequest>(
          `${GROUPS}/assignmentScheduleRequests/filterByCurrentUser(on='approver')?$filter=${pending}&$expand=group`,
        ),
      ),
    ]);
    return [...roles.map((r) => toScheduleRequest('role', r)), ...groups.map((g) => toScheduleRequest('group', g))];
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
        steps: toApprovalSteps(wire),
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
            reasons: [{ code: 'notWaitingForYou', values: {} }],
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
      this.graph.post(`${requestsPath(kind)}/${pathId(requestId)}/cancel`, {}),
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
    // ExpirationRule names the limit; an authentication-context refusal without parsable claims needs the
    // policy's context id to build them.
    if (!ctx.policy && ctx.target && /ExpirationRule|AcrsValidationFailed/.test(err.failure.message ?? '')) {
      try {
        context = { ...ctx, policy: await this.getActivationPolicy(ctx.target) };
      } catch {
        // The message falls back to "longer than its policy allows" / no claims.
      }
    }
    return toPimError(err.failure, context);
  }
}
