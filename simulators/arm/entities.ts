import type { JsonObject } from '../graph/json';
import { iso } from '../graph/json';
import type { ArmEligibilityFixture, ArmFixture } from './fixture';
import { describeScope, roleDefinitionResourceId } from './scopes';
import { type Activation, type Approval, type ArmState, instanceGuid, type Stage, type StoredRequest } from './state';

/** JSON for each ARM resource type, in the envelope of ARM-PIM.md §3 (id, name, type, properties). */

export const PROVIDER = '/providers/Microsoft.Authorization';

function expanded(fixture: ArmFixture, scope: string, roleGuid: string, principalId: string): JsonObject {
  const role = fixture.roleDefinitions.find((r) => r.id.toLowerCase() === roleGuid.toLowerCase());
  const user = fixture.users.find((u) => u.id.toLowerCase() === principalId.toLowerCase());
  return {
    scope: { ...describeScope(scope, fixture.scopes) },
    roleDefinition: {
      id: roleDefinitionResourceId(scope, roleGuid),
      displayName: role?.roleName ?? roleGuid,
      type: role?.type ?? 'BuiltInRole',
    },
    principal: {
      id: principalId,
      displayName: user?.displayName ?? principalId,
      email: user?.mail ?? '',
      type: 'User',
    },
  };
}

export function eligibilityScheduleId(e: ArmEligibilityFixture): string {
  return `${e.scope}${PROVIDER}/roleEligibilitySchedules/${e.id}`;
}

export function eligibilityJson(state: ArmState, e: ArmEligibilityFixture, kind: 'schedule' | 'instance'): JsonObject {
  const f = state.fixture;
  const name = kind === 'schedule' ? e.id : instanceGuid(e.id);
  const type = kind === 'schedule' ? 'roleEligibilitySchedules' : 'roleEligibilityScheduleInstances';
  const start = state.eligibilityStart(e);
  return {
    id: `${e.scope}${PROVIDER}/${type}/${name}`,
    name,
    type: `Microsoft.Authorization/${type}`,
    properties: {
      scope: e.scope,
      roleDefinitionId: roleDefinitionResourceId(e.scope, e.roleDefinitionId),
      principalId: e.principalId,
      principalType: 'User',
      status: 'Provisioned',
      memberType: 'Direct',
      startDateTime: start.toISOString(),
      endDateTime: e.endDateTime ?? null,
      createdOn: start.toISOString(),
      ...(kind === 'instance'
        ? { roleEligibilityScheduleId: eligibilityScheduleId(e) }
        : { updatedOn: start.toISOString() }),
      expandedProperties: expanded(f, e.scope, e.roleDefinitionId, e.principalId),
    },
  };
}

export function assignmentInstanceJson(state: ArmState, a: Activation): JsonObject {
  const name = instanceGuid(a.id);
  const eligibility = state.fixture.eligibilities.find((e) => e.id === a.linkedEligibilityId);
  return {
    id: `${a.scope}${PROVIDER}/roleAssignmentScheduleInstances/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignmentScheduleInstances',
    properties: {
      scope: a.scope,
      roleDefinitionId: roleDefinitionResourceId(a.scope, a.roleDefinitionId),
      principalId: a.principalId,
      principalType: 'User',
      roleAssignmentScheduleId: `${a.scope}${PROVIDER}/roleAssignmentSchedules/${a.id}`,
      originRoleAssignmentId: `${a.scope}${PROVIDER}/roleAssignments/${a.id}`,
      status: 'Provisioned',
      startDateTime: a.start.toISOString(),
      endDateTime: iso(a.end),
      assignmentType: a.assignmentType,
      memberType: 'Direct',
      createdOn: a.start.toISOString(),
      ...(eligibility
        ? {
            linkedRoleEligibilityScheduleId: eligibilityScheduleId(eligibility),
            linkedRoleEligibilityScheduleInstanceId: `${eligibility.scope}${PROVIDER}/roleEligibilityScheduleInstances/${instanceGuid(eligibility.id)}`,
          }
        : {}),
      expandedProperties: expanded(state.fixture, a.scope, a.roleDefinitionId, a.principalId),
    },
  };
}

export function approvalResourceId(approvalGuid: string): string {
  return `${PROVIDER}/roleAssignmentApprovals/${approvalGuid}`;
}

export function requestJson(state: ArmState, r: StoredRequest): JsonObject {
  const scheduleId = r.activationId ? `${r.scope}${PROVIDER}/roleAssignmentSchedules/${r.activationId}` : null;
  return {
    id: `${r.scope}${PROVIDER}/RoleAssignmentScheduleRequests/${r.name}`,
    name: r.name,
    type: 'Microsoft.Authorization/RoleAssignmentScheduleRequests',
    properties: {
      scope: r.scope,
      roleDefinitionId: roleDefinitionResourceId(r.scope, r.roleDefinitionId),
      principalId: r.principalId,
      principalType: 'User',
      requestType: r.requestType,
      status: r.status,
      // ARM-PIM.md §3.3: the approvalId format is UNVERIFIED; the resource-id form makes clients take the last segment.
      approvalId: r.approvalId ? approvalResourceId(r.approvalId) : null,
      targetRoleAssignmentScheduleId: scheduleId,
      targetRoleAssignmentScheduleInstanceId: r.activationId
        ? `${r.scope}${PROVIDER}/roleAssignmentScheduleInstances/${instanceGuid(r.activationId)}`
        : null,
      scheduleInfo: {
        startDateTime: r.startDateTime.toISOString(),
        expiration: {
          type: r.requestType === 'SelfDeactivate' ? 'NoExpiration' : r.duration ? 'AfterDuration' : 'AfterDateTime',
          endDateTime: iso(r.endDateTime),
          duration: r.duration,
        },
      },
      linkedRoleEligibilityScheduleId: linkedEligibility(state, r),
      justification: r.justification ?? null,
      ticketInfo: {
        ticketNumber: r.ticketInfo?.ticketNumber ?? null,
        ticketSystem: r.ticketInfo?.ticketSystem ?? null,
      },
      createdOn: r.createdOn.toISOString(),
      requestorId: r.requestorId,
      expandedProperties: expanded(state.fixture, r.scope, r.roleDefinitionId, r.principalId),
    },
  };
}

function linkedEligibility(state: ArmState, r: StoredRequest): string | null {
  const e = state.fixture.eligibilities.find((x) => x.id === r.linkedEligibilityId);
  return e ? eligibilityScheduleId(e) : null;
}

export function stageJson(state: ArmState, approval: Approval, stage: Stage, callerId: string): JsonObject {
  const reviewer = state.fixture.users.find((u) => u.id === stage.reviewedBy);
  return {
    id: `${approvalResourceId(approval.id)}/stages/${stage.id}`,
    name: stage.id,
    type: 'Microsoft.Authorization/roleAssignmentApprovals/stages',
    properties: {
      displayName: 'Approval stage 1',
      status: stage.status,
      assignedToMe:
        stage.status === 'InProgress' && stage.approverIds.some((id) => id.toLowerCase() === callerId.toLowerCase()),
      reviewResult: stage.reviewResult,
      reviewedBy: stage.reviewedBy
        ? {
            principalId: stage.reviewedBy,
            principalType: 'user',
            principalName: reviewer?.displayName ?? stage.reviewedBy,
            userPrincipalName: reviewer?.mail ?? '',
          }
        : null,
      reviewedDateTime: iso(stage.reviewedDateTime),
      justification: stage.justification ?? null,
    },
  };
}

export function approvalJson(state: ArmState, approval: Approval, callerId: string): JsonObject {
  return {
    id: approvalResourceId(approval.id),
    name: approval.id,
    type: 'Microsoft.Authorization/roleAssignmentApprovals',
    properties: { stages: approval.stages.map((s) => stageJson(state, approval, s, callerId)) },
  };
}
