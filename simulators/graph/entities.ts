import type { FixtureGroup, FixtureRoleDefinition, FixtureUser } from '../tenant/tenant-fixture';
import { resolveApprovers } from './approvers';
import type { Caller } from './auth';
import type { GroupEligibility, RoleEligibility } from './fixture-loader';
import type { GraphVersion } from './http';
import { sameId } from './ids';
import { iso, type JsonObject } from './json';
import type { EntityNode } from './odata/query';
import type { SimState, StoredRequest } from './state';
import {
  type GroupAssignmentRecord,
  groupAssignmentSchedules,
  type RoleAssignmentRecord,
  roleAssignmentSchedules,
} from './views';

/** What serializers need: the state, the simulated now, and (for assignedToMe) the caller. */
export interface View {
  state: SimState;
  now: Date;
  caller?: Caller;
}

function splitName(displayName: string): { givenName: string | null; surname: string | null } {
  const parts = displayName.trim().split(/\s+/);
  if (parts.length < 2) return { givenName: parts[0] ?? null, surname: null };
  return { givenName: parts.slice(0, -1).join(' '), surname: parts[parts.length - 1] ?? null };
}

export function userNode(user: FixtureUser, typed: boolean): EntityNode {
  const { givenName, surname } = splitName(user.displayName);
  return {
    typeName: 'microsoft.graph.user',
    json: {
      ...(typed ? { '@odata.type': '#microsoft.graph.user' } : {}),
      id: user.id,
      businessPhones: [],
      displayName: user.displayName,
      givenName,
      jobTitle: user.jobTitle ?? null,
      mail: user.mail ?? null,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: null,
      surname,
      userPrincipalName: user.userPrincipalName,
    },
  };
}

export function groupNode(group: FixtureGroup, view: View, typed: boolean): EntityNode {
  const nickname = group.displayName.replace(/[^A-Za-z0-9]/g, '');
  return {
    typeName: 'microsoft.graph.group',
    json: {
      ...(typed ? { '@odata.type': '#microsoft.graph.group' } : {}),
      id: group.id,
      deletedDateTime: null,
      classification: null,
      createdDateTime: iso(view.state.tenant.loadedAt),
      description: group.description ?? null,
      displayName: group.displayName,
      groupTypes: [],
      isAssignableToRole: group.isAssignableToRole ?? false,
      mail: null,
      mailEnabled: false,
      mailNickname: nickname || group.id.slice(0, 8),
      securityEnabled: true,
      visibility: group.isAssignableToRole ? 'Private' : null,
    },
  };
}

/** A principal as a directoryObject: a user or group with its @odata.type, or null when unknown. */
export function directoryObjectNode(id: string, view: View): EntityNode | null {
  const user = view.state.tenant.user(id);
  if (user) return userNode(user, true);
  const group = view.state.tenant.group(id);
  return group ? groupNode(group, view, true) : null;
}

export function roleDefinitionNode(role: FixtureRoleDefinition): EntityNode {
  return {
    typeName: 'microsoft.graph.unifiedRoleDefinition',
    json: {
      id: role.id,
      description: role.description,
      displayName: role.displayName,
      isBuiltIn: role.isBuiltIn,
      isEnabled: true,
      resourceScopes: ['/'],
      templateId: role.templateId,
      version: '1',
      rolePermissions: [{ allowedResourceActions: [], condition: null, excludedResourceActions: [] }],
    },
    navigation: { inheritsPermissionsFrom: () => [] },
  };
}

function scheduleInfo(start: Date, end: Date | null): JsonObject {
  return {
    startDateTime: iso(start),
    recurrence: null,
    expiration: end
      ? { type: 'afterDateTime', endDateTime: iso(end), duration: null }
      : { type: 'noExpiration', endDateTime: null, duration: null },
  };
}

export function roleNav(
  principalId: string,
  roleDefinitionId: string,
  view: View,
  directoryScopeId: string | null = null,
): EntityNode['navigation'] {
  return {
    principal: () => directoryObjectNode(principalId, view),
    roleDefinition: () => {
      const role = view.state.tenant.role(roleDefinitionId);
      return role ? roleDefinitionNode(role) : null;
    },
    directoryScope: () => directoryScopeNode(directoryScopeId, view),
    appScope: () => null,
  };
}

/**
 * The directoryScope navigation of a role schedule or instance: the administrative unit its
 * `directoryScopeId` names (`$expand=directoryScope` is documented on the role schedule resources); null for
 * the tenant-wide `/` and for scopes the fixture does not model.
 */
function directoryScopeNode(directoryScopeId: string | null, view: View): EntityNode | null {
  const unit = view.state.tenant.administrativeUnitOfScope(directoryScopeId);
  if (!unit) return null;
  return {
    typeName: 'microsoft.graph.administrativeUnit',
    json: {
      '@odata.type': '#microsoft.graph.administrativeUnit',
      id: unit.id,
      deletedDateTime: null,
      description: unit.description ?? null,
      displayName: unit.displayName,
      visibility: null,
    },
  };
}

export function roleEligibilityScheduleNode(e: RoleEligibility, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.unifiedRoleEligibilitySchedule',
    json: {
      id: e.id,
      principalId: e.principalId,
      roleDefinitionId: e.roleDefinitionId,
      directoryScopeId: e.directoryScopeId,
      appScopeId: null,
      createdUsing: e.id,
      createdDateTime: iso(e.start),
      modifiedDateTime: null,
      status: 'Provisioned',
      memberType: 'Direct',
      scheduleInfo: scheduleInfo(e.start, e.end),
    },
    navigation: roleNav(e.principalId, e.roleDefinitionId, view, e.directoryScopeId),
  };
}

export function roleEligibilityInstanceNode(e: RoleEligibility, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.unifiedRoleEligibilityScheduleInstance',
    json: {
      id: e.instanceId,
      principalId: e.principalId,
      roleDefinitionId: e.roleDefinitionId,
      directoryScopeId: e.directoryScopeId,
      appScopeId: null,
      startDateTime: iso(e.start),
      endDateTime: iso(e.end),
      memberType: 'Direct',
      roleEligibilityScheduleId: e.id,
    },
    navigation: roleNav(e.principalId, e.roleDefinitionId, view, e.directoryScopeId),
  };
}

function roleEligibilityById(view: View, id: string | null): RoleEligibility | undefined {
  return id ? view.state.tenant.index.roleEligibilitiesById.get(id).find((e) => e.id === id) : undefined;
}

export function roleAssignmentScheduleNode(r: RoleAssignmentRecord, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.unifiedRoleAssignmentSchedule',
    json: {
      id: r.scheduleId,
      principalId: r.principalId,
      roleDefinitionId: r.roleDefinitionId,
      directoryScopeId: r.directoryScopeId,
      appScopeId: null,
      createdUsing: r.createdUsing,
      createdDateTime: iso(r.createdDateTime),
      modifiedDateTime: null,
      status: 'Provisioned',
      assignmentType: r.assignmentType,
      memberType: r.memberType,
      scheduleInfo: scheduleInfo(r.start, r.end),
    },
    navigation: {
      ...roleNav(r.principalId, r.roleDefinitionId, view, r.directoryScopeId),
      activatedUsing: () => {
        const e = roleEligibilityById(view, r.eligibilityScheduleId);
        return e ? roleEligibilityScheduleNode(e, view) : null;
      },
    },
  };
}

export function roleAssignmentInstanceNode(r: RoleAssignmentRecord, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.unifiedRoleAssignmentScheduleInstance',
    json: {
      id: r.instanceId,
      principalId: r.principalId,
      roleDefinitionId: r.roleDefinitionId,
      directoryScopeId: r.directoryScopeId,
      appScopeId: null,
      // Permanent assignments: no start or end on the instance (FIDELITY.md).
      startDateTime: r.permanent ? null : iso(r.start),
      endDateTime: iso(r.end),
      assignmentType: r.assignmentType,
      memberType: r.memberType,
      roleAssignmentOriginId: r.originId,
      roleAssignmentScheduleId: r.scheduleId,
    },
    navigation: {
      ...roleNav(r.principalId, r.roleDefinitionId, view, r.directoryScopeId),
      activatedUsing: () => {
        const e = roleEligibilityById(view, r.eligibilityScheduleId);
        return e ? roleEligibilityInstanceNode(e, view) : null;
      },
    },
  };
}

function requestScheduleJson(req: StoredRequest): JsonObject | null {
  if (req.action === 'selfDeactivate' && !req.scheduleInfo) return null;
  const s = req.scheduleInfo;
  return {
    startDateTime: iso(req.start),
    recurrence: null,
    expiration: {
      type: s?.expirationType ?? null,
      endDateTime: iso(s?.endDateTime),
      duration: s?.duration ?? null,
    },
  };
}

function requestCommon(req: StoredRequest, view: View, statusOverride?: string): JsonObject {
  const { status, completedDateTime } = view.state.requestStatus(req, view.now);
  return {
    id: req.id,
    status: statusOverride ?? status,
    createdDateTime: iso(req.createdDateTime),
    completedDateTime: statusOverride === 'PendingApproval' ? null : iso(completedDateTime),
    approvalId: req.approval?.id ?? null,
    customData: null,
    action: req.action,
    principalId: req.principalId,
  };
}

function requestTail(req: StoredRequest): JsonObject {
  return {
    isValidationOnly: req.isValidationOnly,
    targetScheduleId: req.targetScheduleId,
    justification: req.justification,
    createdBy: { application: null, device: null, user: { displayName: null, id: req.createdById } },
    scheduleInfo: requestScheduleJson(req),
    ticketInfo: req.ticketInfo ?? { ticketNumber: null, ticketSystem: null },
  };
}

export function roleRequestNode(req: StoredRequest, view: View, statusOverride?: string): EntityNode {
  const roleDefinitionId = req.roleDefinitionId ?? '';
  return {
    typeName: 'microsoft.graph.unifiedRoleAssignmentScheduleRequest',
    json: {
      ...requestCommon(req, view, statusOverride),
      roleDefinitionId,
      directoryScopeId: req.directoryScopeId,
      appScopeId: null,
      ...requestTail(req),
    },
    navigation: {
      ...roleNav(req.principalId, roleDefinitionId, view, req.directoryScopeId),
      activatedUsing: () => {
        const e = roleEligibilityById(view, req.eligibilityScheduleId);
        return e ? roleEligibilityScheduleNode(e, view) : null;
      },
      targetSchedule: () => {
        // The target schedule is the request's principal's (activations.ts), read from its index.
        const r = roleAssignmentSchedules(view.state, view.now, { principalId: req.principalId }).find(
          (s) => s.scheduleId === req.targetScheduleId,
        );
        return r ? roleAssignmentScheduleNode(r, view) : null;
      },
    },
  };
}

function groupNav(principalId: string, groupId: string, view: View): EntityNode['navigation'] {
  return {
    principal: () => directoryObjectNode(principalId, view),
    group: () => {
      const g = view.state.tenant.group(groupId);
      return g ? groupNode(g, view, false) : null;
    },
  };
}

function groupEligibilityById(view: View, id: string | null): GroupEligibility | undefined {
  return id ? view.state.tenant.index.groupEligibilitiesById.get(id).find((e) => e.id === id) : undefined;
}

export function groupEligibilityScheduleNode(e: GroupEligibility, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.privilegedAccessGroupEligibilitySchedule',
    json: {
      id: e.id,
      createdDateTime: iso(e.start),
      createdUsing: e.id,
      modifiedDateTime: null,
      scheduleInfo: scheduleInfo(e.start, e.end),
      status: 'Provisioned',
      accessId: e.accessId,
      groupId: e.groupId,
      memberType: 'direct',
      principalId: e.principalId,
    },
    navigation: groupNav(e.principalId, e.groupId, view),
  };
}

export function groupEligibilityInstanceNode(e: GroupEligibility, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.privilegedAccessGroupEligibilityScheduleInstance',
    json: {
      id: e.instanceId,
      startDateTime: iso(e.start),
      endDateTime: iso(e.end),
      accessId: e.accessId,
      eligibilityScheduleId: e.id,
      groupId: e.groupId,
      memberType: 'direct',
      principalId: e.principalId,
    },
    navigation: groupNav(e.principalId, e.groupId, view),
  };
}

export function groupAssignmentScheduleNode(r: GroupAssignmentRecord, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.privilegedAccessGroupAssignmentSchedule',
    json: {
      id: r.scheduleId,
      createdDateTime: iso(r.createdDateTime),
      createdUsing: r.createdUsing,
      modifiedDateTime: null,
      scheduleInfo: scheduleInfo(r.start, r.end),
      status: 'Provisioned',
      accessId: r.accessId,
      assignmentType: r.assignmentType,
      groupId: r.groupId,
      memberType: r.memberType,
      principalId: r.principalId,
    },
    navigation: {
      ...groupNav(r.principalId, r.groupId, view),
      activatedUsing: () => {
        const e = groupEligibilityById(view, r.eligibilityScheduleId);
        return e ? groupEligibilityScheduleNode(e, view) : null;
      },
    },
  };
}

export function groupAssignmentInstanceNode(r: GroupAssignmentRecord, view: View): EntityNode {
  return {
    typeName: 'microsoft.graph.privilegedAccessGroupAssignmentScheduleInstance',
    json: {
      id: r.instanceId,
      startDateTime: iso(r.start),
      endDateTime: iso(r.end),
      accessId: r.accessId,
      assignmentScheduleId: r.scheduleId,
      assignmentType: r.assignmentType,
      groupId: r.groupId,
      memberType: r.memberType,
      principalId: r.principalId,
    },
    navigation: {
      ...groupNav(r.principalId, r.groupId, view),
      activatedUsing: () => {
        const e = groupEligibilityById(view, r.eligibilityScheduleId);
        return e ? groupEligibilityInstanceNode(e, view) : null;
      },
    },
  };
}

export function groupRequestNode(req: StoredRequest, view: View, statusOverride?: string): EntityNode {
  const groupId = req.groupId ?? '';
  return {
    typeName: 'microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest',
    json: {
      ...requestCommon(req, view, statusOverride),
      ...requestTail(req),
      accessId: req.accessId,
      groupId,
    },
    navigation: {
      ...groupNav(req.principalId, groupId, view),
      activatedUsing: () => {
        const e = groupEligibilityById(view, req.eligibilityScheduleId);
        return e ? groupEligibilityScheduleNode(e, view) : null;
      },
      targetSchedule: () => {
        const r = groupAssignmentSchedules(view.state, view.now, { principalId: req.principalId }).find(
          (s) => s.scheduleId === req.targetScheduleId,
        );
        return r ? groupAssignmentScheduleNode(r, view) : null;
      },
    },
  };
}

/** The single step (beta) / stage (v1.0) of a PIM approval. */
export function approvalStepNode(req: StoredRequest, view: View, stage: boolean): EntityNode {
  const approval = req.approval;
  if (!approval) throw new Error('request has no approval');
  const d = approval.decision;
  const pending = view.state.isPendingApproval(req, view.now);
  const caller = view.caller;
  const assignedToMe =
    caller?.kind === 'user' &&
    resolveApprovers(view.state, approval, req.principalId, view.now).some((id) => sameId(id, caller.objectId));
  const reviewer = d ? view.state.tenant.user(d.reviewerId) : undefined;
  // Read back in the documented values (NotReviewed, Approved, Denied; a step nobody decided in 24 h is
  // Expired): DOCS api-reference/beta/resources/approvalstep.md. The PATCH takes Approve/Deny.
  const reviewResult = d ? (d.result === 'Approve' ? 'Approved' : 'Denied') : 'NotReviewed';
  const timedOut = !d && !req.canceledAt && !pending;
  return {
    typeName: stage ? 'microsoft.graph.approvalStage' : 'microsoft.graph.approvalStep',
    json: {
      id: approval.stepId,
      displayName: null,
      reviewedDateTime: iso(d?.at),
      reviewResult,
      status: pending ? 'InProgress' : timedOut ? 'Expired' : 'Completed',
      assignedToMe,
      justification: d?.justification ?? null,
      reviewedBy: d ? { id: d.reviewerId, displayName: reviewer?.displayName ?? null } : null,
    },
  };
}

/**
 * An approval: v1.0 group approvals carry `stages`; beta approvals (Entra roles, groups) carry `steps`
 * (PIM-API.md §0, §4).
 */
export function approvalNode(req: StoredRequest, view: View, version: GraphVersion): EntityNode {
  const useStages = version === 'v1.0';
  const step = (): EntityNode => approvalStepNode(req, view, useStages);
  const stepJson = step().json;
  return {
    typeName: 'microsoft.graph.approval',
    json: { id: req.approval?.id ?? req.id, [useStages ? 'stages' : 'steps']: [stepJson] },
    navigation: useStages ? { stages: () => [step()] } : { steps: () => [step()] },
  };
}
