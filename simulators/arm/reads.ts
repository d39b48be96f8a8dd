import type { Json, JsonObject } from '../graph/json';
import type { ArmContext, ArmResponse } from './context';
import { assignmentInstanceJson, eligibilityJson, PROVIDER, requestJson } from './entities';
import { armErrors } from './errors';
import { AzureBuiltInRoles } from './fixture';
import { policiesAt, policyAssignmentJson, policyJson } from './policies';
import { isAtOrBelow, roleDefinitionResourceId } from './scopes';

/**
 * The GET lists and reads (ARM-PIM.md §3 ops 1–3, 5, 6, 9–11). `$filter` as the spec documents it:
 * `asTarget()` (the caller's own), `assignedTo('{id}')`, `principalId eq '{id}'`, `atScope()`, and for
 * requests `asRequestor()`/`asApprover()`. Without a caller-bound filter ARM needs read access on the scope.
 */

interface Scoped {
  scope: string;
  principalId: string;
}

type Filter = { kind: 'mine' } | { kind: 'principal'; id: string } | { kind: 'atScope' } | { kind: 'all' };

function parseFilter(ctx: ArmContext, extra: readonly string[] = []): Filter | { kind: 'extra'; name: string } {
  const raw = (ctx.query.get('$filter') ?? '').trim();
  if (raw === '') return { kind: 'all' };
  if (raw === 'asTarget()') return { kind: 'mine' };
  if (raw === 'atScope()') return { kind: 'atScope' };
  if (extra.includes(raw)) return { kind: 'extra', name: raw };
  const who = /^(?:assignedTo\('([^']+)'\)|principalId eq '([^']+)')$/.exec(raw);
  if (who) return { kind: 'principal', id: (who[1] ?? who[2]) as string };
  throw armErrors.invalidFilter(raw);
}

/** Items at the scope, below it, or above it (inherited into it); ARM's roleAssignments list behaves so. */
function inView(ctx: ArmContext, item: Scoped, filter: Filter | { kind: 'extra' }): boolean {
  const related = isAtOrBelow(item.scope, ctx.scope) || isAtOrBelow(ctx.scope, item.scope);
  if (!related) return false;
  const me = ctx.caller.objectId.toLowerCase();
  switch (filter.kind) {
    case 'mine':
      return item.principalId.toLowerCase() === me;
    case 'principal':
      return item.principalId.toLowerCase() === filter.id.toLowerCase();
    case 'atScope':
      return isAtOrBelow(ctx.scope, item.scope);
    default:
      return true;
  }
}

/** Unfiltered and other-principal lists need read on the scope: an active Owner or User Access Administrator above it. */
function requireRead(ctx: ArmContext, filter: Filter | { kind: 'extra' }, action: string): void {
  if (filter.kind === 'mine' || filter.kind === 'extra') return;
  if (filter.kind === 'principal' && filter.id.toLowerCase() === ctx.caller.objectId.toLowerCase()) return;
  const admin = ctx.state
    .activeAt(ctx.now)
    .some(
      (a) =>
        a.principalId.toLowerCase() === ctx.caller.objectId.toLowerCase() &&
        [AzureBuiltInRoles.owner, AzureBuiltInRoles.userAccessAdministrator].includes(a.roleDefinitionId as never) &&
        isAtOrBelow(ctx.scope, a.scope),
    );
  if (!admin)
    throw armErrors.authorizationFailed(
      ctx.caller.objectId,
      `Microsoft.Authorization/${action}/read`,
      ctx.scope || '/',
    );
}

/** One page of `value` and a `nextLink` (absolute URL, ARM-PIM.md §1) while more remain. */
export function page(ctx: ArmContext, items: Json[]): ArmResponse {
  const size = ctx.state.fixture.pageSize ?? 100;
  const skip = Number(ctx.query.get('$skiptoken') ?? '0') || 0;
  const value = items.slice(skip, skip + size);
  const body: JsonObject = { value };
  if (skip + size < items.length) {
    const q = new URLSearchParams(ctx.query);
    q.set('$skiptoken', String(skip + size));
    body.nextLink = `${ctx.baseUrl}${ctx.pathname}?${q.toString()}`;
  }
  return { status: 200, body };
}

export function listEligibility(ctx: ArmContext, kind: 'schedule' | 'instance'): ArmResponse {
  const filter = parseFilter(ctx);
  requireRead(ctx, filter, 'roleEligibilitySchedules');
  const items = ctx.state.eligibilitiesAt(ctx.now).filter((e) => inView(ctx, e, filter));
  return page(
    ctx,
    items.map((e) => eligibilityJson(ctx.state, e, kind)),
  );
}

export function getEligibility(ctx: ArmContext, kind: 'schedule' | 'instance', name: string): ArmResponse {
  const found = ctx.state
    .eligibilitiesAt(ctx.now)
    .find(
      (e) =>
        e.scope.toLowerCase() === ctx.scope.toLowerCase() &&
        (eligibilityJson(ctx.state, e, kind).name as string) === name.toLowerCase(),
    );
  if (!found)
    throw armErrors.notFound(kind === 'schedule' ? 'RoleEligibilitySchedule' : 'RoleEligibilityScheduleInstance', name);
  return { status: 200, body: eligibilityJson(ctx.state, found, kind) };
}

export function listAssignmentInstances(ctx: ArmContext): ArmResponse {
  const filter = parseFilter(ctx);
  requireRead(ctx, filter, 'roleAssignmentScheduleInstances');
  const items = ctx.state.activeAt(ctx.now).filter((a) => inView(ctx, a, filter));
  return page(
    ctx,
    items.map((a) => assignmentInstanceJson(ctx.state, a)),
  );
}

export function getAssignmentInstance(ctx: ArmContext, name: string): ArmResponse {
  const found = ctx.state
    .activeAt(ctx.now)
    .map((a) => assignmentInstanceJson(ctx.state, a))
    .find(
      (j) =>
        j.name === name.toLowerCase() &&
        (j.id as string).toLowerCase().startsWith(`${ctx.scope.toLowerCase()}${PROVIDER.toLowerCase()}`),
    );
  if (!found) throw armErrors.notFound('RoleAssignmentScheduleInstance', name);
  return { status: 200, body: found };
}

export function listRequests(ctx: ArmContext): ArmResponse {
  const filter = parseFilter(ctx, ['asRequestor()', 'asApprover()']);
  requireRead(ctx, filter, 'roleAssignmentScheduleRequests');
  const me = ctx.caller.objectId.toLowerCase();
  const raw = (ctx.query.get('$filter') ?? '').trim();
  const items = [...ctx.state.requests.values()].filter((r) => {
    if (raw === 'asRequestor()') return isAtOrBelow(r.scope, ctx.scope) && r.requestorId.toLowerCase() === me;
    if (raw === 'asApprover()') {
      const approval = r.approvalId ? ctx.state.approvals.get(r.approvalId) : undefined;
      return (
        isAtOrBelow(r.scope, ctx.scope) &&
        r.status === 'PendingApproval' &&
        !!approval?.stages.some((s) => s.approverIds.some((id) => id.toLowerCase() === me))
      );
    }
    return inView(ctx, r, filter);
  });
  return page(
    ctx,
    items.map((r) => requestJson(ctx.state, r)),
  );
}

export function getRequest(ctx: ArmContext, name: string): ArmResponse {
  const r = ctx.state.requests.get(name.toLowerCase());
  const me = ctx.caller.objectId.toLowerCase();
  if (
    !r ||
    r.scope.toLowerCase() !== ctx.scope.toLowerCase() ||
    (r.principalId.toLowerCase() !== me && r.requestorId.toLowerCase() !== me)
  ) {
    throw armErrors.notFound('RoleAssignmentScheduleRequest', name);
  }
  return { status: 200, body: requestJson(ctx.state, r) };
}

function requireScope(ctx: ArmContext): void {
  if (ctx.scope === '') throw armErrors.invalidScope('/');
}

export function listPolicies(ctx: ArmContext, kind: 'policy' | 'assignment'): ArmResponse {
  requireScope(ctx);
  const json = kind === 'policy' ? policyJson : policyAssignmentJson;
  return page(
    ctx,
    policiesAt(ctx.state.fixture, ctx.scope).map((p) => json(ctx.state.fixture, p)),
  );
}

export function getPolicy(ctx: ArmContext, kind: 'policy' | 'assignment', name: string): ArmResponse {
  requireScope(ctx);
  const json = kind === 'policy' ? policyJson : policyAssignmentJson;
  const found = policiesAt(ctx.state.fixture, ctx.scope)
    .map((p) => json(ctx.state.fixture, p))
    .find((j) => String(j.name).toLowerCase() === name.toLowerCase());
  if (!found)
    throw armErrors.notFound(kind === 'policy' ? 'RoleManagementPolicy' : 'RoleManagementPolicyAssignment', name);
  return { status: 200, body: found };
}

/** Child scopes of `scope` where the caller could activate something eligible at or above them (op 11). */
export function eligibleChildResources(ctx: ArmContext): ArmResponse {
  requireScope(ctx);
  const raw = (ctx.query.get('$filter') ?? '').trim();
  const typeFilter = /^resourceType eq '([^']+)'$/i.exec(raw)?.[1]?.toLowerCase();
  if (raw !== '' && !typeFilter) throw armErrors.invalidFilter(raw);
  const mine = ctx.state
    .eligibilitiesAt(ctx.now)
    .filter((e) => e.principalId.toLowerCase() === ctx.caller.objectId.toLowerCase());
  const value = ctx.state.fixture.scopes
    .filter((s) => isAtOrBelow(s.id, ctx.scope) && (!typeFilter || s.type === typeFilter))
    .filter((s) => mine.some((e) => isAtOrBelow(s.id, e.scope)))
    .map((s) => ({ id: s.id, name: s.displayName, type: s.type }));
  return { status: 200, body: { value } };
}

/** roleDefinitions (not in the PIM contract subset; built-in ids from the Azure RBAC docs). */
export function roleDefinitions(ctx: ArmContext, name?: string): ArmResponse {
  const json = (r: (typeof ctx.state.fixture.roleDefinitions)[number]): JsonObject => ({
    id: roleDefinitionResourceId(ctx.scope, r.id),
    name: r.id,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: r.roleName,
      type: r.type,
      description: r.description,
      assignableScopes: ['/'],
      permissions: [],
    },
  });
  const all = ctx.state.fixture.roleDefinitions.map(json);
  if (name === undefined) return { status: 200, body: { value: all } };
  const found = all.find((j) => String(j.name).toLowerCase() === name.toLowerCase());
  if (!found) throw armErrors.notFound('RoleDefinition', name);
  return { status: 200, body: found };
}
