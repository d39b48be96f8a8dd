import type { ServiceContext } from './activations';
import type { Caller } from './auth';
import type { View } from './entities';
import { graphErrors } from './errors';
import type { GraphRequest } from './http';
import type { SimState } from './state';

/** What every Graph route handler receives. */
export interface HandlerContext {
  req: GraphRequest;
  caller: Caller;
  state: SimState;
  /** Simulated now, read once per call. */
  now: Date;
  view: View;
  service: ServiceContext;
}

export type FilterByCurrentUserOn = 'principal' | 'approver' | 'createdBy';

/**
 * The `on` values each collection's docs list as supported (FIDELITY.md, "filterByCurrentUser on"). The
 * metadata enums also carry `unknownFutureValue`, a sentinel nobody may send, so it is refused like any
 * other value. Role requests list createdBy in the enum but the docs page says only principal and approver
 * work (DOCS api-reference/v1.0/api/unifiedroleassignmentschedulerequest-filterbycurrentuser.md). Group
 * requests document all three (DOCS api-reference/v1.0/api/privilegedaccessgroupassignmentschedulerequest-filterbycurrentuser.md);
 * schedules and instances only principal (their filterbycurrentuser pages).
 */
export const filterByCurrentUserValues = {
  schedulesAndInstances: ['principal'],
  roleAssignmentRequests: ['principal', 'approver'],
  groupAssignmentRequests: ['principal', 'createdBy', 'approver'],
  // approvalFilterByCurrentUserOptions also lists target and createdBy, but every approvals page says
  // "The allowed value is approver" (DOCS api-reference/beta/api/approval-filterbycurrentuser.md,
  // PIM for Groups and entitlement management; no page exists for role approvals, which follow it: UNVERIFIED).
  approvals: ['approver'],
} as const satisfies Record<string, readonly FilterByCurrentUserOn[]>;

/**
 * Validates the `on` parameter of filterByCurrentUser against the values the collection documents. A
 * current user is needed, so app-only tokens are refused like /me (400).
 */
export function filterByCurrentUserOn<T extends FilterByCurrentUserOn>(
  ctx: HandlerContext,
  on: string,
  allowed: readonly T[],
): T {
  const value = allowed.find((a) => a.toLowerCase() === on.toLowerCase());
  if (!value) throw graphErrors.badRequest(`The value '${on}' is not supported for the parameter 'on'.`);
  if (ctx.caller.kind !== 'user') {
    throw graphErrors.badRequest('filterByCurrentUser is only valid with delegated authentication flow.');
  }
  return value;
}

export function functionContext(typeName: string): string {
  return `Collection(${typeName})`;
}
