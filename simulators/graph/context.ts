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
 * Validates the `on` parameter of filterByCurrentUser. Schedules and instances accept only 'principal';
 * requests accept 'principal', 'approver' and 'createdBy' (PIM-API.md §1.5). A current user is needed, so
 * app-only tokens are refused like /me (400).
 */
export function filterByCurrentUserOn(
  ctx: HandlerContext,
  on: string,
  allowed: readonly FilterByCurrentUserOn[],
): FilterByCurrentUserOn {
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
