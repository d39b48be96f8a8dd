import { randomUUID } from 'node:crypto';
import { minutesToIsoDuration } from '../pim/iso-duration';
import { ArmError, type ArmFailureContext, toArmError } from './arm-error';
import type { ArmTokenSource } from './arm-token-source';
import { ArmCallFailed, ArmTransport, type ArmTransportOptions } from './arm-transport';
import type {
  ArmActivationInput,
  ArmActivationPolicy,
  ArmActiveRole,
  ArmApproval,
  ArmDecision,
  ArmEligibleRole,
  ArmRequestResult,
} from './arm-types';
import {
  lastSegment,
  toActive,
  toApproval,
  toEligible,
  toPolicy,
  toRequest,
  type WirePolicyAssignmentProps,
  type WireRequestProps,
  type WireResource,
  type WireScheduleProps,
  type WireStage,
} from './arm-wire';

/** api-versions of ARM-PIM.md §1: 2020-10-01 for PIM resources, the preview for approvals. */
export const ARM_PIM_API = '2020-10-01';
export const ARM_APPROVALS_API = '2021-01-01-preview';
const AUTH = '/providers/Microsoft.Authorization';

export interface ArmPimClientOptions extends Omit<ArmTransportOptions, 'token'> {
  token: ArmTokenSource;
  /** New request names (GUIDs); injectable so tests can name them. */
  newName?: () => string;
}

/**
 * PIM for Azure resource roles through ARM, for the signed-in user: eligible and active roles across scopes
 * (`asTarget()` at the tenant root by default, ARM-PIM.md §3.1), the activation policy of a role at a scope,
 * SelfActivate / SelfDeactivate, cancel, and approvals. Every failure is an ArmError with ARM's code and a fix.
 */
export class ArmPimClient {
  private readonly http: ArmTransport;
  private readonly newName: () => string;

  constructor(options: ArmPimClientOptions) {
    this.http = new ArmTransport(options);
    this.newName = options.newName ?? randomUUID;
  }

  /** Roles the user may activate, at `scope` and around it; '' (default) is every scope of the tenant. */
  async listEligible(scope = ''): Promise<ArmEligibleRole[]> {
    const url = this.http.url(`${scope}${AUTH}/roleEligibilityScheduleInstances`, ARM_PIM_API, {
      $filter: 'asTarget()',
    });
    const items = await this.run({ operation: 'read' }, () => this.http.list<WireResource<WireScheduleProps>>(url));
    return items.map(toEligible);
  }

  /** Roles active for the user now (activated and standing). */
  async listActive(scope = ''): Promise<ArmActiveRole[]> {
    const url = this.http.url(`${scope}${AUTH}/roleAssignmentScheduleInstances`, ARM_PIM_API, {
      $filter: 'asTarget()',
    });
    const items = await this.run({ operation: 'read' }, () => this.http.list<WireResource<WireScheduleProps>>(url));
    return items.map(toActive);
  }

  /**
   * The end-user rules of a role at a scope. The spec declares no `$filter` on policy assignments, so the
   * scope's list is read and matched on the role GUID here (ARM-PIM.md §3.5).
   */
  async getPolicy(scope: string, roleDefinitionId: string): Promise<ArmActivationPolicy | null> {
    const url = this.http.url(`${scope}${AUTH}/roleManagementPolicyAssignments`, ARM_PIM_API);
    const items = await this.run({ operation: 'read' }, () =>
      this.http.list<WireResource<WirePolicyAssignmentProps>>(url),
    );
    const guid = lastSegment(roleDefinitionId).toLowerCase();
    const found = items.find((i) => lastSegment(i.properties.roleDefinitionId).toLowerCase() === guid);
    return found ? toPolicy(found.properties) : null;
  }

  async activate(input: ArmActivationInput, policy?: ArmActivationPolicy | null): Promise<ArmRequestResult> {
    const { eligible } = input;
    const scope = input.scope ?? eligible.scope.id;
    const body = {
      properties: {
        principalId: eligible.principalId,
        roleDefinitionId: eligible.role.id,
        requestType: 'SelfActivate',
        linkedRoleEligibilityScheduleId: eligible.eligibilityScheduleId,
        scheduleInfo: { expiration: { type: 'AfterDuration', duration: minutesToIsoDuration(input.durationMinutes) } },
        ...(input.justification ? { justification: input.justification } : {}),
        ...(input.ticket
          ? {
              ticketInfo: {
                ticketNumber: input.ticket.number,
                ...(input.ticket.system ? { ticketSystem: input.ticket.system } : {}),
              },
            }
          : {}),
      },
    };
    const ctx: ArmFailureContext = {
      operation: 'activate',
      target: `${eligible.role.displayName} on ${eligible.scope.displayName}`,
      maxDurationMinutes: policy?.maxDurationMinutes ?? null,
    };
    return this.submit(scope, body, ctx);
  }

  /** SelfDeactivate of an activated role (ARM refuses it in the first 5 minutes: ActiveDurationTooShort). */
  async deactivate(active: ArmActiveRole): Promise<ArmRequestResult> {
    const body = {
      properties: { principalId: active.principalId, roleDefinitionId: active.role.id, requestType: 'SelfDeactivate' },
    };
    return this.submit(active.scope.id, body, {
      operation: 'deactivate',
      target: `${active.role.displayName} on ${active.scope.displayName}`,
    });
  }

  async getRequest(scope: string, name: string): Promise<ArmRequestResult> {
    const url = this.http.url(`${scope}${AUTH}/roleAssignmentScheduleRequests/${name}`, ARM_PIM_API);
    return toRequest(
      await this.run({ operation: 'read' }, () => this.http.request<WireResource<WireRequestProps>>('GET', url)),
    );
  }

  /** Withdraws a pending request; ARM answers 200 with no body (ARM-PIM.md §3.4). */
  async cancel(scope: string, name: string): Promise<void> {
    const url = this.http.url(`${scope}${AUTH}/roleAssignmentScheduleRequests/${name}/cancel`, ARM_PIM_API);
    await this.run({ operation: 'cancel' }, () => this.http.request('POST', url));
  }

  /** Approvals waiting for the user (`asApprover()` at the tenant root, ARM-PIM.md §4 step 2). */
  async listApprovals(): Promise<ArmApproval[]> {
    const url = this.http.url(`${AUTH}/roleAssignmentApprovals`, ARM_APPROVALS_API, { $filter: 'asApprover()' });
    const items = await this.run({ operation: 'read' }, () =>
      this.http.list<WireResource<{ stages?: WireStage[] }>>(url),
    );
    return items.map(toApproval);
  }

  async getApproval(approvalId: string): Promise<ArmApproval> {
    const url = this.http.url(`${AUTH}/roleAssignmentApprovals/${lastSegment(approvalId)}`, ARM_APPROVALS_API);
    return toApproval(
      await this.run({ operation: 'read' }, () =>
        this.http.request<WireResource<{ stages?: WireStage[] }>>('GET', url),
      ),
    );
  }

  /**
   * Decides the stage assigned to the user (ARM-PIM.md §4 step 3–4): PUT `{reviewResult, justification}` at the top
   * level as the spec has it; on a 400 once more wrapped in `properties`, as one Learn page shows (UNVERIFIED which
   * ARM insists on). The answer's body is not needed (Learn: a PATCH may return none).
   */
  async decide(approvalId: string, decision: ArmDecision, justification: string): Promise<void> {
    const approval = await this.getApproval(approvalId);
    const ctx: ArmFailureContext = { operation: 'decide' };
    const stage = approval.stages.find(
      (s) => s.assignedToMe && s.status === 'InProgress' && s.reviewResult === 'NotReviewed',
    );
    if (!stage) {
      const open = approval.stages.some((s) => s.status === 'InProgress');
      throw toArmError(
        {
          httpStatus: open ? 403 : 400,
          code: open ? 'NotAssignedToMe' : 'ApprovalStageNotInProgress',
          message: null,
          requestId: null,
          retryAfterSeconds: null,
        },
        ctx,
      );
    }
    const url = this.http.url(`${AUTH}/roleAssignmentApprovals/${approval.id}/stages/${stage.id}`, ARM_APPROVALS_API);
    const review = { reviewResult: decision, justification };
    try {
      await this.http.request('PUT', url, review);
    } catch (err) {
      if (
        !(err instanceof ArmCallFailed) ||
        err.failure.httpStatus !== 400 ||
        err.failure.code === 'ApprovalStageNotInProgress'
      ) {
        throw err instanceof ArmCallFailed ? toArmError(err.failure, ctx) : err;
      }
      await this.run(ctx, () => this.http.request('PUT', url, { properties: review }));
    }
  }

  /**
   * PUT with a fresh request name. Retries inside the transport resend the same name after a 429/503 (ARM did not
   * act). When no answer came at all, the request may have landed: it is read back by name and only PUT again
   * (same name) if ARM does not have it, so one user action never makes two requests. Whether ARM itself
   * treats a repeated name as idempotent is UNVERIFIED (ARM-PIM.md §8), so the client does not rely on it.
   */
  private async submit(scope: string, body: unknown, ctx: ArmFailureContext): Promise<ArmRequestResult> {
    const name = this.newName();
    const url = this.http.url(`${scope}${AUTH}/roleAssignmentScheduleRequests/${name}`, ARM_PIM_API);
    const put = () => this.http.request<WireResource<WireRequestProps>>('PUT', url, body);
    try {
      return toRequest(await put());
    } catch (err) {
      if (!(err instanceof ArmCallFailed) || err.failure.code !== 'NetworkError')
        throw err instanceof ArmCallFailed ? toArmError(err.failure, ctx) : err;
    }
    try {
      return await this.getRequest(scope, name);
    } catch (err) {
      if (!(err instanceof ArmError && err.kind === 'NotFound')) throw err;
    }
    return toRequest(await this.run(ctx, put));
  }

  private async run<T>(ctx: ArmFailureContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw err instanceof ArmCallFailed ? toArmError(err.failure, ctx) : err;
    }
  }
}
